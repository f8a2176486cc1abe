package sim_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
)

// TestPortLostMidIssueEndsAtOnce: the device hangs inside an ISSUE, then its
// pseudo-terminal hangs up (what the kernel does when the simulator process dies). The
// client learns it from the read error and ends the ISSUE at once as an unknown outcome
// — not at its deadline — and a lookup of the lost answer on the dead port sends nothing
// and tells the engine the device is unreachable (so the engine asks no more).
func TestPortLostMidIssueEndsAtOnce(t *testing.T) {
	f, err := sim.ParseFaults("freeze-before-commit@1", 1)
	if err != nil {
		t.Fatal(err)
	}
	frozen, thaw := make(chan struct{}), make(chan struct{})
	var once sync.Once
	r := newRig(t, sim.Config{Faults: f, Freeze: func() { close(frozen); <-thaw }}, 0)
	t.Cleanup(func() { once.Do(func() { close(thaw) }) }) // before the rig stops: the device may finish
	req := r.request(1)
	done := make(chan error, 1)
	go func() { _, err := r.client.IssueRecord(r.ctx(), req); done <- err }()
	select {
	case <-frozen:
	case <-time.After(30 * time.Second):
		t.Fatal("the device never froze in the ISSUE")
	}
	r.hangUp() // the line hangs up: the client's next read fails with EIO

	select {
	case err = <-done:
	case <-time.After(30 * time.Second): // the ISSUE's own deadline is about 6 s: far below
		t.Fatal("the ISSUE never ended")
	}
	if !errors.Is(err, device.ErrOutcomeUnknown) || !errors.Is(err, device.ErrDisconnected) {
		t.Fatalf("ISSUE on a hung-up line: %v, want an unknown outcome caused by the lost port", err)
	}
	st := r.client.Stats()
	if st.LinkLost != 1 {
		t.Fatalf("LinkLost %d after the ISSUE, want 1 (%+v)", st.LinkLost, st)
	}
	// The deadline was not waited out: the re-sends of a 300 ms response timeout over
	// about 6 s would be many.
	if st.Retransmits > 2 {
		t.Errorf("%d re-sends on a dead line: the ISSUE waited for its deadline", st.Retransmits)
	}

	_, _, err = device.EngineDevice{Client: r.client}.Lookup(r.ctx(), req.RequestID)
	if !errors.Is(err, invoice.ErrUnreachable) || !errors.Is(err, device.ErrDisconnected) {
		t.Fatalf("lookup on a dead port: %v, want ErrUnreachable", err)
	}
	after := r.client.Stats()
	if after.LinkLost != 2 || after.BytesWritten != st.BytesWritten || after.Retransmits != st.Retransmits {
		t.Fatalf("the lookup on a dead port: %+v, then %+v: want it ended at once with nothing sent", st, after)
	}
}

// TestSilentDeviceGetsAShortProbe: a port with nobody answering (the cable in, the device
// hung). The first request waits its full deadline; the next read-only one only the
// probe's short wait. Once the device answers again, requests get their full wait back.
func TestSilentDeviceGetsAShortProbe(t *testing.T) {
	p, err := sim.OpenPTY()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	port, err := device.OpenSerial(device.SerialConfig{Path: p.Path})
	if err != nil {
		t.Fatal(err)
	}
	c := device.NewClient(port, device.Options{ResponseTimeout: 200 * time.Millisecond, MaxDeadline: 300 * time.Millisecond})
	defer c.Close()
	ctx := t.Context()
	if _, err := c.Connect(ctx); !errors.Is(err, device.ErrTimeout) {
		t.Fatalf("HELLO to nobody: %v, want a timeout", err)
	}
	if st := c.Stats(); st.Probes != 0 {
		t.Fatalf("the first request was a probe: %+v", st)
	}
	if _, err := c.Connect(ctx); !errors.Is(err, device.ErrTimeout) {
		t.Fatalf("HELLO to nobody again: %v, want a timeout", err)
	}
	if st := c.Stats(); st.Probes != 1 {
		t.Fatalf("after a silence the next request was not a probe: %+v", st)
	}

	// The device wakes up on the same line.
	dev, err := sim.Open(sim.Config{StatePath: t.TempDir() + "/device.db"})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	served := make(chan error, 1)
	go func() { served <- (&sim.Server{Device: dev, Link: p}).Serve() }()
	defer func() { c.Close(); p.Close(); <-served }() // the client first, as the rig does
	if _, err := c.Connect(ctx); err != nil {
		t.Fatalf("HELLO to the device awake: %v", err)
	}
	probes := c.Stats().Probes
	if _, err := c.Status(ctx); err != nil {
		t.Fatal(err)
	}
	if st := c.Stats(); st.Probes != probes {
		t.Fatalf("a request to a device that answers was sent as a probe: %+v", st)
	}
}
