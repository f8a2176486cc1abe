package ui

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/workstation"
)

const testSeller = "91350200776049653A"

// opened are the workstations the tests wired, by the screens' Workstation, for the
// tests that look into the store or issue behind the screens' back.
var opened sync.Map // *Workstation → *workstation.Workstation

// newWorkstation wires real parts as the program does: the simulator on a
// pseudo-terminal, the serial client behind the workstation's link, a bbolt store, the
// engine, and the application service over them (ForService, as main wires it).
func newWorkstation(t *testing.T) *Workstation {
	t.Helper()
	return newWorkstationAt(t, nil)
}

// newWorkstationAt is newWorkstation with the device's clock, for month ends.
func newWorkstationAt(t *testing.T, clock *sim.Clock) *Workstation {
	t.Helper()
	dir := t.TempDir()
	running, err := sim.StartPTY(sim.Config{StatePath: filepath.Join(dir, "devsim.db"), SellerTaxID: testSeller, Seed: 3, Clock: clock}, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { running.Close() })
	// The seller, as the first run or `kaipiaoctl seller set` leaves it.
	db, err := workstation.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	err = db.SetSeller(invoice.Party{Name: "厦门开票示范科技有限公司", TaxID: testSeller, AddressPhone: "厦门市思明区 0592-0000000",
		BankAccount: "中国银行厦门分行 0000000000"}, "setup")
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ws, err := workstation.OpenWindow(ctx, workstation.Config{Data: dir, Device: running.PTY.Path, PIN: sim.DefaultPIN,
		Operator: "张三"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ws.Close)
	if st := ws.Link.State(); !st.Connected {
		t.Fatalf("the simulator is not connected: %+v", st)
	}
	screens := ForService(workstation.NewService(ws), "sim")
	screens.Role = workstation.RoleAdmin
	opened.Store(screens, ws)
	return screens
}

// parts is the workstation newWorkstation opened for ws.
func parts(t testing.TB, ws *Workstation) *workstation.Workstation {
	w, ok := opened.Load(ws)
	if !ok {
		t.Fatal("not a workstation of newWorkstation")
	}
	return w.(*workstation.Workstation)
}

// dbOf is the store behind ws, for what the test checks behind the screens' back.
func dbOf(t testing.TB, ws *Workstation) *store.DB { return parts(t, ws).Store }

// engineOf is the engine behind ws.
func engineOf(t testing.TB, ws *Workstation) *invoice.Engine { return parts(t, ws).Engine }

// fakeService is the real service with some of its answers replaced, for the states a
// test cannot make with the simulator: a sync with the platform, an absent device, the
// system's serial ports, demo certificates.
type fakeService struct {
	Service
	sync   func() (SyncState, bool)
	link   func() LinkState
	retry  func()
	choose func(string)
	ports  func() []PortChoice
	demo   func() (invoice.Said, error)
}

// fake puts a fakeService in front of ws's service (once) and returns it.
func fake(ws *Workstation) *fakeService {
	if f, ok := ws.Service.(*fakeService); ok {
		return f
	}
	f := &fakeService{Service: ws.Service}
	ws.Service = f
	return f
}

func (f *fakeService) SyncStatus() (SyncState, bool) {
	if f.sync != nil {
		return f.sync()
	}
	return f.Service.SyncStatus()
}

func (f *fakeService) Link() LinkState {
	if f.link != nil {
		return f.link()
	}
	return f.Service.Link()
}

func (f *fakeService) RetryDevice() {
	if f.retry != nil {
		f.retry()
		return
	}
	f.Service.RetryDevice()
}

func (f *fakeService) ChooseDevice(addr string) {
	if f.choose != nil {
		f.choose(addr)
		return
	}
	f.Service.ChooseDevice(addr)
}

func (f *fakeService) Ports() []PortChoice {
	if f.ports != nil {
		return f.ports()
	}
	return f.Service.Ports()
}

func (f *fakeService) DemoPKI() (invoice.Said, error) {
	if f.demo != nil {
		return f.demo()
	}
	return f.Service.DemoPKI()
}
