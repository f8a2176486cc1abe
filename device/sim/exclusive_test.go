package sim_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
)

// Two programs on one port: the second is refused before it sends a byte, so the first
// keeps its session. Without the lock the second's HELLO ended the first's session, and
// the two re-handshook in turn until one gave up with "no such session".
func TestSecondClientCannotTakeThePort(t *testing.T) {
	r, err := sim.StartPTY(sim.Config{StatePath: filepath.Join(t.TempDir(), "device.db")}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	first, err := device.Dial(t.Context(), device.SerialConfig{Path: r.PTY.Path}, device.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	session := r.Device.Session()
	second, err := device.Dial(t.Context(), device.SerialConfig{Path: r.PTY.Path}, device.Options{})
	if err == nil {
		second.Close()
	}
	if !errors.Is(err, device.ErrPortBusy) {
		t.Fatalf("a second client on the port: %v, want ErrPortBusy", err)
	}
	if got := r.Device.Session(); got != session {
		t.Fatalf("the device's session went from %d to %d: the second client's HELLO reached it", session, got)
	}
	if _, err := first.Status(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st := first.Stats(); st.SessionLosses != 0 || st.Handshakes != 1 {
		t.Fatalf("the first client after the refused one: %+v, want its one session kept", st)
	}
	// Once the first lets the port go, it is anyone's.
	first.Close()
	again, err := device.Dial(t.Context(), device.SerialConfig{Path: r.PTY.Path}, device.Options{})
	if err != nil {
		t.Fatalf("the port after its client closed it: %v", err)
	}
	again.Close()
}

// The "no such session" flake of the window's tests: a client whose device went away
// keeps reopening its port's name, and the system gives that name to the next
// pseudo-terminal (or USB adapter) at once — here the path is pointed at another
// simulator's node, with the same machine number, as the window's tests all have. That
// node is in use: the lost client must not open it. Without the lock it did, its HELLO
// ended the holder's session, and the holder's next command met NO_SESSION.
func TestLostClientLeavesARecycledNodeAlone(t *testing.T) {
	dir := t.TempDir()
	start := func(name string) *sim.Running {
		r, err := sim.StartPTY(sim.Config{StatePath: filepath.Join(dir, name), Seed: 3}, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		return r
	}
	gone, other := start("gone.db"), start("other.db")
	link := filepath.Join(dir, "ttyKP0")
	if err := sim.Link(link, gone.PTY.Path); err != nil {
		t.Fatal(err)
	}
	port, err := device.OpenSerial(device.SerialConfig{Path: link, ProbeEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	lost := device.NewClient(port, device.Options{})
	defer lost.Close() // before the simulators stop (Cleanup): a client on a pty keeps it open
	if _, err := lost.Connect(t.Context()); err != nil {
		t.Fatal(err)
	}
	holder, err := device.Dial(t.Context(), device.SerialConfig{Path: other.PTY.Path}, device.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if gone.Device.Machine() != other.Device.Machine() {
		t.Fatal("the two simulators must look alike, as the window tests' do")
	}
	session := other.Device.Session()

	// The name now leads to the other's node; the lost client looks for its device there.
	if err := sim.Link(link, other.PTY.Path); err != nil {
		t.Fatal(err)
	}
	port.Relocate() // as its handshake does on meeting another device, or its next probe
	_, lostErr := lost.Status(t.Context())
	if got := other.Device.Session(); got != session {
		t.Fatalf("the holder's session went from %d to %d", session, got)
	}
	if _, err := holder.Status(t.Context()); err != nil {
		t.Fatalf("the holder's Status: %v", err)
	}
	if st := holder.Stats(); st.SessionLosses != 0 {
		t.Fatalf("the holder lost its session %d time(s): %+v", st.SessionLosses, st)
	}
	if !errors.Is(lostErr, device.ErrDisconnected) {
		t.Fatalf("the lost client's Status: %v, want its port away (ErrDisconnected)", lostErr)
	}
}
