package sim_test

import (
	"context"
	"encoding/binary"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
)

// attackRig serves a simulator on a real pseudo-terminal, with the client options the
// test chooses; link, when set, wraps the pty as the server sees it.
func attackRig(t *testing.T, cfg sim.Config, opts device.Options, link func(*sim.PTY) ioReadWriter) (*device.Client, *device.SerialPort) {
	t.Helper()
	cfg.StatePath = filepath.Join(t.TempDir(), "device.db")
	dev, err := sim.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sim.OpenPTY()
	if err != nil {
		t.Fatal(err)
	}
	var l ioReadWriter = p
	if link != nil {
		l = link(p)
	}
	srv := &sim.Server{Device: dev, Link: l, Faults: cfg.Faults}
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()
	port, err := device.OpenSerial(device.SerialConfig{Path: p.Path})
	if err != nil {
		t.Fatal(err)
	}
	c := device.NewClient(port, opts)
	t.Cleanup(func() {
		c.Close()
		p.Close()
		<-served
		dev.Close()
	})
	return c, port
}

type ioReadWriter interface {
	Read([]byte) (int, error)
	Write([]byte) (int, error)
}

// within runs f and fails the test if it has not returned after limit: a hang detector
// (limit is far beyond any honest answer), not a speed measurement.
func within(t *testing.T, limit time.Duration, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		t.Fatalf("still waiting after %v: the client hangs", limit)
		return nil
	}
}

// TestAttackNeverAnsweringDevice (security issue 16, item 9): a device that claims 2^40
// ms of work for ISSUE in CAPS and then never answers must not hang the client: its
// claim is capped (Options.MaxDeadline; DefaultMaxDeadline for kaipiaoctl), and the
// ISSUE ends as outcome unknown, to be resolved by request ID.
func TestAttackNeverAnsweringDevice(t *testing.T) {
	// Requests: HELLO, CAPS, PIN_VERIFY, STATUS, then the ISSUE (the fifth) goes mute.
	faults, err := sim.ParseFaults("busy-stop@5", 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.Config{Faults: faults, Deadlines: map[device.Command]time.Duration{device.CmdIssue: (1 << 40) * time.Millisecond}}
	c, _ := attackRig(t, cfg, device.Options{ResponseTimeout: 300 * time.Millisecond, MaxDeadline: 2 * time.Second}, nil)
	ctx := context.Background()
	if err := c.VerifyPIN(ctx, sim.DefaultPIN); err != nil {
		t.Fatal(err)
	}
	caps, err := c.Caps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if caps.Deadline(device.CmdIssue) < time.Hour {
		t.Fatalf("the device states %v for ISSUE; the test needs an absurd claim", caps.Deadline(device.CmdIssue))
	}
	st, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inv := sampleInvoice("ATTACK-1", 1)
	err = within(t, 60*time.Second, func() error {
		_, err := c.Issue(ctx, device.IssueRequest{RequestID: "ATTACK-1", ExpectedCode: st.NextCode, ExpectedNumber: st.NextNumber, Invoice: inv})
		return err
	})
	if !errors.Is(err, device.ErrOutcomeUnknown) {
		t.Fatalf("ISSUE to a mute device: %v, want outcome unknown", err)
	}
}

// TestAttackHeader1MiBWedgesNeitherSide (security issue 16, item 9): a frame header
// announcing 1 MiB followed by silence must not wedge the simulator (the next HELLO is
// answered) nor the client (an answer after such a header is still read).
func TestAttackHeader1MiBWedgesNeitherSide(t *testing.T) {
	header := func() []byte {
		h := []byte{device.Magic0, device.Magic1, device.Version, byte(device.TypeRequest), byte(device.CmdIssue), 0}
		h = binary.BigEndian.AppendUint32(h, 0)
		h = binary.BigEndian.AppendUint32(h, 1)
		h = binary.BigEndian.AppendUint32(h, device.MaxPayload)
		return binary.BigEndian.AppendUint16(h, crc16(h))
	}
	t.Run("simulator", func(t *testing.T) {
		c, port := attackRig(t, sim.Config{}, device.Options{ResponseTimeout: 300 * time.Millisecond}, nil)
		if _, err := port.Write(header()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(device.InterByteTimeout + 200*time.Millisecond)
		err := within(t, 60*time.Second, func() error { _, err := c.Status(context.Background()); return err })
		if err != nil {
			t.Fatalf("STATUS after a 1 MiB header and silence: %v", err)
		}
	})
	t.Run("client", func(t *testing.T) {
		link := func(p *sim.PTY) ioReadWriter { return &headerFirst{PTY: p, header: header()} }
		c, _ := attackRig(t, sim.Config{}, device.Options{ResponseTimeout: 300 * time.Millisecond}, link)
		err := within(t, 60*time.Second, func() error { _, err := c.Status(context.Background()); return err })
		if err != nil {
			t.Fatalf("STATUS with a 1 MiB header before the first answer: %v", err)
		}
	})
}

// headerFirst sends a header announcing 1 MiB, then silence, before the device's first
// answer.
type headerFirst struct {
	*sim.PTY
	header []byte
}

func (h *headerFirst) Write(b []byte) (int, error) {
	if h.header != nil {
		if _, err := h.PTY.Write(h.header); err != nil {
			return 0, err
		}
		h.header = nil
		time.Sleep(device.InterByteTimeout + 200*time.Millisecond)
	}
	return h.PTY.Write(b)
}

// crc16 is the header CRC (PROTOCOL.md §2), written out again so the attack builds its
// header from the spec and not from the code under test.
func crc16(b []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, c := range b {
		crc ^= uint16(c) << 8
		for i := 0; i < 8; i++ {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}
