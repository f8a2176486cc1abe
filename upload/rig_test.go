package upload_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/platform"
	"github.com/kaipiao/kaipiao/platform/platformtest"
	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/upload"
)

const (
	sellerTaxID = "91350200776049653A"
	otherTaxID  = "91110000600037341L"
)

// rig is a workstation and a platform in one process, with nothing mocked: the simulator
// on a pseudo-terminal with a CA-issued device identity, the serial client, the bbolt
// store, the issuing engine, and the platform over HTTPS on loopback with its own bbolt.
type rig struct {
	t       testing.TB
	dir     string
	pki     *pki.DemoSet
	ws      *pki.Workstation
	running *sim.Running
	client  *device.Client
	db      *store.DB
	engine  *invoice.Engine
	machine string

	// erpToken posts orders for sellerTaxID, otherToken for otherTaxID.
	erpToken, otherToken string

	plat     *pki.Platform
	pdb      platform.Store
	addr     string
	srv      *http.Server
	handler  http.Handler // the platform's handler, wrapped by a test's faults
	wrap     func(http.Handler) http.Handler
	http1    bool // serve HTTP/1.1 only, so that a fault can hijack the connection
	serveErr chan error
}

type rigOptions struct {
	offlineAmount invoice.Money
	noFsync       bool
}

func newRig(t testing.TB, o rigOptions) *rig {
	t.Helper()
	dir := t.TempDir()
	r := &rig{t: t, dir: dir}
	cfg := sim.Config{StatePath: filepath.Join(dir, "devsim.db"), SellerTaxID: sellerTaxID, Stock: 100000,
		RollSize: 10000, OfflineAmount: o.offlineAmount, Seed: 7}
	if cfg.OfflineAmount == 0 {
		cfg.OfflineAmount = invoice.MaxLineAmount
	}
	// The machine number comes from the seed: boot once to learn it, then issue the
	// device its certificate under the demo CA, as a tax bureau would.
	first, err := sim.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.machine = first.Machine()
	first.Close()
	if r.pki, err = pki.NewDemoSet(pki.DemoOptions{TaxID: sellerTaxID, Machine: r.machine}); err != nil {
		t.Fatal(err)
	}
	cfg.Identity = &sim.Identity{Signer: device.SM2Signer{Key: r.pki.Device.SM2()}, Certificate: r.pki.Device.Cert.Raw}
	if r.running, err = sim.StartPTY(cfg, 0); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if r.client, err = device.Dial(ctx, device.SerialConfig{Path: r.running.PTY.Path}, device.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := r.client.VerifyPIN(ctx, sim.DefaultPIN); err != nil {
		t.Fatal(err)
	}
	r.openStore(o.noFsync)
	codes, err := invoice.ParseTaxCodes(bytes.NewReader(assets.TaxCodesCSV()), assets.TaxCodesVersion)
	if err != nil {
		t.Fatal(err)
	}
	r.engine = &invoice.Engine{Device: device.EngineDevice{Client: r.client}, Store: r.db, Codes: codes, Operator: "test",
		Seller: invoice.Party{Name: "厦门开票示范科技有限公司", TaxID: sellerTaxID}}

	// Both sides read their keys from disk, encrypted, as the programs do.
	pass := []byte("test passphrase")
	wsDir, platDir := filepath.Join(dir, "ws-pki"), filepath.Join(dir, "platform-pki")
	if _, err := r.pki.WriteWorkstation(wsDir, pass); err != nil {
		t.Fatal(err)
	}
	if _, err := r.pki.WritePlatform(platDir, pass); err != nil {
		t.Fatal(err)
	}
	if r.ws, err = pki.LoadWorkstation(wsDir, pass, time.Now()); err != nil {
		t.Fatal(err)
	}
	if r.plat, err = pki.LoadPlatform(platDir, pass, time.Now()); err != nil {
		t.Fatal(err)
	}
	r.pdb = platformtest.Open(t, filepath.Join(dir, "platform"))
	if r.erpToken, err = platform.NewERPToken(platDir, sellerTaxID, "rig ERP"); err != nil {
		t.Fatal(err)
	}
	if r.otherToken, err = platform.NewERPToken(platDir, otherTaxID, "other ERP"); err != nil {
		t.Fatal(err)
	}
	erps, err := platform.LoadERPTokens(platDir)
	if err != nil {
		t.Fatal(err)
	}
	r.handler = (&platform.Server{DB: r.pdb, PKI: r.plat, ERPTokens: erps}).Handler()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	r.serve(ln)
	t.Cleanup(func() {
		r.stopPlatform()
		r.client.Close()
		r.running.Close()
		r.db.Close()
		r.pdb.Close()
	})
	return r
}

func (r *rig) openStore(noFsync bool) {
	db, err := store.Open(filepath.Join(r.dir, "kaipiao.db"), store.Options{NoSync: noFsync})
	if err != nil {
		r.t.Fatal(err)
	}
	r.db = db
	if r.engine != nil {
		r.engine.Store = db
	}
}

func (r *rig) url() string { return "https://" + r.addr }

// serve starts the platform on ln; faults set with r.wrap apply.
func (r *rig) serve(ln net.Listener) {
	h := r.handler
	if r.wrap != nil {
		h = r.wrap(h)
	}
	r.srv = &http.Server{Handler: h, TLSConfig: (&platform.Server{PKI: r.plat}).TLSConfig(),
		ErrorLog: log.New(io.Discard, "", 0), ReadHeaderTimeout: 10 * time.Second}
	if r.http1 {
		r.srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
	}
	r.serveErr = make(chan error, 1)
	srv := r.srv
	go func() { r.serveErr <- srv.ServeTLS(ln, "", "") }()
}

func (r *rig) stopPlatform() {
	if r.srv == nil {
		return
	}
	r.srv.Close()
	if err := <-r.serveErr; !errors.Is(err, http.ErrServerClosed) {
		r.t.Errorf("platform: %v", err)
	}
	r.srv = nil
}

// faults restarts the platform with wrap around its handler (nil: none).
func (r *rig) faults(wrap func(http.Handler) http.Handler) {
	r.stopPlatform()
	r.wrap = wrap
	r.startPlatform()
}

// startPlatform (re)starts the platform on the rig's address.
func (r *rig) startPlatform() {
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		r.t.Fatal(err)
	}
	r.serve(ln)
}

// syncer makes the workstation's syncer; change adjusts its configuration. Waits between
// attempts are recorded, not slept: the tests check them, and stay fast.
func (r *rig) syncer(change func(*upload.Config)) (*upload.Syncer, *[]time.Duration) {
	var slept []time.Duration
	var mu sync.Mutex
	cfg := upload.Config{Store: r.db, PKI: r.ws, URL: r.url(), Device: r.client, DeviceCert: r.pki.Device.Cert.Raw,
		BatchSize: 50, Sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			slept = append(slept, d)
			return ctx.Err()
		}}
	if change != nil {
		change(&cfg)
	}
	s, err := upload.New(cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	return s, &slept
}

// issue issues n eight-line orders offline: the platform plays no part in issuing.
func (r *rig) issue(prefix string, n int) {
	r.t.Helper()
	orders := eightLineOrders(prefix, n)
	issued := 0
	err := r.engine.IssueBatch(context.Background(), orders, func(res invoice.BatchResult) {
		if res.Err != nil {
			r.t.Fatalf("order %s: %v", res.Order.OrderID, res.Err)
		}
		issued += len(res.Outcomes)
	})
	if err != nil || issued != n {
		r.t.Fatalf("issued %d of %d: %v", issued, n, err)
	}
}

// eightLineOrders makes n orders of eight lines, 4,338.00 before tax each.
func eightLineOrders(prefix string, n int) []*invoice.Order {
	orders := make([]*invoice.Order, n)
	for i := range orders {
		o := &invoice.Order{OrderID: fmt.Sprintf("%s-%04d", prefix, i), Buyer: invoice.OrderBuyer{Name: "厦门示例科技有限公司",
			TaxID: "91350200776049653A"}}
		for j := range 8 {
			o.Lines = append(o.Lines, invoice.OrderLine{Name: fmt.Sprintf("计算机配件%02d", j), TaxCode: "1090509020000000000",
				Spec: "K14", Unit: "件", Quantity: strconv.Itoa(j + 1), UnitPrice: "120.5", TaxRate: "0.13"})
		}
		orders[i] = o
	}
	return orders
}

// checkPlatformHoldsExactly checks the invariant: the platform holds each invoice of the
// store exactly once, with the receipt the store keeps, and nothing else.
func (r *rig) checkPlatformHoldsExactly(n int) {
	r.t.Helper()
	held := map[string]*platform.Stored{}
	err := r.pdb.Invoices("", func(s *platform.Stored) error {
		k := s.Code + "/" + s.Number
		if held[k] != nil {
			return fmt.Errorf("%s held twice", k)
		}
		held[k] = s
		return nil
	})
	if err != nil {
		r.t.Fatal(err)
	}
	if len(held) != n {
		r.t.Fatalf("the platform holds %d invoices, want %d", len(held), n)
	}
	page, err := r.db.List(store.Query{Limit: n + 10})
	if err != nil {
		r.t.Fatal(err)
	}
	if len(page.Records) != n {
		r.t.Fatalf("the store holds %d invoices, want %d", len(page.Records), n)
	}
	for _, rec := range page.Records {
		inv := rec.Invoice
		s := held[inv.Code+"/"+inv.Number]
		switch {
		case s == nil:
			r.t.Fatalf("%s/%s (%s) is not on the platform", inv.Code, inv.Number, inv.RequestID)
		case rec.Sync != store.SyncAcked:
			r.t.Fatalf("%s/%s: sync %s (%s)", inv.Code, inv.Number, rec.Sync, rec.SyncError)
		case !bytes.Equal(rec.Ack, s.Receipt):
			r.t.Fatalf("%s/%s: the store's receipt is not the platform's", inv.Code, inv.Number)
		case s.Digest != upload.InvoiceDigest(inv) || s.Device != r.machine || s.OrderID != inv.OrderID:
			r.t.Fatalf("%s/%s: the platform holds %+v", inv.Code, inv.Number, s)
		}
		if _, err := upload.VerifyReceipt(rec.Ack, r.ws.PlatformSign, inv); err != nil {
			r.t.Fatal(err)
		}
	}
	if q, d, _ := r.db.PendingCount(); q != 0 || d != 0 {
		r.t.Fatalf("outbox %d, dead letters %d", q, d)
	}
}
