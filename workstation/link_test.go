package workstation

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
)

// The tests open the built-in simulator by its address, as the binaries that register it do.
func init() { sim.Register() }

func smallOrder(id string) *invoice.Order {
	return &invoice.Order{OrderID: id, Buyer: invoice.OrderBuyer{Name: "厦门某某贸易有限公司"},
		Lines: []invoice.OrderLine{{Name: "技术服务费", TaxCode: "3040201010000000000", Quantity: "1", UnitPrice: "100.00", TaxRate: "0.06"}}}
}

// eventually polls cond for up to limit (a hang detector, not a timing assertion).
func eventually(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	for start := time.Now(); time.Since(start) < limit; time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("%s: not after %v", what, limit)
}

// TestInProcessSimulatorWorkstation: the built-in simulator Windows uses (no
// pseudo-terminal, a pipe pair in-process) serves a whole workstation: issue, then a
// second open replays the order instead of issuing it again.
func TestInProcessSimulatorWorkstation(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	for run := 0; run < 2; run++ {
		w, err := Open(ctx, Config{Data: data, Device: "sim:inprocess", Operator: "test"}, true)
		if err != nil {
			t.Fatal(err)
		}
		outs, err := w.Engine.Issue(ctx, smallOrder("INPROC-1"))
		if err != nil {
			t.Fatal(err)
		}
		if outs[0].Replayed != (run == 1) || outs[0].Invoice.Number != "00000001" {
			t.Fatalf("run %d: %+v", run, outs[0])
		}
		w.Close()
	}
}

// TestWindowOpensWithoutTheDevice: a port that does not exist leaves the workstation
// open, saying what is wrong and where; the store works, issuing is refused plainly.
func TestWindowOpensWithoutTheDevice(t *testing.T) {
	w, err := OpenWindow(context.Background(), Config{Data: t.TempDir(), Device: "/dev/ttyNOPE", PIN: "88888888", Operator: "test"}, nil)
	if err != nil {
		t.Fatalf("the window's workstation did not open without its device: %v", err)
	}
	defer w.Close()
	st := w.Link.State()
	if st.Connected || !strings.Contains(st.Problem, "/dev/ttyNOPE") || st.Hint == "" {
		t.Fatalf("link state %+v", st)
	}
	if _, err := w.Store.Count(); err != nil {
		t.Fatal(err)
	}
	_, err = w.Engine.Issue(context.Background(), smallOrder("NOPE-1"))
	if !errors.Is(err, ErrNoDevice) {
		t.Fatalf("issuing without a device: %v", err)
	}
	if _, err := w.Link.Status(context.Background()); !errors.Is(err, ErrNoDevice) {
		t.Fatalf("the device panel without a device: %v", err)
	}
}

// TestLinkFollowsTheDeviceAwayAndBack: the device (a simulator on a real pseudo-terminal
// behind a stable link) goes away under an open workstation; the link says so; while it
// is away the device issues an invoice elsewhere; once it is back the link reconnects
// without a restart and the reconciliation imports that invoice before issuing resumes.
func TestLinkFollowsTheDeviceAwayAndBack(t *testing.T) {
	dir := t.TempDir()
	state, path := filepath.Join(dir, "devsim.db"), filepath.Join(dir, "ttyKP0")
	start := func() *sim.Running {
		r, err := sim.StartPTY(sim.Config{StatePath: state}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := sim.Link(path, r.PTY.Path); err != nil {
			t.Fatal(err)
		}
		return r
	}
	running := start()
	changes := make(chan LinkState, 16)
	w, err := OpenWindow(context.Background(), Config{Data: filepath.Join(dir, "data"), Device: path, PIN: sim.DefaultPIN,
		Operator: "test"}, func(st LinkState) { changes <- st })
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// a real device needs the seller set
	ds, err := w.Link.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w.Engine.SetSeller(invoice.Party{Name: sim.DemoSellerName, TaxID: ds.SellerTaxID})
	if !w.Link.State().Connected {
		t.Fatalf("not connected: %+v", w.Link.State())
	}
	if _, err := w.Engine.Issue(context.Background(), smallOrder("AWAY-1")); err != nil {
		t.Fatal(err)
	}

	t0 := time.Now()
	// Unplugged: the name goes first, as a by-id link does. Left naming the dead pty, it
	// would lead the link to whatever pseudo-terminal gets that number next (another test
	// binary's simulator), whose session the link's pings would end.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	running.Close()
	eventually(t, "the link noticing the unplug", 20*time.Second, func() bool { return !w.Link.State().Connected })
	t.Logf("the unplug noticed after %v", time.Since(t0))
	if p := w.Link.State().Problem; !strings.Contains(p, "断开") {
		t.Errorf("problem %q", p)
	}

	// Meanwhile the device issues one invoice behind this workstation's back.
	elsewhere, err := sim.StartInProcess(sim.Config{StatePath: state}, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := device.NewClient(elsewhere.Port, device.Options{})
	ctx := context.Background()
	if err := c.VerifyPIN(ctx, sim.DefaultPIN); err != nil {
		t.Fatal(err)
	}
	ds, _ = c.Status(ctx)
	inv := invoice.Invoice{RequestID: "ELSEWHERE-1", OrderID: "ELSEWHERE-1", Kind: invoice.KindOrdinary,
		Seller: invoice.Party{Name: sim.DemoSellerName, TaxID: ds.SellerTaxID}, Buyer: invoice.Party{Name: "别处客户"},
		Lines: []invoice.Line{{Name: "*信息技术服务*技术服务费", TaxCode: "3040201010000000000", Amount: 10000, Rate: invoice.Rate6, Tax: 600}}}
	if _, err := c.Issue(ctx, device.IssueRequest{RequestID: inv.RequestID, ExpectedCode: ds.NextCode, ExpectedNumber: ds.NextNumber, Invoice: inv}); err != nil {
		t.Fatal(err)
	}
	c.Close()
	elsewhere.Close()

	t0 = time.Now()
	running = start() // plugged back
	defer running.Close()
	eventually(t, "the link reconnecting", 20*time.Second, func() bool { return w.Link.State().Connected })
	t.Logf("reconnected after %v", time.Since(t0))
	if _, _, found, _ := w.Store.IssuedFor("ELSEWHERE-1"); !found {
		t.Fatal("the invoice issued while away was not imported at the reconnection")
	}
	outs, err := w.Engine.Issue(context.Background(), smallOrder("AWAY-2"))
	if err != nil {
		t.Fatalf("issuing after the reconnection: %v", err)
	}
	if outs[0].Invoice.Number != "00000003" {
		t.Fatalf("the next invoice took %s, want 00000003", outs[0].Invoice.Number)
	}
	saw := map[bool]bool{}
	for len(changes) > 0 {
		saw[(<-changes).Connected] = true
	}
	if !saw[false] || !saw[true] {
		t.Errorf("OnChange heard %v", saw)
	}
}

// TestChoosingAnotherPortConnects: started on a port with nothing on it, the workstation
// is moved to the port the device is on and connects, without a restart.
func TestChoosingAnotherPortConnects(t *testing.T) {
	dir := t.TempDir()
	r, err := sim.StartPTY(sim.Config{StatePath: filepath.Join(dir, "devsim.db")}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	w, err := OpenWindow(context.Background(), Config{Data: filepath.Join(dir, "data"), Device: "/dev/ttyNOPE", PIN: sim.DefaultPIN,
		Operator: "test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Link.State().Connected {
		t.Fatal("connected to /dev/ttyNOPE")
	}
	w.Link.Choose(r.PTY.Path)
	eventually(t, "the link on the chosen port", 20*time.Second, func() bool { return w.Link.State().Connected })
	if st := w.Link.State(); st.Addr != r.PTY.Path || st.Machine != r.Device.Machine() {
		t.Fatalf("state %+v", st)
	}
}

// TestPortInUseElsewhere: the window started while another program has the device's port
// (kaipiaoctl on another data folder, a serial tool) says so, sends the device nothing
// (the other program keeps its session), and connects by itself once the port is free.
func TestPortInUseElsewhere(t *testing.T) {
	dir := t.TempDir()
	r, err := sim.StartPTY(sim.Config{StatePath: filepath.Join(dir, "devsim.db")}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	other, err := device.Dial(context.Background(), device.SerialConfig{Path: r.PTY.Path}, device.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	session := r.Device.Session()
	w, err := OpenWindow(context.Background(), Config{Data: filepath.Join(dir, "data"), Device: r.PTY.Path, PIN: sim.DefaultPIN,
		Operator: "test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if st := w.Link.State(); st.Connected || st.Key != "link.busy" || !strings.Contains(st.Problem, r.PTY.Path) || st.Hint == "" {
		t.Fatalf("link state %+v, want the port in use", st)
	}
	if got := r.Device.Session(); got != session {
		t.Fatalf("the device's session went from %d to %d", session, got)
	}
	if _, err := other.Status(context.Background()); err != nil || other.Stats().SessionLosses != 0 {
		t.Fatalf("the other program after the window's attempt: %v, %+v", err, other.Stats())
	}
	other.Close()
	eventually(t, "the link on the freed port", 20*time.Second, func() bool { return w.Link.State().Connected })
}
