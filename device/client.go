package device

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Options tune a Client. The zero value is usable.
type Options struct {
	// ResponseTimeout is how long the client waits for any frame about its request before
	// sending it again under the same sequence number (the device answers a repeat from
	// its cache, never executing twice). 1 s when zero; the request's wire time is added.
	ResponseTimeout time.Duration
	// IdleTimeout is how long a BUSY keeps the client waiting before it re-sends.
	// Three busy intervals (from CAPS), at least 500 ms, when zero.
	IdleTimeout time.Duration
	// Baud lets the client add the frames' wire time (10 bits a byte) to its timers.
	// Zero adds nothing (pseudo-terminals, pipes).
	Baud int
	// MaxDeadline caps the work time a device may claim for a command in CAPS: a device
	// that advertises hours (or 2^40 ms) and then never answers must not hang the
	// workstation. 20 s when zero.
	MaxDeadline time.Duration
	// InterByteTimeout is the longest silence inside a frame: after it, the incomplete
	// frame is given up and the decoder hunts again (PROTOCOL.md §2). 500 ms when zero.
	InterByteTimeout time.Duration
	// PageBytes bounds a JOURNAL page's answer. By default two seconds of wire time at
	// Baud (at least 2 KiB), or 64 KiB on an unpaced link.
	PageBytes int
	// Machine pins the device: when set, a device answering HELLO with another machine
	// number is refused (ErrDeviceChanged). When empty, the first handshake's machine
	// number is pinned for the client's life.
	Machine string
	// Logf, when set, receives one line per retransmission and discarded frame.
	Logf func(format string, args ...any)
}

// Stats counts what the link did, for tests and diagnostics.
type Stats struct {
	Requests      int // commands started
	Retransmits   int // same-sequence re-sends (timeouts and NAKs)
	BadFrames     int // frames that failed a CRC
	StaleFrames   int // valid frames for another session or sequence number
	Busy          int // BUSY frames received
	Handshakes    int // HELLOs completed
	SessionLosses int // CodeNoSession answers (the device restarted)
	BytesRead     int // bytes received from the port
	BytesWritten  int // bytes sent to it
	// LinkLost counts exchanges ended at once because the port was gone (a read or
	// write error: the pty hung up, the adapter unplugged), instead of at their deadline.
	LinkLost int
	// Probes counts read-only exchanges sent with the short wait after a silence.
	Probes int
}

// Client talks to one device, one command at a time. Its methods are safe for concurrent
// use; they are serialised. Every method takes a context whose cancellation ends the
// wait (for a mutating command, with ErrOutcomeUnknown).
type Client struct {
	port Port
	opts Options

	rx      chan rxFrame
	done    chan struct{}
	readErr chan struct{}
	dec     Decoder

	mu       sync.Mutex
	closed   bool
	session  uint32
	seq      uint32
	hello    Hello
	caps     Caps
	haveCaps bool
	pin      string
	stats    Stats
	lastRx   time.Time
	rxMu     sync.Mutex
	rxBytes  atomic.Int64 // counted by the read loop, outside mu
	// silent: the last exchange heard nothing from the device until its deadline; the
	// next read-only one waits only probeWait unless the device shows life (under mu).
	silent bool
	// down is the port's loss as the read loop last saw it (the error, or nil); lost is
	// signalled when it goes down, so that an exchange fails at once.
	downMu sync.Mutex
	down   error
	lost   chan struct{}
	losses atomic.Int64
}

type rxFrame struct {
	f       Frame
	corrupt bool
}

// NewClient starts a client on an open port; no byte is sent until the first command (or
// Connect), which performs the HELLO handshake.
func NewClient(port Port, opts Options) *Client {
	if opts.ResponseTimeout <= 0 {
		opts.ResponseTimeout = time.Second
	}
	if opts.MaxDeadline <= 0 {
		opts.MaxDeadline = DefaultMaxDeadline
	}
	if opts.InterByteTimeout <= 0 {
		opts.InterByteTimeout = InterByteTimeout
	}
	c := &Client{port: port, opts: opts, rx: make(chan rxFrame, 256), done: make(chan struct{}), readErr: make(chan struct{}),
		lost: make(chan struct{}, 1)}
	go c.readLoop()
	return c
}

// Dial opens a serial port, starts a client on it and performs the handshake.
func Dial(ctx context.Context, cfg SerialConfig, opts Options) (*Client, error) {
	if cfg.Baud == 0 {
		cfg.Baud = 115200
	}
	if opts.Baud == 0 {
		opts.Baud = cfg.Baud
	}
	p, err := OpenSerial(cfg)
	if err != nil {
		return nil, err
	}
	c := NewClient(p, opts)
	if _, err := c.Connect(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Close stops the client and closes its port.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	close(c.done)
	c.mu.Unlock()
	err := c.port.Close()
	<-c.readErr
	return err
}

// Connected reports whether the port is there now (see SerialPort.Connected); a port that
// cannot tell is taken to be.
func (c *Client) Connected() bool {
	if p, ok := c.port.(interface{ Connected() bool }); ok {
		return p.Connected()
	}
	return true
}

// Stats returns the link counters so far.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.stats
	st.BytesRead = int(c.rxBytes.Load())
	return st
}

func (c *Client) logf(format string, args ...any) {
	if c.opts.Logf != nil {
		c.opts.Logf(format, args...)
	}
}

func (c *Client) readLoop() {
	defer close(c.readErr)
	buf := make([]byte, 4096)
	for {
		select {
		case <-c.done:
			return
		default:
		}
		n, err := c.port.Read(buf)
		if errors.Is(err, ErrClosed) {
			return
		}
		c.noteRead(err)
		c.rxMu.Lock()
		silent := time.Since(c.lastRx)
		if n > 0 {
			c.lastRx = time.Now()
			c.rxBytes.Add(int64(n))
		}
		c.rxMu.Unlock()
		if c.dec.Buffered() > 0 && silent >= c.opts.InterByteTimeout {
			// An incomplete frame followed by silence will never complete (a cut answer,
			// or a header announcing a megabyte that never comes): hunt past it.
			for _, d := range c.dec.Expire() {
				select {
				case c.rx <- rxFrame{f: d.Frame, corrupt: d.Err != nil}:
				case <-c.done:
					return
				}
			}
		}
		if n == 0 {
			continue // nothing yet: a read timeout, or a port being reopened
		}
		c.dec.Write(buf[:n])
		for {
			f, ok, err := c.dec.Next()
			if !ok {
				break
			}
			select {
			case c.rx <- rxFrame{f: f, corrupt: err != nil}:
			case <-c.done:
				return
			}
		}
	}
}

// noteRead records what a read said of the port: any error but io.EOF (which tarm/serial
// returns for "nothing yet") means the port is gone (Port), until a read succeeds again.
func (c *Client) noteRead(err error) {
	if err != nil && errors.Is(err, io.EOF) {
		err = nil
	}
	c.downMu.Lock()
	wasDown := c.down != nil
	c.down = err
	c.downMu.Unlock()
	if err == nil {
		return
	}
	if !wasDown {
		c.losses.Add(1)
		select {
		case c.lost <- struct{}{}:
		default:
		}
	}
	if !errors.Is(err, ErrDisconnected) {
		// A port that does not pace its failures itself (SerialPort does): do not spin.
		time.Sleep(10 * time.Millisecond)
	}
}

// Losses counts the times the port was found gone (a read error, the node vanished): a
// watcher polling Connected may miss a port lost and found again between two looks
// (a replug, a simulator restarted at once), and must still reconcile after it.
func (c *Client) Losses() int { return int(c.losses.Load()) }

// linkDown returns why the port is gone, or nil while it is there.
func (c *Client) linkDown() error {
	c.downMu.Lock()
	defer c.downMu.Unlock()
	return c.down
}

// receiving reports whether bytes arrived very recently: a long frame is on its way.
func (c *Client) receiving() bool {
	c.rxMu.Lock()
	defer c.rxMu.Unlock()
	return time.Since(c.lastRx) < 200*time.Millisecond
}

func (c *Client) wire(n int) time.Duration {
	if c.opts.Baud <= 0 {
		return 0
	}
	return time.Duration(n) * 10 * time.Second / time.Duration(c.opts.Baud)
}

// Connect performs the HELLO handshake (and reads CAPS the first time, or after the
// device rebooted). Commands call it themselves when there is no session.
func (c *Client) Connect(ctx context.Context) (Hello, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.handshake(ctx); err != nil {
		return Hello{}, err
	}
	return c.hello, nil
}

// handshake runs HELLO, CAPS and the PIN, starting over when the device restarts in the
// middle of it.
func (c *Client) handshake(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		err := c.handshakeOnce(ctx)
		if errors.Is(err, CodeNoSession) && attempt < 5 {
			c.stats.SessionLosses++
			continue
		}
		if errors.Is(err, ErrDeviceChanged) && attempt < 5 {
			if p, ok := c.port.(interface{ Relocate() bool }); ok && p.Relocate() {
				continue // the path names another node now: the handshake goes there
			}
		}
		return err
	}
}

func (c *Client) handshakeOnce(ctx context.Context) error {
	var nonce [4]byte
	_, _ = rand.Read(nonce[:])
	c.session = 0
	c.seq = binary.BigEndian.Uint32(nonce[:])
	body, err := c.exchange(ctx, CmdHello, nil, "")
	if err != nil {
		return err
	}
	var h Hello
	if err := h.UnmarshalBinary(body); err != nil {
		return fmt.Errorf("device: HELLO answer: %w", err)
	}
	if h.Protocol != Version {
		return fmt.Errorf("device: protocol version %d, this client speaks %d", h.Protocol, Version)
	}
	if c.opts.Machine == "" {
		c.opts.Machine = h.Machine
	}
	if h.Machine != c.opts.Machine {
		return fmt.Errorf("%w: machine %s on the port, this client serves %s", ErrDeviceChanged, h.Machine, c.opts.Machine)
	}
	rebooted := h.BootID != c.hello.BootID
	c.hello, c.session, c.seq = h, h.Session, h.NextSeq
	c.stats.Handshakes++
	if rebooted || !c.haveCaps {
		body, err := c.exchange(ctx, CmdCaps, nil, "")
		if err != nil {
			c.session = 0
			return err
		}
		var caps Caps
		if err := caps.UnmarshalBinary(body); err != nil {
			c.session = 0
			return fmt.Errorf("device: CAPS answer: %w", err)
		}
		c.caps, c.haveCaps = caps, true
	}
	if c.pin != "" {
		if _, err := c.exchange(ctx, CmdPINVerify, mustArgs(Args{Texts: []string{c.pin}}), ""); err != nil {
			c.session = 0
			return err
		}
	}
	return nil
}

func mustArgs(a Args) []byte {
	b, err := a.MarshalBinary()
	if err != nil {
		panic(err) // only texts that are not GBK fail, and callers pass ASCII here
	}
	return b
}

// call runs one command: it handshakes when there is no session, and again (then
// re-sends) when the device answers that it lost the session. Re-sending a mutating
// command in a new session is safe only because it carries its request ID.
func (c *Client) call(ctx context.Context, cmd Command, payload []byte, requestID string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, ErrClosed
	}
	c.stats.Requests++
	for attempt := 0; ; attempt++ {
		if c.session == 0 {
			if err := c.handshake(ctx); err != nil {
				if cmd.Mutating() && attempt > 0 {
					return nil, &OutcomeError{Cmd: cmd, RequestID: requestID, Cause: fmt.Errorf("reconnecting: %w", err)}
				}
				return nil, err
			}
		}
		body, err := c.exchange(ctx, cmd, payload, requestID)
		var de *Error
		if errors.As(err, &de) && de.Code == CodeNoSession && attempt < 3 {
			c.stats.SessionLosses++
			c.session = 0
			continue
		}
		return body, err
	}
}

// exchange sends one request and waits for its answer, re-sending the same sequence
// number on silence and on NAK, until the command's deadline. It ends at once when the
// port is gone (PROTOCOL.md §3.3): a read or write error says so, and no answer can come
// through a hung-up line. After an exchange that heard nothing at all, a read-only
// request waits only probeWait unless the device shows life.
func (c *Client) exchange(ctx context.Context, cmd Command, payload []byte, requestID string) ([]byte, error) {
	seq := c.seq
	c.seq++
	session := c.session
	frame, err := EncodeFrame(Frame{Type: TypeRequest, Cmd: cmd, Session: session, Seq: seq, Payload: payload})
	if err != nil {
		return nil, err
	}
	deadline := c.deadline(cmd, len(frame), len(payload))
	wait := deadline
	probing := c.silent && !cmd.Mutating()
	if probing {
		wait = min(deadline, c.probeWait(cmd, len(frame)))
		c.stats.Probes++
	}
	// A long answer still streaming when the deadline passes may finish, but never past
	// what the largest page could take on this line.
	maxStretch := deadline + c.wire(MaxPayload/2)
	start := time.Now()
	dl := time.NewTimer(wait)
	defer dl.Stop()
	retry := time.NewTimer(c.opts.ResponseTimeout + c.wire(len(frame)))
	defer retry.Stop()
	sent, heard := false, false
	unknown := func(why error) error {
		if cmd.Mutating() && sent {
			return &OutcomeError{Cmd: cmd, RequestID: requestID, Cause: fmt.Errorf("seq %d, after %v: %w", seq, time.Since(start).Round(time.Millisecond), why)}
		}
		return fmt.Errorf("device: %s (seq %d) after %v: %w", cmd, seq, time.Since(start).Round(time.Millisecond), why)
	}
	// gone ends the exchange on a lost port: a frame not wholly written was never sent
	// (the device cannot act on a frame whose CRC it never got), so a first send that
	// fails leaves nothing unknown.
	gone := func(why error) error {
		// Nothing is known of the device on a port found again (a re-enumerated adapter,
		// even another device's node): it must show life before a full wait is spent.
		c.silent = true
		c.stats.LinkLost++
		c.logf("device: %s seq %d: the port is gone: %v", cmd, seq, why)
		return unknown(why)
	}
	// write reports whether f went out whole, and the error of a port that is gone.
	write := func(f []byte) (bool, error) {
		n, err := c.port.Write(f)
		c.stats.BytesWritten += n
		if err == nil || n == len(f) {
			return true, nil
		}
		if errors.Is(err, ErrDisconnected) {
			return false, err
		}
		// A port that cannot tell a lost line from a hiccup: ride it with the re-sends.
		c.logf("device: %s seq %d: %v", cmd, seq, err)
		return false, nil
	}
	send := func() error {
		ok, err := write(frame)
		sent = sent || ok
		return err
	}
	// A loss signalled before this request (and since recovered) is not this one's.
	select {
	case <-c.lost:
	default:
	}
	if err := send(); err != nil {
		return nil, gone(err)
	}
	for {
		select {
		case <-c.done:
			return nil, unknown(ErrClosed)
		case <-ctx.Done():
			return nil, unknown(ctx.Err())
		case <-c.lost:
			if why := c.linkDown(); why != nil {
				return nil, gone(why)
			}
		case <-dl.C:
			// A long answer still streaming in is not late: give it its wire time.
			if c.receiving() && time.Since(start) < maxStretch {
				dl.Reset(200 * time.Millisecond)
				continue
			}
			c.silent = !heard
			return nil, unknown(ErrTimeout)
		case <-retry.C:
			if c.receiving() {
				// An answer is streaming in (ours, or a stale one ahead of it): sending
				// again now would only queue another copy of a long answer behind it —
				// the cascade that once left a link at 115200 baud unusable.
				retry.Reset(200 * time.Millisecond)
				continue
			}
			c.stats.Retransmits++
			c.logf("device: %s seq %d: no answer, sending again", cmd, seq)
			if err := send(); err != nil {
				return nil, gone(err)
			}
			retry.Reset(c.opts.ResponseTimeout + c.wire(len(frame)))
		case rf := <-c.rx:
			f := rf.f
			if rf.corrupt {
				c.stats.BadFrames++
				if f.Session == session && f.Seq == seq {
					nak, _ := EncodeFrame(Frame{Type: TypeNAK, Cmd: cmd, Session: session, Seq: seq})
					if _, err := write(nak); err != nil {
						return nil, gone(err)
					}
				}
				continue
			}
			// The device speaks: it is not silent, whatever this frame is.
			heard, c.silent = true, false
			if probing {
				probing = false
				dl.Reset(max(deadline-time.Since(start), 0))
			}
			if f.Session != session || f.Seq != seq || f.Cmd != cmd {
				c.stats.StaleFrames++
				c.logf("device: %s seq %d: ignoring %s for session %d seq %d", cmd, seq, f.Type, f.Session, f.Seq)
				continue
			}
			switch f.Type {
			case TypeBusy:
				c.stats.Busy++
				retry.Reset(c.idleTimeout())
			case TypeNAK:
				c.stats.Retransmits++
				if err := send(); err != nil {
					return nil, gone(err)
				}
				retry.Reset(c.opts.ResponseTimeout + c.wire(len(frame)))
			case TypeResponse:
				code, detail, body, err := ParseResponse(f.Payload)
				if err != nil {
					// The CRC passed but the payload is not ours to trust: ask again.
					c.stats.BadFrames++
					continue
				}
				if code != CodeOK {
					return nil, &Error{Cmd: cmd, Code: code, Detail: detail}
				}
				return body, nil
			default:
				c.stats.StaleFrames++
			}
		}
	}
}

// Timing limits of the link (PROTOCOL.md §2, §3.3).
const (
	// DefaultMaxDeadline caps the work time a device may claim for one command.
	DefaultMaxDeadline = 20 * time.Second
	// InterByteTimeout is the longest silence between two bytes of one frame.
	InterByteTimeout = 500 * time.Millisecond
)

// deadline is how long a request may take in all: the device's stated work time (capped),
// the response timeout, and the wire time of the request and of the longest answer it
// may bring (PROTOCOL.md §3.3).
func (c *Client) deadline(cmd Command, frameLen, payloadLen int) time.Duration {
	work := DefaultDeadline
	if c.haveCaps {
		work = c.caps.Deadline(cmd)
	}
	work = min(work, c.opts.MaxDeadline)
	return work + c.opts.ResponseTimeout + c.wire(frameLen) + c.wire(frameOverhead+answerBudget(cmd, payloadLen, c.pageBytes()))
}

// MaxProbeWait caps probeWait, whatever work time the device states: a clerk whose
// device hung waits the ISSUE's own deadline and then at most this for its lookup. A
// device that really needs longer to find a request ID is asked again, with the full
// wait, by the reconciliation of the next start or reconnection.
const MaxProbeWait = 5 * time.Second

// probeWait is how long a read-only request waits for a first sign of life after an
// exchange that heard nothing until its deadline (a device hung with its cable in place,
// PROTOCOL.md §3.3): the wire time of the request, the device's stated work time for it
// (the longest from the request's last byte to the answer's first) and one response
// timeout, at most MaxProbeWait. It leaves out the answer's own wire time: an answer that
// has begun may stream to its end, and any frame from the device (a BUSY, even a stale
// answer) gives the request its whole deadline back. With the simulator's CAPS
// (QUERY_REQUEST 3 s) that is about 4 s at 115200 or at 9600 baud, against 4.7 s and
// 12.6 s for the full wait, which the engine used to spend five times over.
func (c *Client) probeWait(cmd Command, frameLen int) time.Duration {
	work := DefaultDeadline
	if c.haveCaps {
		work = c.caps.Deadline(cmd)
	}
	work = min(work, c.opts.MaxDeadline)
	return min(MaxProbeWait, c.wire(frameLen)+work+c.opts.ResponseTimeout)
}

// answerBudget is the most an answer to cmd is expected to carry: a JOURNAL page is
// bounded by what the client asks; a record echoes the invoice sent or stored.
func answerBudget(cmd Command, payloadLen, page int) int {
	switch cmd {
	case CmdJournal:
		return page + 64
	case CmdIssue, CmdIssueRed:
		return payloadLen + 1024
	case CmdQueryNumber, CmdQueryReq, CmdQueryLast, CmdExport:
		return 8 << 10
	}
	return 2 << 10
}

// pageBytes is the JOURNAL page size: about two seconds of wire time, so that a page
// stays well inside the protocol's deadline at any baud rate.
func (c *Client) pageBytes() int {
	if c.opts.PageBytes > 0 {
		return min(c.opts.PageBytes, MaxPayload/2)
	}
	if c.opts.Baud <= 0 {
		return 64 << 10
	}
	return max(2<<10, c.opts.Baud/10*2)
}

func (c *Client) idleTimeout() time.Duration {
	if c.opts.IdleTimeout > 0 {
		return c.opts.IdleTimeout
	}
	d := 3 * c.caps.BusyInterval
	if d < 500*time.Millisecond {
		d = 500 * time.Millisecond
	}
	return min(d, c.opts.MaxDeadline) // a device's claim is capped like its deadlines
}
