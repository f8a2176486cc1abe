package device

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Port is the byte stream to a device. Read must return within a short time (the port's
// read timeout) even when nothing arrives; it may then return (0, nil) or (0, io.EOF),
// both meaning "nothing yet" (tarm/serial returns the latter on Linux). Any other error
// is a broken link.
type Port interface {
	io.ReadWriteCloser
}

// rawPort is one open serial port as the operating system gives it: tarm/serial on
// Linux and macOS (serial_other.go), the Win32 communications API on Windows
// (serial_windows.go). Its Read returns within the read timeout, with (0, nil) or
// (0, io.EOF) when nothing came.
type rawPort interface {
	io.ReadWriteCloser
	// present reports whether the port is still the device target names: false after
	// an unplug, or when the name now leads to another port.
	present(target string) bool
}

// SerialConfig says how to reach a device on a serial line.
type SerialConfig struct {
	// Path is the port, e.g. /dev/ttyUSB0, /dev/serial/by-id/usb-...-if00, or a symlink to
	// a simulator's pseudo-terminal; on Windows a name such as COM3. Symlinks are resolved
	// at every (re)open, so a by-id path follows the device across USB re-enumeration.
	Path string
	// USBSerial, when set, finds the port by the device's USB serial number instead,
	// at every (re)open (see FindByUSBSerial).
	USBSerial string
	Baud      int // 115200 when zero
	// ReadTimeout bounds each read; tarm/serial counts it in 0.1 s steps, Windows in
	// milliseconds. 100 ms when zero.
	ReadTimeout time.Duration
	// ProbeEvery is how often the port's presence is checked: after an unplug a read
	// returns 0 bytes exactly like a timeout, and after a re-enumeration the path may
	// name another node. 1 s when zero.
	ProbeEvery time.Duration
}

// SerialPort is a Port over a serial line that survives unplugging: when the port breaks or
// disappears it is closed, and reopened (found again by path or USB serial number) as
// soon as it is back. While it is away, Read reports "nothing yet" and Write fails with
// ErrDisconnected.
type SerialPort struct {
	cfg SerialConfig

	mu        sync.Mutex
	port      rawPort
	target    string // the resolved device node the open port is
	lastProbe time.Time
	lastTry   time.Time
	closed    bool
	opens     int
}

// OpenSerial opens the port once; it fails if the device is not there now.
func OpenSerial(cfg SerialConfig) (*SerialPort, error) {
	if cfg.Baud == 0 {
		cfg.Baud = 115200
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = 100 * time.Millisecond
	}
	if cfg.ProbeEvery <= 0 {
		cfg.ProbeEvery = time.Second
	}
	p := &SerialPort{cfg: cfg}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.reopenLocked(); err != nil {
		return nil, err
	}
	return p, nil
}

// locate returns the device node the config names now.
func (p *SerialPort) locate() (string, error) {
	path := p.cfg.Path
	if p.cfg.USBSerial != "" {
		info, err := FindByUSBSerial(p.cfg.USBSerial)
		if err != nil {
			return "", err
		}
		path = info.Name
	}
	return resolvePort(path)
}

func (p *SerialPort) reopenLocked() error {
	p.lastTry = time.Now()
	target, err := p.locate()
	if err != nil {
		return err
	}
	sp, err := openRaw(target, p.cfg.Baud, p.cfg.ReadTimeout)
	if err != nil {
		return fmt.Errorf("device: open %s (%s): %w", p.cfg.Path, target, err)
	}
	p.port, p.target, p.lastProbe = sp, target, time.Now()
	p.opens++
	return nil
}

// Connected reports whether the port is open now: false from the moment a read fails or
// a probe finds the node gone (an unplug, a simulator killed) until it is reopened.
func (p *SerialPort) Connected() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.port != nil
}

// Opens counts successful opens: more than one means the port was lost and found again.
func (p *SerialPort) Opens() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.opens
}

// current returns the open port, reopening it (at most every read timeout) when away.
func (p *SerialPort) current() rawPort {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	if p.port == nil && time.Since(p.lastTry) >= p.cfg.ReadTimeout {
		_ = p.reopenLocked()
	}
	return p.port
}

// drop closes a broken port so that the next Read reopens it.
func (p *SerialPort) drop(sp rawPort) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.port == sp && sp != nil {
		_ = sp.Close()
		p.port = nil
	}
}

// Read implements Port.
func (p *SerialPort) Read(b []byte) (int, error) {
	sp := p.current()
	if sp == nil {
		p.mu.Lock()
		closed := p.closed
		p.mu.Unlock()
		if closed {
			return 0, ErrClosed
		}
		time.Sleep(p.cfg.ReadTimeout)
		return 0, nil
	}
	n, err := sp.Read(b)
	if err != nil && !errors.Is(err, io.EOF) {
		p.drop(sp)
		time.Sleep(p.cfg.ReadTimeout) // a dead pty fails at once; do not spin
		return n, nil
	}
	p.mu.Lock()
	due := time.Since(p.lastProbe) >= p.cfg.ProbeEvery
	if due {
		p.lastProbe = time.Now()
	}
	target := p.target
	p.mu.Unlock()
	if due {
		// Probe even while data flows: a path re-pointed at another node must be followed.
		if now, err := p.locate(); err != nil || now != target || !sp.present(target) {
			p.drop(sp)
		}
	}
	return n, nil
}

// Relocate finds the node the configured path (or USB serial number) names now and, when
// it is not the open one, reopens there; it reports whether the port moved. A client
// calls it when another device answers: after a device restarts, its old node can be
// handed to a different device before the path is re-pointed and before the next probe.
func (p *SerialPort) Relocate() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	now, err := p.locate()
	if err != nil || (p.port != nil && now == p.target) {
		return false
	}
	if p.port != nil {
		_ = p.port.Close()
		p.port = nil
	}
	return p.reopenLocked() == nil
}

// Write implements Port.
func (p *SerialPort) Write(b []byte) (int, error) {
	sp := p.current()
	if sp == nil {
		return 0, fmt.Errorf("%w: %s", ErrDisconnected, p.cfg.Path)
	}
	n, err := sp.Write(b)
	if err != nil {
		p.drop(sp)
		return n, fmt.Errorf("%w: write %s: %v", ErrDisconnected, p.cfg.Path, err)
	}
	return n, nil
}

// Close closes the port for good. It returns within the read timeout.
func (p *SerialPort) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	if p.port == nil {
		return nil
	}
	err := p.port.Close()
	p.port = nil
	return err
}
