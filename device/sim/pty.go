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
