package sim_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
)

// TestLinkResynchronisesAfterALongAnswerIsAbandoned: the case that once left the link
// unusable. At 115200 baud a host asks for a long JOURNAL page and gives up while it
// streams (its caller's context ends); the next command must still succeed by itself:
// the rest of the abandoned answer is discarded as stale, and the host does not pile
// repeats behind it.
func TestLinkResynchronisesAfterALongAnswerIsAbandoned(t *testing.T) {
	state := filepath.Join(t.TempDir(), "device.db")
	fill, err := sim.StartInProcess(sim.Config{StatePath: state, Stock: 300}, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := device.NewClient(fill.Port, device.Options{})
	ctx := context.Background()
	if err := c.VerifyPIN(ctx, sim.DefaultPIN); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 120; i++ {
		st, err := c.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("LONG-%03d", i)
		if _, err := c.Issue(ctx, device.IssueRequest{RequestID: id, ExpectedCode: st.NextCode, ExpectedNumber: st.NextNumber,
			Invoice: sampleInvoice(id, 2)}); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	fill.Close()

	running, err := sim.StartPTY(sim.Config{StatePath: state}, 115200)
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close()
	// A host that asks for a whole half-frame page, as the old client did.
	c, err = device.Dial(ctx, device.SerialConfig{Path: running.PTY.Path, Baud: 115200}, device.Options{PageBytes: device.MaxPayload / 2})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	short, cancel := context.WithTimeout(ctx, time.Second)
	_, err = c.Journal(short, 1, 1000)
	cancel()
	if err == nil {
		t.Fatal("a page of 120 invoices came within a second at 115200 baud: the test proves nothing")
	}
	st, err := c.Status(ctx)
	if err != nil {
		t.Fatalf("the next command after an abandoned long answer: %v (stats %+v)", err, c.Stats())
	}
	if st.Issued != 120 {
		t.Fatalf("status says %d issued", st.Issued)
	}
	recs, err := c.Journal(ctx, 1, 10)
	if err != nil || len(recs) != 10 || recs[0].Counter != 1 {
		t.Fatalf("a journal page after: %d records, %v", len(recs), err)
	}
	if s := c.Stats(); s.StaleFrames == 0 {
		t.Errorf("the abandoned answer was not seen and discarded as stale: %+v", s)
	}
}
