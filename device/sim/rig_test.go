package sim_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/shopspring/decimal"
)

// rig is a simulated device served on a real pseudo-terminal and a client that opens the
// pty's slave through tarm/serial, as it would a USB port: by a link (a by-id name), which
// hangUp removes as an unplug does.
type rig struct {
	t      testing.TB
	cfg    sim.Config
	dev    *sim.Device
	pty    *sim.PTY
	link   string
	srv    *sim.Server
	served chan error
	client *device.Client
	port   *device.SerialPort
	next   int // request IDs
}

func newRig(t testing.TB, cfg sim.Config, baud int) *rig {
	t.Helper()
	if cfg.StatePath == "" {
		cfg.StatePath = filepath.Join(t.TempDir(), "device.db")
	}
	if cfg.Clock == nil {
		cfg.Clock = &sim.Clock{}
		// mid-month, so that no test crosses a month end by accident
		cfg.Clock.Set(time.Date(2026, 3, 10, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	}
	r := &rig{t: t, cfg: cfg}
	p, err := sim.OpenPTY()
	if err != nil {
		t.Fatal(err)
	}
	r.pty, r.link = p, filepath.Join(t.TempDir(), "ttyKP0")
	if err := sim.Link(r.link, p.Path); err != nil {
		t.Fatal(err)
	}
	r.boot(baud)
	r.port, err = device.OpenSerial(device.SerialConfig{Path: r.link, Baud: 115200})
	if err != nil {
		t.Fatal(err)
	}
	r.client = device.NewClient(r.port, device.Options{ResponseTimeout: 300 * time.Millisecond, Baud: baud})
	t.Cleanup(r.stop)
	if err := r.client.VerifyPIN(r.ctx(), "88888888"); err != nil {
		t.Fatalf("VerifyPIN: %v", err)
	}
	return r
}

// boot starts the device and its server on the rig's pty.
func (r *rig) boot(baud int) {
	dev, err := sim.Open(r.cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	r.dev = dev
	r.srv = &sim.Server{Device: dev, Link: r.pty, Baud: baud, Faults: r.cfg.Faults}
	r.served = make(chan error, 1)
	go func(s *sim.Server, ch chan error) { ch <- s.Serve() }(r.srv, r.served)
}

// powerCycle waits for the crashed device's server to stop, then boots it again from
// its state file, as a device that lost power and came back.
func (r *rig) powerCycle() {
	r.t.Helper()
	select {
	case err := <-r.served:
		if !errors.Is(err, sim.ErrCrashed) {
			r.t.Fatalf("server stopped with %v, want a crash", err)
		}
	case <-time.After(30 * time.Second):
		r.t.Fatal("device did not crash")
	}
	r.dev.Close()
	r.cfg.Faults = nil
	r.boot(r.srv.Baud)
}

// hangUp unplugs the device: its name goes, then its line hangs up. The name must go
// first: the kernel gives the pty's number to the next pseudo-terminal at once (another
// test's simulator, perhaps in another test binary), and a client still reopening it
// would take that one for its device.
func (r *rig) hangUp() {
	if err := os.Remove(r.link); err != nil {
		r.t.Fatal(err)
	}
	r.pty.Close()
}

func (r *rig) stop() {
	r.client.Close()
	r.pty.Close()
	select {
	case <-r.served:
	case <-time.After(10 * time.Second):
		r.t.Error("server did not stop")
	}
	r.dev.Close()
}

func (r *rig) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	r.t.Cleanup(cancel)
	return ctx
}

// nextNumber asks the device for the number the next invoice takes.
func (r *rig) nextNumber() (code, number string) {
	r.t.Helper()
	st, err := r.client.Status(r.ctx())
	if err != nil {
		r.t.Fatalf("Status: %v", err)
	}
	return st.NextCode, st.NextNumber
}

func (r *rig) request(lines int) device.IssueRequest {
	r.next++
	code, number := r.nextNumber()
	return device.IssueRequest{
		RequestID: fmt.Sprintf("ORD-%05d", r.next), ExpectedCode: code, ExpectedNumber: number,
		Invoice: sampleInvoice(fmt.Sprintf("ORD-%05d", r.next), lines),
	}
}

// sampleInvoice is an n-line invoice at 13 %, each line 3 × 1,000.00.
func sampleInvoice(order string, n int) invoice.Invoice {
	inv := invoice.Invoice{
		RequestID: order, OrderID: order, Kind: invoice.KindOrdinary,
		Seller: invoice.Party{Name: "厦门开票软件有限公司", TaxID: "91350200MA2Y0XXK5W"},
		Buyer:  invoice.Party{Name: "北京某某科技有限公司", TaxID: "91110108MA01ABCD2X", Email: "ap@example.com"},
		Remark: "订单 " + order, Issuer: "张三",
	}
	for i := 0; i < n; i++ {
		inv.Lines = append(inv.Lines, invoice.Line{
			Name: fmt.Sprintf("笔记本电脑%d", i+1), TaxCode: "1090511030000000000", ShortName: "计算机",
			Spec: "X1-14", Unit: "台", Quantity: decimal.NewFromInt(3), UnitPrice: decimal.RequireFromString("1000"),
			Amount: 300000, Rate: invoice.Rate13, Tax: 39000,
		})
	}
	return inv
}

// journal reads the device's whole journal through the client.
func (r *rig) journal() []device.Record {
	r.t.Helper()
	var out []device.Record
	for {
		page, err := r.client.Journal(r.ctx(), uint64(len(out)+1), 100)
		if err != nil {
			r.t.Fatalf("Journal: %v", err)
		}
		if len(page) == 0 {
			return out
		}
		out = append(out, page...)
	}
}

// checkJournal asserts the journal is gapless, each request ID once, each seal valid.
func (r *rig) checkJournal() []device.Record {
	r.t.Helper()
	recs := r.journal()
	seen := map[string]bool{}
	for i, rec := range recs {
		if rec.Counter != uint64(i+1) {
			r.t.Fatalf("journal entry %d has counter %d", i+1, rec.Counter)
		}
		if seen[rec.RequestID] {
			r.t.Fatalf("request %s issued twice", rec.RequestID)
		}
		seen[rec.RequestID] = true
		if i > 0 && rec.Invoice.Code == recs[i-1].Invoice.Code && num(rec.Invoice.Number) != num(recs[i-1].Invoice.Number)+1 {
			r.t.Fatalf("numbers %s then %s: gap or repeat", recs[i-1].Invoice.Number, rec.Invoice.Number)
		}
		if err := device.VerifySeal(r.dev.Certificate(), &rec.Invoice); err != nil {
			r.t.Fatalf("record %d: %v", rec.Counter, err)
		}
	}
	return recs
}

func num(s string) int {
	var n int
	fmt.Sscanf(s, "%d", &n)
	return n
}
