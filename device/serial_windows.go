//go:build windows

package device

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// A serial port through the Win32 communications API, with overlapped I/O so that a
// write never waits behind a pending read (synchronous I/O on one handle is serialised).
//
// Why not tarm/serial or go.bug.st/serial: both set the read timeouts to
// {ReadIntervalTimeout: MAXDWORD, ReadTotalTimeoutMultiplier: MAXDWORD,
// ReadTotalTimeoutConstant: T}, the documented special case "return at once with what is
// there, else with the first byte, else after T". Under Wine 8 an overlapped read with
// those values never completes on a tty, and neither library lets us choose others.
//
// The timeouts used here, {ReadIntervalTimeout: 10 ms, multiplier 0, constant T}, are
// the plain documented rules, correct on any Windows driver: a read ends when the buffer
// is full, or 10 ms after a byte once at least one came (the line went quiet: at 115200
// baud a frame's bytes are 87 µs apart), or T after it started, with whatever arrived,
// possibly nothing. That is what Port asks: a read that returns within the read timeout,
// and returns a frame a few ms after its last byte. The cost, at most 10 ms after a
// frame, is noise beside the device's own answer times. See docs/windows.md.
const (
	readIntervalMs = 10

	dcbBinary        = 0x0001 // fBinary: always on for Windows
	dcbDTRControlOn  = 0x0010 // fDtrControl = DTR_CONTROL_ENABLE
	dcbRTSControlOn  = 0x1000 // fRtsControl = RTS_CONTROL_ENABLE
	purgeTXClear     = 0x0004
	purgeRXClear     = 0x0008
	watchdogMargin   = time.Second // see Read
	writeTimeoutBase = 2000        // ms, plus 1 ms a byte
)

// winPort is an open COM port.
type winPort struct {
	h       windows.Handle
	timeout time.Duration

	rmu  sync.Mutex // one read at a time; rov, rbuf belong to it
	rov  *windows.Overlapped
	rbuf []byte
	wmu  sync.Mutex // one write at a time; wov, wbuf belong to it
	wov  *windows.Overlapped
	wbuf []byte

	closeOnce sync.Once
	closed    chan struct{}
}

// openRaw opens name (COM3, or \\.\COM3) at baud, 8 data bits, no parity, one stop bit,
// no flow control, DTR and RTS on.
func openRaw(name string, baud int, timeout time.Duration) (rawPort, error) {
	path := name
	if !strings.HasPrefix(path, `\\.\`) {
		path = `\\.\` + path // needed from COM10 on, harmless below
	}
	p16, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	h, err := windows.CreateFile(p16, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil,
		windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL|windows.FILE_FLAG_OVERLAPPED, 0)
	if err != nil {
		return nil, openFailure(name, err)
	}
	p := &winPort{h: h, timeout: timeout, rbuf: make([]byte, 4096), closed: make(chan struct{})}
	if err := p.setUp(baud); err != nil {
		windows.CloseHandle(h)
		return nil, fmt.Errorf("set up %s: %w", name, err)
	}
	return p, nil
}

// openFailure words a failed CreateFile of a COM port. Windows opens a COM port for one
// program at a time and refuses the next with ERROR_ACCESS_DENIED (Microsoft's
// "Communications Resources" documentation), which Go reads as a permission error; a port
// has no other access control in practice, so it is ErrPortBusy, as the flock makes it on
// Linux: the clerk is told to close the other program, not to ask for rights.
// ERROR_SHARING_VIOLATION is taken the same way (Wine's file sharing check).
func openFailure(name string, err error) error {
	if errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION) {
		return fmt.Errorf("%w: %s (%v)", ErrPortBusy, name, err)
	}
	return fmt.Errorf("open %s: %w", name, err)
}

func (p *winPort) setUp(baud int) error {
	// Start from the driver's own settings: SetCommState refuses a DCB whose XonChar
	// equals its XoffChar, which a zeroed one would have.
	var dcb windows.DCB
	dcb.DCBlength = uint32(unsafe.Sizeof(dcb))
	if err := windows.GetCommState(p.h, &dcb); err != nil {
		return fmt.Errorf("GetCommState: %w", err)
	}
	dcb.BaudRate, dcb.ByteSize, dcb.Parity, dcb.StopBits = uint32(baud), 8, 0, 0 // 8N1
	// No flow control of any kind, no abort on error, no parity replacement.
	dcb.Flags = dcbBinary | dcbDTRControlOn | dcbRTSControlOn
	dcb.XonChar, dcb.XoffChar = 0x11, 0x13
	if err := windows.SetCommState(p.h, &dcb); err != nil {
		return fmt.Errorf("SetCommState %d baud: %w", baud, err)
	}
	t := windows.CommTimeouts{ReadIntervalTimeout: readIntervalMs,
		ReadTotalTimeoutConstant:    uint32(max(p.timeout.Milliseconds(), 1)),
		WriteTotalTimeoutMultiplier: 1, WriteTotalTimeoutConstant: writeTimeoutBase}
	if err := windows.SetCommTimeouts(p.h, &t); err != nil {
		return fmt.Errorf("SetCommTimeouts: %w", err)
	}
	_ = windows.PurgeComm(p.h, purgeRXClear|purgeTXClear) // stale bytes from before the open
	var err error
	if p.rov, err = newOverlapped(); err != nil {
		return err
	}
	if p.wov, err = newOverlapped(); err != nil {
		windows.CloseHandle(p.rov.HEvent)
		return err
	}
	return nil
}

// newOverlapped allocates an OVERLAPPED with its event on the heap: the kernel writes to
// it after the call returns, so it must not live on a goroutine stack that may move.
func newOverlapped() (*windows.Overlapped, error) {
	ev, err := windows.CreateEvent(nil, 1, 0, nil)
	if err != nil {
		return nil, fmt.Errorf("CreateEvent: %w", err)
	}
	return &windows.Overlapped{HEvent: ev}, nil
}

// io runs one overlapped ReadFile or WriteFile on ov and waits for it. The timeouts set
// above end it; should a driver not honour them (as Wine 8 does not honour the MAXDWORD
// form), it is cancelled after limit, so a read can never hang the client.
func (p *winPort) io(ov *windows.Overlapped, limit time.Duration, start func(*uint32) error) (int, error) {
	ev := ov.HEvent
	*ov = windows.Overlapped{HEvent: ev}
	var n uint32
	if err := start(&n); err != nil && !errors.Is(err, windows.ERROR_IO_PENDING) {
		return 0, err
	}
	ms := uint32(limit.Milliseconds())
	if w, _ := windows.WaitForSingleObject(ev, ms); w == uint32(windows.WAIT_TIMEOUT) {
		_ = windows.CancelIoEx(p.h, ov)
	}
	err := windows.GetOverlappedResult(p.h, ov, &n, true)
	if errors.Is(err, windows.ERROR_OPERATION_ABORTED) {
		err = nil // cancelled by the watchdog or by Close: what came, came
	}
	return int(n), err
}

// Read implements rawPort: it returns within the read timeout, (0, nil) when nothing came.
func (p *winPort) Read(b []byte) (int, error) {
	p.rmu.Lock()
	defer p.rmu.Unlock()
	if p.isClosed() {
		return 0, ErrClosed
	}
	buf := p.rbuf[:min(len(b), len(p.rbuf))]
	n, err := p.io(p.rov, p.timeout+watchdogMargin, func(done *uint32) error {
		return windows.ReadFile(p.h, buf, done, p.rov)
	})
	copy(b, buf[:n])
	if err == nil && p.isClosed() {
		err = ErrClosed
	}
	return n, err
}

// Write implements rawPort.
func (p *winPort) Write(b []byte) (int, error) {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	if p.isClosed() {
		return 0, ErrClosed
	}
	p.wbuf = append(p.wbuf[:0], b...)
	limit := time.Duration(writeTimeoutBase+len(b))*time.Millisecond + watchdogMargin
	n, err := p.io(p.wov, limit, func(done *uint32) error {
		return windows.WriteFile(p.h, p.wbuf, done, p.wov)
	})
	if err == nil && n < len(b) {
		err = fmt.Errorf("write timed out after %d of %d bytes", n, len(b))
	}
	return n, err
}

// present: a removed USB adapter makes ClearCommError fail.
func (p *winPort) present(string) bool {
	var errs uint32
	var st windows.ComStat
	return windows.ClearCommError(p.h, &errs, &st) == nil
}

func (p *winPort) isClosed() bool {
	select {
	case <-p.closed:
		return true
	default:
		return false
	}
}

// Close cancels a pending read or write, waits for them to return and closes the port.
func (p *winPort) Close() error {
	var err error
	p.closeOnce.Do(func() {
		close(p.closed)
		_ = windows.CancelIoEx(p.h, nil)
		p.rmu.Lock()
		p.wmu.Lock()
		err = windows.CloseHandle(p.h)
		windows.CloseHandle(p.rov.HEvent)
		windows.CloseHandle(p.wov.HEvent)
		p.wmu.Unlock()
		p.rmu.Unlock()
	})
	return err
}

// resolvePort: Windows names ports, there are no symlinks to follow.
func resolvePort(path string) (string, error) {
	return strings.TrimPrefix(path, `\\.\`), nil
}
