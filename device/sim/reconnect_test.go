package sim_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
)

// USB re-enumeration: the device comes back under another node while the port reads
// nothing (exactly like a timeout). The port notices by probing its path, and reopens.
func TestPortFollowsItsPathToANewNode(t *testing.T) {
	dir := t.TempDir()
	dev, err := sim.Open(sim.Config{StatePath: filepath.Join(dir, "device.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	serve := func() *sim.PTY {
		p, err := sim.OpenPTY()
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- (&sim.Server{Device: dev, Link: p}).Serve() }()
		t.Cleanup(func() { p.Close(); <-done })
		return p
	}
	link := filepath.Join(dir, "by-id")
	if err := sim.Link(link, serve().Path); err != nil {
		t.Fatal(err)
	}
	port, err := device.OpenSerial(device.SerialConfig{Path: link, ProbeEvery: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c := device.NewClient(port, device.Options{ResponseTimeout: 300 * time.Millisecond})
	defer c.Close()
	before, err := c.Connect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	second := serve()
	if err := sim.Link(link, second.Path); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); port.Opens() < 2; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the port never followed its path to the new node")
		}
	}
	st, err := c.Status(t.Context())
	if err != nil || st.Machine != before.Machine {
		t.Fatalf("Status over the new node: %v, machine %s", err, st.Machine)
	}
}

// Two devices, one path: the client pinned to the first refuses to talk to the second.
func TestClientRefusesAnotherDeviceOnItsPath(t *testing.T) {
	dir := t.TempDir()
	first, err := sim.StartPTY(sim.Config{StatePath: filepath.Join(dir, "a.db")}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := sim.StartPTY(sim.Config{StatePath: filepath.Join(dir, "b.db")}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	link := filepath.Join(dir, "by-id")
	if err := sim.Link(link, first.PTY.Path); err != nil {
		t.Fatal(err)
	}
	c, err := device.Dial(t.Context(), device.SerialConfig{Path: link, ProbeEvery: 100 * time.Millisecond},
		device.Options{ResponseTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := sim.Link(link, second.PTY.Path); err != nil {
		t.Fatal(err)
	}
	second.Device.Reboot() // so that no session number could match by chance
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		_, err := c.Status(t.Context())
		if errors.Is(err, device.ErrDeviceChanged) {
			break
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("Status with another device on the path: %v, want ErrDeviceChanged", err)
		}
	}
}

// A device restarted under a new node while its old node went to another device (ptys
// are reused; a USB port re-enumerated): the path already names the right node, but the
// open port is still the old one and the next probe is far off. The handshake meets the
// other device, looks the path up again, follows it, and talks to its own device; with
// the path still on the other device it refuses, as before.
func TestHandshakeFollowsItsPathPastAnotherDevice(t *testing.T) {
	dir := t.TempDir()
	own, err := sim.StartPTY(sim.Config{StatePath: filepath.Join(dir, "a.db")}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	other, err := sim.StartPTY(sim.Config{StatePath: filepath.Join(dir, "b.db")}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	link := filepath.Join(dir, "by-id")
	if err := sim.Link(link, other.PTY.Path); err != nil {
		t.Fatal(err)
	}
	port, err := device.OpenSerial(device.SerialConfig{Path: link, ProbeEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	c := device.NewClient(port, device.Options{Machine: own.Device.Machine(), ResponseTimeout: 300 * time.Millisecond})
	defer c.Close()
	if _, err := c.Status(t.Context()); !errors.Is(err, device.ErrDeviceChanged) {
		t.Fatalf("Status with the path on the other device: %v, want ErrDeviceChanged", err)
	}
	if err := sim.Link(link, own.PTY.Path); err != nil {
		t.Fatal(err)
	}
	st, err := c.Status(t.Context())
	if err != nil || st.Machine != own.Device.Machine() {
		t.Fatalf("Status once the path names its own device again: %v, machine %s, want %s", err, st.Machine, own.Device.Machine())
	}
}
