package sim_test

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
)

// rawLink speaks frames to a simulator over its pty by hand, to check the device side of
// §3.2: a repeated sequence number is answered from the cache, a stale one not at all.
type rawLink struct {
	t    *testing.T
	port *device.SerialPort
	dec  device.Decoder
}

func (l *rawLink) send(f device.Frame) {
	b, err := device.EncodeFrame(f)
	if err != nil {
		l.t.Fatal(err)
	}
	if _, err := l.port.Write(b); err != nil {
		l.t.Fatal(err)
	}
}

// next returns the next valid frame, or false after wait without one.
func (l *rawLink) next(wait time.Duration) (device.Frame, bool) {
	buf := make([]byte, 4096)
	for end := time.Now().Add(wait); time.Now().Before(end); {
		if f, ok, err := l.dec.Next(); ok && err == nil {
			return f, true
		}
		n, _ := l.port.Read(buf)
		l.dec.Write(buf[:n])
	}
	return device.Frame{}, false
}

func TestDeviceNeverExecutesASequenceNumberTwice(t *testing.T) {
	running, err := sim.StartPTY(sim.Config{StatePath: filepath.Join(t.TempDir(), "d.db")}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close()
	port, err := device.OpenSerial(device.SerialConfig{Path: running.PTY.Path})
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()
	l := &rawLink{t: t, port: port}
	l.send(device.Frame{Type: device.TypeRequest, Cmd: device.CmdHello, Seq: 77})
	f, ok := l.next(10 * time.Second)
	var h device.Hello
	if !ok || f.Seq != 77 || h.UnmarshalBinary(mustBody(t, f)) != nil {
		t.Fatalf("HELLO answer %+v", f)
	}
	pin := device.Args{Texts: []string{sim.DefaultPIN}}
	pinBytes, _ := pin.MarshalBinary()
	req := device.IssueRequest{RequestID: "R-1", ExpectedNumber: "00000001", Invoice: sampleInvoice("R-1", 1)}
	issueBytes, _ := req.MarshalBinary()
	exchange := func(seq uint32, cmd device.Command, payload []byte) []byte {
		l.send(device.Frame{Type: device.TypeRequest, Cmd: cmd, Session: h.Session, Seq: seq, Payload: payload})
		f, ok := l.next(10 * time.Second)
		if !ok || f.Seq != seq || f.Type != device.TypeResponse {
			t.Fatalf("seq %d: answer %+v", seq, f)
		}
		return f.Payload
	}
	exchange(h.NextSeq, device.CmdPINVerify, pinBytes)
	first := exchange(h.NextSeq+1, device.CmdIssue, issueBytes)
	// the same sequence number again, even with another payload: the cached answer
	other := device.IssueRequest{RequestID: "R-2", ExpectedNumber: "00000002", Invoice: sampleInvoice("R-2", 1)}
	otherBytes, _ := other.MarshalBinary()
	if again := exchange(h.NextSeq+1, device.CmdIssue, otherBytes); !bytes.Equal(again, first) {
		t.Fatal("a repeated sequence number was executed again")
	}
	// an older sequence number: no answer, no effect
	l.send(device.Frame{Type: device.TypeRequest, Cmd: device.CmdIssue, Session: h.Session, Seq: h.NextSeq, Payload: otherBytes})
	if f, ok := l.next(500 * time.Millisecond); ok {
		t.Fatalf("a stale sequence number was answered: %+v", f)
	}
	body := mustBody(t, device.Frame{Payload: exchange(h.NextSeq+2, device.CmdStatus, nil)})
	var st device.Status
	if err := st.UnmarshalBinary(body); err != nil || st.Issued != 1 {
		t.Fatalf("status after duplicates: %v, %d issued", err, st.Issued)
	}
}

func mustBody(t *testing.T, f device.Frame) []byte {
	t.Helper()
	code, detail, body, err := device.ParseResponse(f.Payload)
	if err != nil || code != device.CodeOK {
		t.Fatalf("response: %v code %d %s", err, code, detail)
	}
	return body
}
