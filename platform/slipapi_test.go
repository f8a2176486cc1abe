package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/upload"
)

// slipNet is a platform over real HTTPS (mutual TLS, envelopes) and the keys of three
// enterprises: the seller of the demo set, and the buyer and a stranger added with
// pki.AddEnterprise, as `kaipiaoctl pki enterprise` does.
type slipNet struct {
	t                       *testing.T
	rig                     *slipRig
	keys                    *pki.Platform
	seller, buyer, stranger *pki.Workstation
}

func newSlipNet(t *testing.T) *slipNet {
	t.Helper()
	pki.UseTestKeyCost()
	dir := t.TempDir()
	set, err := pki.NewDemoSet(pki.DemoOptions{TaxID: slipSeller, Machine: "661234567890"})
	if err != nil {
		t.Fatal(err)
	}
	pass := []byte("test passphrase")
	platDir := filepath.Join(dir, "platform-pki")
	if _, err := set.WritePlatform(platDir, pass); err != nil {
		t.Fatal(err)
	}
	n := &slipNet{t: t, rig: newSlipRig(t)}
	load := func(ws string) *pki.Workstation {
		k, err := pki.LoadWorkstation(ws, pass, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	if _, err := set.WriteWorkstation(filepath.Join(dir, "seller"), pass); err != nil {
		t.Fatal(err)
	}
	n.seller = load(filepath.Join(dir, "seller"))
	for _, e := range []struct {
		taxID, name string
		dst         **pki.Workstation
	}{{slipBuyer, "北京示例买方有限公司", &n.buyer}, {slipOther, "深圳无关有限公司", &n.stranger}} {
		ws := filepath.Join(dir, e.taxID)
		if _, err := pki.AddEnterprise(platDir, ws, e.taxID, e.name, pass, time.Now()); err != nil {
			t.Fatal(err)
		}
		*e.dst = load(ws)
		if (*e.dst).Enterprise.Cert.Subject.SerialNumber != e.taxID {
			t.Fatalf("certificate names %s", (*e.dst).Enterprise.Cert.Subject.SerialNumber)
		}
	}
	if n.keys, err = pki.LoadPlatform(platDir, pass, time.Now()); err != nil {
		t.Fatal(err)
	}
	return n
}

// serve starts a platform on the rig's store with the clock of the tax rules moved by
// offset, as `kaipiao-platform --clock-offset` does, and returns its URL.
func (n *slipNet) serve(offset time.Duration) string {
	n.t.Helper()
	s := &Server{DB: n.rig.db, PKI: n.keys, RequireClientCert: true, ClockOffset: offset}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		n.t.Fatal(err)
	}
	srv := &http.Server{Handler: s.Handler(), TLSConfig: s.TLSConfig()}
	go srv.ServeTLS(ln, "", "")
	n.t.Cleanup(func() { srv.Close() })
	return "https://" + ln.Addr().String()
}

func (n *slipNet) client(keys *pki.Workstation, url string) *upload.SlipClient {
	c, err := upload.NewSlipClient(keys, url, nil)
	if err != nil {
		n.t.Fatal(err)
	}
	return c
}

func permanent(t *testing.T, err error, status int) {
	t.Helper()
	var pe *upload.PermanentError
	if !errors.As(err, &pe) || pe.Status != status {
		t.Fatalf("want a permanent HTTP %d, got %v", status, err)
	}
}

func TestSlipAPIOverHTTPS(t *testing.T) {
	n := newSlipNet(t)
	url := n.serve(0)
	ctx := context.Background()
	seller, buyer, stranger := n.client(n.seller, url), n.client(n.buyer, url), n.client(n.stranger, url)
	blue := n.rig.blue.Number

	s, err := seller.Request(ctx, upload.SlipRequest{RequestID: "r1", Of: blue, Amount: "100", Reason: "销售折让"})
	if err != nil {
		t.Fatal(err)
	}
	if s.State != upload.SlipSellerAwaitsBuyer || s.Total != "-113.00" || s.Initiator != "seller" {
		t.Fatalf("slip %+v", s)
	}
	in, err := buyer.List(ctx, true)
	if err != nil || len(in) != 1 || in[0].Number != s.Number {
		t.Fatalf("buyer's incoming: %+v %v", in, err)
	}
	if out, _ := buyer.List(ctx, false); len(out) != 0 {
		t.Fatalf("buyer's outgoing: %+v", out)
	}
	if out, _ := seller.List(ctx, false); len(out) != 1 {
		t.Fatalf("seller's outgoing: %+v", out)
	}
	if l, _ := stranger.List(ctx, true); len(l) != 0 {
		t.Fatalf("a stranger sees %+v", l)
	}
	_, err = stranger.Get(ctx, s.Number)
	permanent(t, err, http.StatusNotFound)
	_, err = stranger.Request(ctx, upload.SlipRequest{RequestID: "r9", Of: blue, Reason: "开票有误"})
	permanent(t, err, http.StatusNotFound)
	_, err = seller.Request(ctx, upload.SlipRequest{RequestID: "r8", Of: "035022600111:00000001", Reason: "开票有误"})
	permanent(t, err, http.StatusBadRequest)
	_, err = seller.Answer(ctx, s.Number, upload.SlipConfirm)
	permanent(t, err, http.StatusConflict)

	got, err := buyer.Answer(ctx, s.Number, upload.SlipConfirm)
	if err != nil || got.State != upload.SlipConfirmed {
		t.Fatalf("confirm: %+v %v", got, err)
	}
	_, err = buyer.Answer(ctx, s.Number, upload.SlipRefuse)
	permanent(t, err, http.StatusConflict)

	// The buyer starts one; the seller refuses it (06).
	b, err := buyer.Request(ctx, upload.SlipRequest{RequestID: "b1", Of: blue, Amount: "50", Reason: "2"})
	if err != nil || b.State != upload.SlipBuyerAwaitsSeller || b.Lrfsf != "1" || b.Reason != "销货退回" {
		t.Fatalf("buyer's slip: %+v %v", b, err)
	}
	if got, err := seller.Answer(ctx, b.Number, upload.SlipRefuse); err != nil || got.State != upload.SlipVoidSellerRefused {
		t.Fatalf("refuse: %+v %v", got, err)
	}

	// Left unanswered, then the platform's clock moved 72 hours on: void, for both sides.
	w, err := seller.Request(ctx, upload.SlipRequest{RequestID: "w1", Of: blue, Amount: "10", Reason: "开票有误"})
	if err != nil {
		t.Fatal(err)
	}
	late := n.serve(SlipExpiry + time.Minute)
	_, err = n.client(n.buyer, late).Answer(ctx, w.Number, upload.SlipConfirm)
	permanent(t, err, http.StatusConflict)
	if again, err := seller.Get(ctx, w.Number); err != nil || again.State != upload.SlipVoidExpired || again.StateText != "作废（超72小时未确认）" {
		t.Fatalf("after 72 h: %+v %v", again, err)
	}
	// The confirmed slip stays confirmed whatever the clock.
	if c, err := n.client(n.seller, late).Get(ctx, s.Number); err != nil || c.State != upload.SlipConfirmed {
		t.Fatalf("confirmed slip after 72 h: %+v %v", c, err)
	}
}

// Two clerks of the buyer answer one slip at the same moment over HTTPS, one confirming,
// one refusing: one wins, the other is refused with the state the winner left, and the
// slip is in the winner's state.
func TestSlipAnswersRaceOverHTTPS(t *testing.T) {
	n := newSlipNet(t)
	url := n.serve(0)
	ctx := context.Background()
	seller := n.client(n.seller, url)
	for round := range 5 {
		s, err := seller.Request(ctx, upload.SlipRequest{RequestID: fmt.Sprint("race-", round), Of: n.rig.blue.Number,
			Lines: []invoice.RedLineRequest{{Line: 1, Quantity: "1"}}, Reason: "销货退回"})
		if err != nil {
			t.Fatal(err)
		}
		if s.Amount != "-120.50" || s.Lines[0].Quantity != "1" {
			t.Fatalf("one unit of line 1: %+v", s)
		}
		type result struct {
			s   *upload.Slip
			err error
		}
		results := make(chan result, 2)
		for _, action := range []string{upload.SlipConfirm, upload.SlipRefuse} {
			c := n.client(n.buyer, url)
			go func() {
				s, err := c.Answer(ctx, s.Number, action)
				results <- result{s, err}
			}()
		}
		a, b := <-results, <-results
		if (a.err == nil) == (b.err == nil) {
			t.Fatalf("round %d: %v and %v", round, a.err, b.err)
		}
		won := a
		if a.err != nil {
			won, b = b, a
		}
		permanent(t, b.err, http.StatusConflict)
		final, err := seller.Get(ctx, s.Number)
		if err != nil || final.State != won.s.State {
			t.Fatalf("round %d: the winner left %s, the slip is %+v %v", round, won.s.State, final, err)
		}
		if final.State != upload.SlipConfirmed {
			continue
		}
		// A confirmed slip is withdrawn again (09), so that the next round has units left.
		if w, err := seller.Answer(ctx, s.Number, upload.SlipWithdraw); err != nil || w.State != upload.SlipVoidConfirmWithdraw {
			t.Fatalf("withdraw after confirmation: %+v %v", w, err)
		}
	}
}

// The path of an answer is not signed: an answer whose signed payload names another slip
// or action than its path is refused and changes nothing.
func TestSlipAnswerPathMustMatchTheSignedPayload(t *testing.T) {
	n := newSlipNet(t)
	url := n.serve(0)
	ctx := context.Background()
	s, err := n.client(n.seller, url).Request(ctx, upload.SlipRequest{RequestID: "p1", Of: n.rig.blue.Number, Amount: "5", Reason: "开票有误"})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(upload.SlipAnswer{Number: s.Number, Action: upload.SlipRefuse})
	env, err := upload.Seal(&upload.Payload{ID: upload.NewID(), Kind: upload.KindSlipAnswer, At: time.Now().UTC(), Slip: body},
		n.buyer.Enterprise, n.buyer.PlatformEnc)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := upload.NewHTTPClient(n.buyer, 10*time.Second).Post(url+upload.PathSlipPrefix+s.Number+"/"+upload.SlipConfirm,
		"application/cms", bytes.NewReader(env))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("HTTP %d", resp.StatusCode)
	}
	if got, _ := n.client(n.seller, url).Get(ctx, s.Number); got.State != upload.SlipSellerAwaitsBuyer {
		t.Fatalf("the slip changed: %+v", got)
	}
}
