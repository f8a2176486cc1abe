package sim

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/kaipiao/kaipiao/device"
)

// InProcess is a simulated device served in this process over a pipe pair instead of a
// pseudo-terminal: on Windows (which has none) and wherever one cannot be opened. The
// client still speaks through the real framing and client code; only the wire is a pipe.
type InProcess struct {
	Device *Device
	// Port is the host's end, for device.NewClient. It behaves as a serial port with a
	// 100 ms read timeout: a read with nothing to deliver returns (0, nil); once the
	// device's end is gone, reads and writes fail with device.ErrDisconnected.
	Port device.Port
	end  net.Conn // the device's end
	done chan error
}

// StartInProcess opens the device's state and serves it on a new pipe at baud (0 unpaced).
func StartInProcess(cfg Config, baud int) (*InProcess, error) {
	dev, err := Open(cfg)
	if err != nil {
		return nil, err
	}
	host, end := net.Pipe()
	r := &InProcess{Device: dev, Port: &pipePort{c: host}, end: end, done: make(chan error, 1)}
	srv := &Server{Device: dev, Link: deviceEnd{end}, Baud: baud, Faults: cfg.Faults}
	go func() { r.done <- srv.Serve() }()
	return r, nil
}

// Close stops serving and closes the state file.
func (r *InProcess) Close() error {
	_ = r.Port.Close()
	_ = r.end.Close()
	<-r.done
	return r.Device.Close()
}

// pipePort is the host's end of the pipe, with a serial port's read timeout.
type pipePort struct {
	c      net.Conn
	mu     sync.Mutex
	closed bool
}

const pipeReadTimeout = 100 * time.Millisecond

func (p *pipePort) Read(b []byte) (int, error) {
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		return 0, device.ErrClosed
	}
	_ = p.c.SetReadDeadline(time.Now().Add(pipeReadTimeout))
	n, err := p.c.Read(b)
	switch {
	case err == nil:
		return n, nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		return n, nil // nothing yet, as a serial port's read timeout
	case errors.Is(err, io.ErrClosedPipe):
		return n, device.ErrClosed
	}
	// The device's end is gone (the simulator stopped): an unplugged port; do not spin.
	time.Sleep(pipeReadTimeout)
	return n, errors.Join(device.ErrDisconnected, err)
}

func (p *pipePort) Write(b []byte) (int, error) {
	n, err := p.c.Write(b)
	if err != nil {
		return n, errors.Join(device.ErrDisconnected, err)
	}
	return n, nil
}

func (p *pipePort) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	return p.c.Close()
}

// deviceEnd makes the host closing its end end Serve (a pipe reports io.EOF, which a
// serial link means as "nothing yet").
type deviceEnd struct{ net.Conn }

func (d deviceEnd) Read(b []byte) (int, error) {
	n, err := d.Conn.Read(b)
	if errors.Is(err, io.EOF) {
		err = io.ErrClosedPipe
	}
	return n, err
}
