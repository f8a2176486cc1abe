package device_test

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
)

// The registry picks a dialer by the address's scheme (before the first ':'); anything
// else is a serial port. This is the one place an address like "sim" is told apart.
func TestDialersByScheme(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	errFake := errors.New("the fake channel")
	var got struct{ data, addr string }
	device.RegisterDialer("fake", device.Dialer{Label: "假设备", DefaultPIN: "123456",
		Seller: func(st device.Status) invoice.Party { return invoice.Party{Name: "示范", TaxID: st.SellerTaxID} },
		Dial: func(_ context.Context, data, addr string, _ device.Options) (*device.Client, func(), error) {
			got.data, got.addr = data, addr
			return nil, nil, errFake
		}})

	for _, addr := range []string{"fake", "fake:inprocess"} {
		if _, _, err := device.DialAddr(ctx, data, addr, device.Options{}); !errors.Is(err, errFake) {
			t.Fatalf("%s: %v, want the fake dialer's error", addr, err)
		}
		if got.data != data || got.addr != addr {
			t.Fatalf("the dialer got %+v for %s", got, addr)
		}
		d := device.DialerOf(addr)
		if d.Label != "假设备" || d.DefaultPIN != "123456" || d.Seller(device.Status{SellerTaxID: "X"}).TaxID != "X" {
			t.Fatalf("%s: dialer %+v", addr, d)
		}
	}

	// Not a registered scheme: a serial port path, with no label, PIN or demo seller. In
	// this test binary nothing registered the simulator, so "sim" is a port name like any
	// (looked for in an empty folder: the test's own folder has device/sim).
	t.Chdir(data)
	for _, addr := range []string{"fakes", "sim", filepath.Join(data, "ttyNOPE")} {
		if _, ok := device.DialerFor(addr); ok {
			t.Fatalf("%s: a dialer is registered", addr)
		}
		d := device.DialerOf(addr)
		if d.Label != "" || d.DefaultPIN != "" || d.Seller != nil {
			t.Fatalf("%s: the serial dialer has %+v", addr, d)
		}
		if _, _, err := device.DialAddr(ctx, data, addr, device.Options{}); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), addr) {
			t.Fatalf("%s: %v, want the port's absence naming it", addr, err)
		}
	}
	if _, _, err := device.DialAddr(ctx, data, "/dev/ttyNOPE?baud=fast", device.Options{}); err == nil || !strings.Contains(err.Error(), `baud "fast"`) {
		t.Fatalf("a bad baud: %v", err)
	}
}
