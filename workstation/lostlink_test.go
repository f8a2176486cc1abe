package workstation

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
)

// TestWindowDeviceLostMidOrder: the window's path (OpenWindow: the engine through the
// Link). The device hangs inside the 4th ISSUE of a 5-invoice order and its line hangs
// up. The engine reports without waiting out any deadline: the 3 issued, the order partly
// issued, the 4th's outcome unknown after one lookup that sent nothing. The device then
// finishes the 4th on its own (it had it); plugged back at once (sooner than the link's
// watcher looks), the link still notices the loss, reconnects, and its reconciliation
// resolves the open request by request ID; "issue the rest" completes the order with no
// number used twice.
func TestWindowDeviceLostMidOrder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ttyKP0")
	faults, err := sim.ParseFaults("freeze-before-commit@4", 1)
	if err != nil {
		t.Fatal(err)
	}
	frozen, thaw := make(chan struct{}), make(chan struct{})
	var once sync.Once
	dev, err := sim.Open(sim.Config{StatePath: filepath.Join(dir, "devsim.db"), Faults: faults,
		Freeze: func() { close(frozen); <-thaw }})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	defer once.Do(func() { close(thaw) })
	serve := func() (*sim.PTY, chan error) {
		p, err := sim.OpenPTY()
		if err != nil {
			t.Fatal(err)
		}
		if err := sim.Link(path, p.Path); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- (&sim.Server{Device: dev, Link: p, Faults: faults}).Serve() }()
		return p, done
	}
	p, served := serve()
	w, err := OpenWindow(context.Background(), Config{Data: filepath.Join(dir, "data"), Device: path, PIN: sim.DefaultPIN,
		Operator: "test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ds, err := w.Link.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w.Engine.SetSeller(invoice.Party{Name: sim.DemoSellerName, TaxID: ds.SellerTaxID})
	order := &invoice.Order{OrderID: "LOST-1", Buyer: invoice.OrderBuyer{Name: "厦门某某贸易有限公司"},
		Lines: []invoice.OrderLine{{Name: "服务器", TaxCode: "1090509010000000000", Unit: "台", Quantity: "5",
			UnitPrice: "90000", TaxRate: "0.13"}}}

	type result struct {
		outs []invoice.Outcome
		err  error
	}
	done := make(chan result, 1)
	go func() { outs, err := w.Engine.Issue(context.Background(), order); done <- result{outs, err} }()
	select {
	case <-frozen:
	case r := <-done:
		t.Fatalf("the order ended before the device froze: %v", r.err)
	case <-time.After(60 * time.Second):
		t.Fatal("the device never froze at the 4th ISSUE")
	}
	lost := time.Now()
	// The line hangs up under the frozen device, and its name goes (see
	// TestLinkFollowsTheDeviceAwayAndBack: a name left on a dead pty leads elsewhere).
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	p.Close()
	var r result
	select {
	case r = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("the engine never reported")
	}
	t.Logf("the engine reported %.2f s after the line hung up", time.Since(lost).Seconds())
	if len(r.outs) != 3 || !errors.Is(r.err, invoice.ErrPartlyIssued) || !errors.Is(r.err, invoice.ErrOutcomeUnknown) {
		t.Fatalf("%d invoices, %v: want the 3 issued and the 4th's outcome unknown", len(r.outs), r.err)
	}
	if msg := r.err.Error(); !strings.Contains(msg, "then 1 lookup(s): "+invoice.ErrUnreachable.Error()) {
		t.Fatalf("%v: want one lookup, which found the device unreachable", r.err)
	}
	open, err := w.Store.OpenIntents()
	if err != nil || len(open) != 1 || open[0].RequestID != "LOST-1#4" {
		t.Fatalf("open intents %v (%v): want the 4th's", open, err)
	}
	partly, err := w.Store.PartlyIssuedOrders()
	if err != nil || len(partly) != 1 || partly[0].OrderID != "LOST-1" {
		t.Fatalf("partly issued %v (%v)", partly, err)
	}

	// The device had the 4th: it finishes it, answering no one; then it is plugged back.
	once.Do(func() { close(thaw) })
	<-served
	p, served = serve()
	defer func() { w.Close(); p.Close(); <-served }()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		open, _ := w.Store.OpenIntents()
		if st := w.Link.State(); st.Connected && len(open) == 0 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("the link did not reconnect and reconcile: %+v, %d open", st, len(open))
		}
	}
	if inv, _, found, _ := w.Store.IssuedFor("LOST-1#4"); !found || inv.Number != "00000004" {
		t.Fatalf("the 4th after the reconnection: %v %v, want 00000004 from the device", found, inv)
	}
	outs, err := w.Engine.IssueRest(context.Background(), "LOST-1")
	if err != nil || len(outs) != 5 {
		t.Fatalf("issue the rest: %d invoices, %v", len(outs), err)
	}
	for i, o := range outs {
		if want := "0000000" + string(rune('1'+i)); o.Invoice.Number != want {
			t.Errorf("part %d: %s, want %s", i+1, o.Invoice.Number, want)
		}
	}
}
