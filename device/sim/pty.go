package sim

import (
	"fmt"
	"os"

	"github.com/creack/pty"
	"golang.org/x/term"
)

// PTY is a pseudo-terminal for the simulator: it serves on Master; a client opens Path
// (with tarm/serial, as it would a real port). The simulator keeps the slave side open
// too, so that its reads block instead of failing while no client has the port open.
type PTY struct {
	Master *os.File
	Path   string
	slave  *os.File
}

// OpenPTY opens a raw pseudo-terminal.
func OpenPTY() (*PTY, error) {
	m, s, err := pty.Open()
	if err != nil {
		return nil, fmt.Errorf("sim: open pseudo-terminal: %w", err)
	}
	if _, err := term.MakeRaw(int(s.Fd())); err != nil {
		m.Close()
		s.Close()
		return nil, fmt.Errorf("sim: raw mode on %s: %w", s.Name(), err)
	}
	return &PTY{Master: m, Path: s.Name(), slave: s}, nil
}

// Read reads from the master side.
func (p *PTY) Read(b []byte) (int, error) { return p.Master.Read(b) }

// Write writes to the master side.
func (p *PTY) Write(b []byte) (int, error) { return p.Master.Write(b) }

// Close closes both sides: the client's next read fails and its port is gone.
func (p *PTY) Close() error {
	err := p.Master.Close()
	if e := p.slave.Close(); err == nil {
		err = e
	}
	return err
}

// Link points the symlink path at target, atomically (a new symlink renamed over the
// old), so a client that reopens the path finds the current pseudo-terminal.
func Link(path, target string) error {
	tmp := path + ".tmp"
	_ = os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("sim: link %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("sim: link %s: %w", path, err)
	}
	return nil
}

// Running is a simulated device serving on its own pseudo-terminal, in this process.
type Running struct {
	Device *Device
	PTY    *PTY
	done   chan error
}

// StartPTY opens the device's state and serves it on a new pseudo-terminal at baud
// (0 unpaced). A client opens r.PTY.Path.
func StartPTY(cfg Config, baud int) (*Running, error) {
	dev, err := Open(cfg)
	if err != nil {
		return nil, err
	}
	p, err := OpenPTY()
	if err != nil {
		dev.Close()
		return nil, err
	}
	r := &Running{Device: dev, PTY: p, done: make(chan error, 1)}
	srv := &Server{Device: dev, Link: p, Baud: baud, Faults: cfg.Faults}
	go func() { r.done <- srv.Serve() }()
	return r, nil
}

// Close stops serving and closes the state file.
func (r *Running) Close() error {
	err := r.PTY.Close()
	<-r.done
	if e := r.Device.Close(); err == nil {
		err = e
	}
	return err
}
