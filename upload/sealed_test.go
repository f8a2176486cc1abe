package upload_test

import (
	"context"
	"testing"

	"github.com/kaipiao/kaipiao/upload"
)

// The load test's way through the uploader: the outbox sealed first, the envelopes
// posted later, the answers stored last, leaves the same state as Once, and an envelope
// posted twice is refused as a replay without losing or doubling anything.
func TestSealedOutboxPostedLaterLeavesTheOutboxEmpty(t *testing.T) {
	r := newRig(t, rigOptions{noFsync: true})
	r.issue("SEAL", 120)
	s, _ := r.syncer(func(c *upload.Config) { c.Device = nil })
	sealed, err := s.SealOutbox()
	if err != nil {
		t.Fatal(err)
	}
	if len(sealed) != 3 || sealed[0].Invoices() != 50 || sealed[2].Invoices() != 20 {
		t.Fatalf("%d envelopes for 120 invoices in batches of 50", len(sealed))
	}
	if q, _, _ := r.db.PendingCount(); q != 120 {
		t.Fatalf("sealing took %d invoices out of the outbox", 120-q)
	}
	ctx := context.Background()
	var acked int
	for i, e := range sealed {
		answer, err := s.PostSealed(ctx, e)
		if err != nil {
			t.Fatalf("envelope %d: %v", i, err)
		}
		c, err := s.StoreAnswer(e, answer)
		if err != nil {
			t.Fatalf("envelope %d: %v", i, err)
		}
		acked += c.Acked
	}
	if acked != 120 {
		t.Fatalf("acked %d, want 120", acked)
	}
	if q, _, _ := r.db.PendingCount(); q != 0 {
		t.Fatalf("%d invoices still queued", q)
	}
	if _, err := s.PostSealed(ctx, sealed[0]); err == nil {
		t.Fatal("the platform took the same envelope twice")
	}
	r.checkPlatformHoldsExactly(120)
}
