package workstation

import (
	"context"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
)

// The demo seller comes from the channel's dialer, not from the workstation: the same
// simulator behind a dialer without one (as a real device's) leaves a fresh folder's
// seller unset, and kaipiaoctl is told to set it; the simulator's own dialer fills it.
func TestDemoSellerComesFromTheDialer(t *testing.T) {
	ctx := context.Background()
	device.RegisterDialer("plain", device.Dialer{DefaultPIN: sim.DefaultPIN,
		Dial: func(ctx context.Context, data, _ string, opts device.Options) (*device.Client, func(), error) {
			return device.DialerOf("sim:inprocess").Dial(ctx, data, "sim:inprocess", opts)
		}})
	data := t.TempDir()
	if _, err := Open(ctx, Config{Data: data, Device: "plain", Operator: "test"}, true); err == nil || !strings.Contains(err.Error(), "the seller is not set") {
		t.Fatalf("a channel without a demo seller: %v", err)
	}
	w, err := OpenWindow(ctx, Config{Data: data, Device: "plain", Operator: "test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !w.Link.State().Connected {
		t.Fatalf("the window's link: %+v", w.Link.State())
	}
	if s, _ := w.Store.Seller(); s.Name != "" {
		t.Fatalf("a seller appeared without a demo dialer: %+v", s)
	}
	w.Close()

	w, err = Open(ctx, Config{Data: data, Device: "sim:inprocess", Operator: "test"}, true)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if s, _ := w.Store.Seller(); s.Name != sim.DemoSellerName || s.TaxID == "" {
		t.Fatalf("the simulator's dialer's demo seller: %+v", s)
	}
}
