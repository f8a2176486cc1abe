package sim

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
)

// Scheme is the device address of the built-in simulator: "sim" runs it on a
// pseudo-terminal where there is one and in-process (a pipe pair) on Windows or where
// none can be opened; "sim:inprocess" asks for the latter anywhere.
const Scheme = "sim"

// StateFile is the built-in simulator's state in the workstation's data folder.
const StateFile = "devsim.db"

// DemoSellerName names the seller on a fresh data folder driven by the built-in
// simulator, so that a newcomer can issue at once; a real device needs the seller set.
const DemoSellerName = "厦门开票示范科技有限公司"

// Register makes the built-in simulator available as the device address "sim" (and
// "sim:inprocess"). The binaries that offer the simulator call it at start; the packages
// that open the device only know the registry (device.RegisterDialer).
func Register() {
	device.RegisterDialer(Scheme, device.Dialer{Dial: dialBuiltIn, Label: "内置模拟器", DefaultPIN: DefaultPIN, Seller: demoSeller})
}

// demoSeller is the seller a fresh data folder gets with the simulator.
func demoSeller(st device.Status) invoice.Party {
	return invoice.Party{Name: DemoSellerName, TaxID: st.SellerTaxID,
		AddressPhone: "厦门市思明区软件园二期 0592-0000000", BankAccount: "中国银行厦门分行 0000000000000"}
}

// dialBuiltIn starts the simulator with its state in the data folder and connects to it.
func dialBuiltIn(ctx context.Context, data, addr string, opts device.Options) (*device.Client, func(), error) {
	if addr != Scheme && addr != Scheme+":inprocess" {
		return nil, nil, fmt.Errorf("device %q: the built-in simulator is \"sim\" (or \"sim:inprocess\")", addr)
	}
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, nil, fmt.Errorf("data folder %s: %w", data, err)
	}
	cfg := Config{StatePath: filepath.Join(data, StateFile)}
	if addr == Scheme && runtime.GOOS != "windows" {
		running, err := StartPTY(cfg, 0)
		if err == nil {
			c, err := device.Dial(ctx, device.SerialConfig{Path: running.PTY.Path}, opts)
			if err != nil {
				running.Close()
				return nil, nil, fmt.Errorf("built-in simulator on %s: %w", running.PTY.Path, err)
			}
			return c, func() { c.Close(); running.Close() }, nil
		}
		// No pseudo-terminal here (a container without /dev/ptmx, say): in-process.
	}
	running, err := StartInProcess(cfg, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("built-in simulator: %w", err)
	}
	c := device.NewClient(running.Port, opts)
	if _, err := c.Connect(ctx); err != nil {
		c.Close()
		running.Close()
		return nil, nil, fmt.Errorf("built-in simulator (in-process): %w", err)
	}
	return c, func() { c.Close(); running.Close() }, nil
}
