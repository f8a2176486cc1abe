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
// is a broken link: the client fails the command under way at once rather than wait
// out its deadline (PROTOCOL.md §3.3). A port that reopens itself, like SerialPort,
// returns an error wrapping ErrDisconnected for as long as it is away.
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
// soon as it is back. While it is away, Read and Write fail with ErrDisconnected (Read
// after its read timeout, so that a reader does not spin).
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

// current returns the open port, reopening it when away: at most every read timeout for
// the reader, at once for a writer (a request about to fail should not fail for a device
// that is back but not yet found again).
func (p *SerialPort) current(now bool) rawPort {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	if p.port == nil && (now || time.Since(p.lastTry) >= p.cfg.ReadTimeout) {
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
	sp := p.current(false)
	if sp == nil {
		p.mu.Lock()
		closed := p.closed
		p.mu.Unlock()
		if closed {
			return 0, ErrClosed
		}
		time.Sleep(p.cfg.ReadTimeout)
		return 0, fmt.Errorf("%w: %s is away", ErrDisconnected, p.cfg.Path)
	}
	n, err := sp.Read(b)
	if err != nil && !errors.Is(err, io.EOF) {
		// EIO from a hung-up pseudo-terminal (the simulator killed), ENXIO, or on Windows
		// ERROR_BAD_COMMAND / ERROR_DEVICE_NOT_CONNECTED from an unplugged adapter, or a
		// handle closed under us: the port is gone. Say so, so that the client stops
		// waiting for an answer that cannot come.
		// The next Read tries to reopen it and, failing, sleeps its read timeout: no spin.
		p.drop(sp)
		return n, fmt.Errorf("%w: read %s: %v", ErrDisconnected, p.cfg.Path, err)
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
		now, err := p.locate()
		switch {
		case err != nil || !sp.present(target):
			// The node is gone (an unplug): say so, as a read error would.
			p.drop(sp)
			return n, fmt.Errorf("%w: %s (%s) is gone", ErrDisconnected, p.cfg.Path, target)
		case now != target:
			// The path names another node now (a re-enumeration): follow it; the request
			// under way is re-sent there.
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
	sp := p.current(true)
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
