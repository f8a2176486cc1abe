package sim

import (
	"errors"
	"io"
	"time"

	"github.com/kaipiao/kaipiao/device"
)

// Server speaks the wire protocol for a Device over a byte link (a pseudo-terminal
// master, a serial port): framing, NAKs, the same-sequence answer cache, BUSY frames,
// output paced at the line's baud rate, and the injected link faults.
type Server struct {
	Device *Device
	Link   io.ReadWriter
	// Baud paces both directions at 10 bits a byte, as a real line would; 0 is unpaced.
	Baud   int
	Faults *Faults
	Logf   func(format string, args ...any)

	dec       device.Decoder
	txNext    time.Time
	rxNext    time.Time
	last      cached
	prev      []byte
	muteUntil time.Time
	lastRx    time.Time
}

// cached is the last answer, resent verbatim for a repeated sequence number: the device
// never executes a sequence number twice.
type cached struct {
	boot    [16]byte // the answer is forgotten when the device reboots
	session uint32
	seq     uint32
	cmd     device.Command
	frame   []byte
}

func (s *Server) logf(format string, args ...any) {
	if s.Logf != nil {
		s.Logf(format, args...)
	}
}

// Serve answers requests until the link fails (it returns that error) or an injected
// crash kills the device (ErrCrashed: stop at once, as power loss would).
func (s *Server) Serve() error {
	buf := make([]byte, 4096)
	for {
		n, err := s.Link.Read(buf)
		if n > 0 {
			now := time.Now()
			if s.dec.Buffered() > 0 && now.Sub(s.lastRx) >= device.InterByteTimeout {
				// What came before this silence can never complete a frame (PROTOCOL.md
				// §2): a header announcing a megabyte must not swallow the next request.
				for _, d := range s.dec.Expire() {
					if herr := s.handle(d.Frame, d.Err); herr != nil {
						return herr
					}
				}
			}
			s.lastRx = now
			s.paceRx(n)
			s.dec.Write(buf[:n])
			for {
				f, ok, ferr := s.dec.Next()
				if !ok {
					break
				}
				if herr := s.handle(f, ferr); herr != nil {
					return herr
				}
			}
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
	}
}

// idleGap is how far behind its schedule the pacing may fall before it counts the line
// as idle and starts afresh. Below it, a sleep that overslept is made up by the next
// chunks: resetting at every oversleep made a long answer 25 % slower than its baud rate.
const idleGap = 20 * time.Millisecond

func (s *Server) byteTime() time.Duration { return 10 * time.Second / time.Duration(s.Baud) }

// paceRx holds received bytes back until their wire time has passed.
func (s *Server) paceRx(n int) {
	if s.Baud <= 0 {
		return
	}
	now := time.Now()
	if now.Sub(s.rxNext) > idleGap {
		s.rxNext = now
	}
	s.rxNext = s.rxNext.Add(time.Duration(n) * s.byteTime())
	time.Sleep(time.Until(s.rxNext))
}

// write sends bytes at the line's pace, in chunks so that the reader sees them arrive.
func (s *Server) write(b []byte) {
	if s.Baud <= 0 {
		_, _ = s.Link.Write(b)
		return
	}
	for len(b) > 0 {
		n := min(len(b), 32)
		now := time.Now()
		if now.Sub(s.txNext) > idleGap {
			s.txNext = now // the line was idle: start from now
		}
		s.txNext = s.txNext.Add(time.Duration(n) * s.byteTime())
		time.Sleep(time.Until(s.txNext))
		_, _ = s.Link.Write(b[:n])
		b = b[n:]
	}
}

func frame(t device.FrameType, cmd device.Command, session, seq uint32, payload []byte) []byte {
	b, _ := device.EncodeFrame(device.Frame{Type: t, Cmd: cmd, Session: session, Seq: seq, Payload: payload})
	return b
}

func (s *Server) handle(f device.Frame, ferr error) error {
	if ferr != nil { // a frame whose payload CRC failed: ask for it again
		if f.Type == device.TypeRequest {
			s.write(frame(device.TypeNAK, f.Cmd, f.Session, f.Seq, nil))
		}
		return nil
	}
	if time.Now().Before(s.muteUntil) {
		return nil
	}
	switch f.Type {
	case device.TypeNAK: // the host got our answer corrupted
		if f.Session == s.last.session && f.Seq == s.last.seq && s.last.frame != nil {
			s.emit(s.last.frame, nil)
		}
		return nil
	case device.TypeRequest:
	default:
		return nil
	}
	faults := s.Faults.forRequest()
	if faults[FaultDropRequest] {
		return nil
	}
	if faults[FaultFlipRequest] {
		if s.Faults.intn(2) == 0 || faults[FaultDropNAK] {
			return nil // a flipped header: the device hunts and never saw a request
		}
		s.write(frame(device.TypeNAK, f.Cmd, f.Session, f.Seq, nil))
		return nil
	}
	s.deviceFaults(faults)
	if s.last.boot != s.Device.BootID() {
		s.last, s.prev = cached{}, nil
	}
	if f.Session == s.last.session && f.Seq == s.last.seq && f.Cmd == s.last.cmd && s.last.frame != nil {
		s.emit(s.last.frame, faults)
		return nil
	}
	if f.Cmd != device.CmdHello && f.Session == s.last.session && int32(f.Seq-s.last.seq) < 0 {
		s.logf("sim: stale seq %d (last %d) ignored", f.Seq, s.last.seq)
		return nil
	}
	if faults[FaultBusy] {
		for i := 0; i < 3; i++ {
			s.write(frame(device.TypeBusy, f.Cmd, f.Session, f.Seq, nil))
			time.Sleep(s.Device.cfg.BusyInterval)
		}
	}
	resp, err := s.execute(f)
	if err != nil {
		return err
	}
	out := frame(device.TypeResponse, f.Cmd, f.Session, f.Seq, resp)
	if s.last.frame != nil {
		s.prev = s.last.frame
	}
	s.last = cached{boot: s.Device.BootID(), session: f.Session, seq: f.Seq, cmd: f.Cmd, frame: out}
	deadline := s.Device.cfg.Deadlines[f.Cmd]
	switch {
	case faults[FaultDropResponse]:
	case faults[FaultBusyStop]:
		for i := 0; i < 3; i++ {
			s.write(frame(device.TypeBusy, f.Cmd, f.Session, f.Seq, nil))
			time.Sleep(s.Device.cfg.BusyInterval)
		}
		s.muteUntil = time.Now().Add(deadline + time.Second)
	case faults[FaultLate]:
		time.Sleep(deadline + 2*time.Second)
		s.emit(out, faults)
	default:
		s.emit(out, faults)
	}
	return nil
}

// execute runs the command, sending BUSY every busy interval while it works.
func (s *Server) execute(f device.Frame) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := s.Device.Execute(f.Session, f.Cmd, f.Payload)
		done <- result{b, err}
	}()
	tick := time.NewTicker(s.Device.cfg.BusyInterval)
	defer tick.Stop()
	for {
		select {
		case r := <-done:
			return r.b, r.err
		case <-tick.C:
			s.write(frame(device.TypeBusy, f.Cmd, f.Session, f.Seq, nil))
		}
	}
}

func (s *Server) deviceFaults(faults map[Fault]bool) {
	d := s.Device
	if faults[FaultReboot] {
		d.Reboot()
	}
	if faults[FaultPINLock] {
		_ = d.LockPIN()
	}
	if faults[FaultStock] {
		_ = d.ExhaustStock()
	}
	if faults[FaultOfflineHours] {
		d.cfg.Clock.Advance(time.Duration(d.cfg.OfflineHours+1) * time.Hour)
	}
	if faults[FaultOfflineAmount] {
		_ = d.FillOffline()
	}
	if faults[FaultMonthLock] {
		d.cfg.Clock.Advance(time.Duration(31+d.cfg.DeadlineDay+1) * 24 * time.Hour)
	}
}

// emit sends an answer through the link faults.
func (s *Server) emit(out []byte, faults map[Fault]bool) {
	if faults[FaultStale] && s.prev != nil {
		s.write(s.prev)
	}
	if faults[FaultGarbage] {
		g := make([]byte, 8+s.Faults.intn(40))
		for i := range g {
			g[i] = byte(s.Faults.intn(256))
		}
		// a false magic with a plausible header start, then the true frame
		g = append(g, device.Magic0, device.Magic1, device.Version, byte(device.TypeResponse), out[4], 0, 0, 0)
		s.write(g)
	}
	b := out
	flip := func(lo, hi int) {
		b = append([]byte(nil), out...)
		i := lo + s.Faults.intn(hi-lo)
		b[i] ^= 1 << s.Faults.intn(8)
	}
	switch {
	case faults[FaultFlipHeader]:
		flip(0, device.HeaderSize)
	case faults[FaultFlipBody] && len(out) > device.HeaderSize+device.TrailerSize:
		flip(device.HeaderSize, len(out)-device.TrailerSize)
	case faults[FaultFlipCRC]:
		flip(len(out)-device.TrailerSize, len(out))
	}
	switch {
	case faults[FaultCut]:
		s.write(b[:1+s.Faults.intn(len(b)-1)])
		return
	case faults[FaultCoalesce]:
		busy := frame(device.TypeBusy, device.Command(out[4]), 0, 0, nil)
		s.write(append(append(append(busy, b...), b...), s.prev...))
		return
	case faults[FaultTrickle]:
		for i := range b {
			s.write(b[i : i+1])
			if s.Baud <= 0 {
				time.Sleep(50 * time.Microsecond)
			}
		}
	default:
		s.write(b)
	}
	if faults[FaultDupResponse] {
		s.write(b)
	}
}
