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
