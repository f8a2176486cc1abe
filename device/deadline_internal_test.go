package device

import (
	"testing"
	"time"
)

// TestAttackDeadlineClaimIsCapped (security issue 16, item 9): with the options
// kaipiaoctl and the window use (the defaults), a device claiming 2^40 ms for every
// command still gets at most DefaultMaxDeadline of work time, at 9600 baud too.
func TestAttackDeadlineClaimIsCapped(t *testing.T) {
	c := NewClient(nopPort{}, Options{Baud: 9600})
	defer c.Close()
	c.caps = Caps{BusyInterval: millis(1 << 40), Deadlines: map[Command]time.Duration{}}
	for cmd := Command(1); cmd < 0x30; cmd++ {
		c.caps.Deadlines[cmd] = millis(1 << 40)
	}
	c.haveCaps = true
	for _, cmd := range []Command{CmdHello, CmdStatus, CmdIssue, CmdJournal, CmdExport} {
		d := c.deadline(cmd, 600, 576)
		// work time + response timeout + the wire time of the request and the answer budget
		limit := DefaultMaxDeadline + time.Second + c.wire(600+frameOverhead+answerBudget(cmd, 576, c.pageBytes()))
		if d > limit || d > time.Minute {
			t.Errorf("%s: deadline %v, want at most %v", cmd, d, limit)
		}
	}
	if c.idleTimeout() > DefaultMaxDeadline {
		t.Errorf("a BUSY may hold the client %v", c.idleTimeout())
	}
}

// TestJournalPageFitsTheDeadline: a JOURNAL page's wire time stays near two seconds at
// any baud rate, far inside the protocol's 3 s deadline plus its own wire time.
func TestJournalPageFitsTheDeadline(t *testing.T) {
	for _, baud := range []int{9600, 115200, 921600} {
		c := NewClient(nopPort{}, Options{Baud: baud})
		if w := c.wire(c.pageBytes()); w > 3*time.Second {
			t.Errorf("%d baud: a page takes %v on the wire", baud, w)
		}
		c.Close()
	}
}

type nopPort struct{}

func (nopPort) Read(b []byte) (int, error) {
	time.Sleep(10 * time.Millisecond)
	return 0, nil
}
func (nopPort) Write(b []byte) (int, error) { return len(b), nil }
func (nopPort) Close() error                { return nil }

// TestProbeWaitAfterSilence: after a silence the short wait of a read-only request is the
// request's wire time, the device's stated work time and one response timeout, capped at
// MaxProbeWait; it is shorter than the full wait (which adds the answer's wire time) and
// never longer than MaxProbeWait whatever the device claims (PROTOCOL.md §3.3).
func TestProbeWaitAfterSilence(t *testing.T) {
	for _, c := range []struct {
		baud  int
		claim time.Duration
		want  time.Duration
	}{
		{115200, 3 * time.Second, 3*time.Second + time.Second},
		{9600, 3 * time.Second, 3*time.Second + time.Second},
		{9600, millis(1 << 40), MaxProbeWait},
	} {
		cl := NewClient(nopPort{}, Options{Baud: c.baud})
		cl.caps = Caps{Deadlines: map[Command]time.Duration{CmdQueryReq: c.claim}}
		cl.haveCaps = true
		const frameLen = 64
		got := cl.probeWait(CmdQueryReq, frameLen)
		want := min(c.want+cl.wire(frameLen), MaxProbeWait)
		if got != want {
			t.Errorf("%d baud, QUERY_REQUEST claimed %v: probe %v, want %v", c.baud, c.claim, got, want)
		}
		if full := cl.deadline(CmdQueryReq, frameLen, 40); got >= full {
			t.Errorf("%d baud: probe %v is not shorter than the full wait %v", c.baud, got, full)
		}
		cl.Close()
	}
}
