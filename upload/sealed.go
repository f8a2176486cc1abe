package upload

import (
	"context"
	"slices"

	"github.com/kaipiao/kaipiao/store"
)

// Sealed is one upload envelope of queued invoices sealed ahead of sending. SealOutbox
// makes them, PostSealed sends one and StoreAnswer stores what came back: the same steps
// Once takes for every envelope, taken apart so that the platform's load test
// (platform/loadgen) can do the workstations' share — sealing, verifying and storing
// receipts — before and after the phase it times, and measure the platform alone.
type Sealed struct {
	// Body is the CMS envelope to post to PathInvoices.
	Body []byte
	recs []*store.Record
}

// Invoices is how many invoices the envelope carries.
func (e *Sealed) Invoices() int { return len(e.recs) }

// SealOutbox seals the whole outbox into envelopes of BatchSize invoices. Each envelope
// is fresh (new ID and time) and must reach the platform within its replay window.
// Nothing leaves the outbox until StoreAnswer stores a verified receipt.
func (s *Syncer) SealOutbox() ([]*Sealed, error) {
	queued, _, err := s.cfg.Store.PendingCount()
	if err != nil || queued == 0 {
		return nil, err
	}
	recs, err := s.cfg.Store.Pending(queued)
	if err != nil {
		return nil, err
	}
	var out []*Sealed
	for chunk := range slices.Chunk(recs, s.cfg.BatchSize) {
		items, err := itemsOf(chunk)
		if err != nil {
			return nil, err
		}
		body, err := Seal(s.invoicesPayload(items), s.cfg.PKI.Enterprise, s.cfg.PKI.PlatformEnc)
		if err != nil {
			return nil, err
		}
		out = append(out, &Sealed{Body: body, recs: chunk})
	}
	return out, nil
}

// PostSealed sends e to the platform once (no retry: a second post of the same envelope
// is a replay) and returns the platform's answer.
func (s *Syncer) PostSealed(ctx context.Context, e *Sealed) ([]byte, error) {
	return s.send(ctx, PathInvoices, e.Body)
}

// StoreAnswer stores the platform's answer to e as Once would: verified receipts
// acknowledged in one transaction, refusals moved to the dead letters. Entries it does
// not store stay queued for the next pass.
func (s *Syncer) StoreAnswer(e *Sealed, answer []byte) (Counts, error) {
	s.pass.Lock()
	defer s.pass.Unlock()
	c := Counts{Uploaded: len(e.recs)}
	_, err := s.storeAnswer(e.recs, answer, &c)
	return c, err
}
