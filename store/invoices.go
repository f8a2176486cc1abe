package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	bolt "go.etcd.io/bbolt"
)

// More errors of the issuing verbs.
var (
	// ErrIntentConflict: an open intent for the request ID carries a different invoice.
	ErrIntentConflict = invoice.NewSentinel("store.intent_conflict")
	// ErrIssuedConflict: the request ID, or the code and number, already belong to a
	// different invoice. It means the store and the device disagree: reconcile.
	ErrIssuedConflict = invoice.NewSentinel("store.issued_conflict")
)

// SyncState is where an invoice is on its way to the service platform.
type SyncState string

// The sync states.
const (
	SyncQueued SyncState = "queued" // in the outbox
	SyncAcked  SyncState = "acked"  // the platform's signed acknowledgement is stored
	SyncDead   SyncState = "dead"   // refused for good; waits for the clerk
)

// Record is an issued invoice as the store keeps it; record.go is its encoding.
type Record struct {
	ID      uint64
	Invoice *invoice.Invoice
	// Counter is the device's journal counter for the invoice (gapless per device).
	Counter uint64
	// Imported marks an invoice taken from the device's journal by reconciliation rather
	// than committed by this workstation after issuing it.
	Imported bool
	// PayloadHash is the hash of the draft the intent carried (empty for imports): a
	// repeated order is the same order only if its draft has the same payload
	// (invoice.SamePayload; "v2:…" since schema 5, a bare hex hash of version 1 before).
	PayloadHash string
	StoredAt    time.Time
	Sync        SyncState
	SyncError   string
	AckedAt     time.Time
	// Ack is the platform's signed acknowledgement, kept as evidence.
	Ack []byte
}

// BeginIssue writes the intents, in one fsynced transaction. A request that already has
// an identical open intent is left as it is; one already issued, or with an open intent
// for a different payload, is refused.
func (s *DB) BeginIssue(intents ...invoice.Intent) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for i := range intents {
			in := &intents[i]
			if id := tx.Bucket(bByRequest).Get([]byte(in.RequestID)); id != nil {
				return fmt.Errorf("store: request %s is already issued: %w", in.RequestID, ErrIssuedConflict)
			}
			if raw := tx.Bucket(bIntents).Get([]byte(in.RequestID)); raw != nil {
				old, err := decodeIntent(raw)
				if err != nil {
					return fmt.Errorf("store: intent %s: %w", in.RequestID, err)
				}
				// An intent kept from before schema 5 may carry a version-1 hash.
				if old.PayloadHash != in.PayloadHash && (in.Draft == nil || !invoice.SamePayload(old.PayloadHash, in.Draft)) {
					return fmt.Errorf("store: request %s: %w", in.RequestID, ErrIntentConflict)
				}
				continue
			}
			if in.Created.IsZero() {
				in.Created = s.now()
			}
			raw, err := encodeIntent(in)
			if err != nil {
				return err
			}
			if err := tx.Bucket(bIntents).Put([]byte(in.RequestID), raw); err != nil {
				return err
			}
		}
		return nil
	})
}

// OpenIntents lists the intents not yet committed or abandoned, oldest first.
func (s *DB) OpenIntents() ([]invoice.Intent, error) {
	var out []invoice.Intent
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bIntents).ForEach(func(_, v []byte) error {
			in, err := decodeIntent(v)
			if err != nil {
				return err
			}
			out = append(out, in)
			return nil
		})
	})
	slices.SortFunc(out, func(a, b invoice.Intent) int { return a.Created.Compare(b.Created) })
	return out, err
}

// Intent returns the open intent for a request.
func (s *DB) Intent(requestID string) (invoice.Intent, error) {
	var in invoice.Intent
	err := s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bIntents).Get([]byte(requestID))
		if raw == nil {
			return ErrNotFound
		}
		var err error
		in, err = decodeIntent(raw)
		return err
	})
	return in, err
}

// AbandonIntent removes an intent whose request the device definitely refused or never
// received, and records why in the audit log.
func (s *DB) AbandonIntent(requestID, operator, reason string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bIntents).Get([]byte(requestID)) == nil {
			return nil
		}
		if err := tx.Bucket(bIntents).Delete([]byte(requestID)); err != nil {
			return err
		}
		return s.appendAudit(tx, operator, "abandon", requestID, reason)
	})
}

// CommitIssued stores invoices the device has issued, each in its intent's place: in one
// transaction the invoice and its indexes are written, it joins the outbox, its intent
// is closed and the audit log records it. Committing the same invoice again is a no-op;
// a different invoice under the same request ID or number is ErrIssuedConflict.
func (s *DB) CommitIssued(issued ...invoice.Receipt) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, is := range issued {
			operator, hash := "system", ""
			if raw := tx.Bucket(bIntents).Get([]byte(is.Invoice.RequestID)); raw != nil {
				if in, err := decodeIntent(raw); err == nil {
					operator, hash = in.Operator, in.PayloadHash
				}
			}
			if err := s.put(tx, is, false, operator, hash); err != nil {
				return err
			}
		}
		return nil
	})
}

// ImportIssued stores invoices found in the device's journal that the store lacked (a
// crash between the device's answer and the commit, or another workstation on the same
// device). Like CommitIssued, and the records are marked Imported.
func (s *DB) ImportIssued(issued ...invoice.Receipt) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, is := range issued {
			if err := s.put(tx, is, true, "reconcile", ""); err != nil {
				return err
			}
		}
		return nil
	})
}

// numberKey is the number index's key: number first, so that a search by number alone
// is a prefix scan; then the code, which makes it unique. A 数电票 has no code: "-"
// takes its place, or its 20 digits could equal a device invoice's 8-digit number and
// 12-digit code.
func numberKey(code, number string) []byte {
	if code == "" {
		return []byte(number + "-")
	}
	return []byte(number + code)
}

// blueKey is the reds_of index's prefix for a blue invoice: code and number, or "-" and
// the number of a 数电票 (for the same reason as numberKey).
func blueKey(code, number string) []byte {
	if code == "" {
		return []byte("-" + number)
	}
	return []byte(code + number)
}

func (s *DB) put(tx *bolt.Tx, is invoice.Receipt, imported bool, operator string, hash string) error {
	inv := is.Invoice
	if (inv.Code == "" && !inv.Kind.Digital()) || inv.Number == "" || inv.RequestID == "" {
		return fmt.Errorf("store: invoice %s:%s of request %s lacks its code, number or request",
			invoice.Quote(inv.Code), invoice.Quote(inv.Number), invoice.Quote(inv.RequestID))
	}
	// The code and number become keys, file names and print paths: digits only, whatever
	// the device or its journal says.
	if err := invoice.CheckIdentity(inv.Code, inv.Number, inv.Machine); err != nil {
		return fmt.Errorf("store: invoice of request %s: %w", invoice.Quote(inv.RequestID), err)
	}
	numKey := numberKey(inv.Code, inv.Number)
	byReq, byNum := tx.Bucket(bByRequest).Get([]byte(inv.RequestID)), tx.Bucket(bByNumber).Get(numKey)
	switch {
	case byReq != nil && byNum != nil && bytes.Equal(byReq, byNum):
		return tx.Bucket(bIntents).Delete([]byte(inv.RequestID)) // already stored: idempotent
	case byReq != nil || byNum != nil:
		return fmt.Errorf("store: %s:%s for request %s: %w", inv.Code, inv.Number, inv.RequestID, ErrIssuedConflict)
	}
	b := tx.Bucket(bInvoices)
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	rec := Record{Invoice: inv, Counter: is.Counter, Imported: imported, StoredAt: s.now(), Sync: SyncQueued,
		PayloadHash: hash}
	raw, err := json.Marshal(&rec)
	if err != nil {
		return err
	}
	idk := be64(id)
	if err := b.Put(idk, raw); err != nil {
		return err
	}
	buyer := join([]byte(inv.Buyer.Name), []byte(inv.Buyer.TaxID))
	puts := []struct {
		bucket, key, value []byte
	}{
		{bByRequest, []byte(inv.RequestID), idk},
		{bByNumber, numKey, idk},
		{bByOrder, join([]byte(inv.OrderID), idk), nil},
		{bByDate, append(be64(uint64(inv.IssuedAt.UnixNano())), idk...), nil},
		{bByBuyer, append(append(buyer, 0), dateKeyOf(inv.IssuedAt, id)...), nil},
		{bOutbox, idk, []byte(inv.RequestID)},
	}
	if inv.Red != nil {
		puts = append(puts, struct{ bucket, key, value []byte }{bRedsOf, append(blueKey(inv.Red.Code, inv.Red.Number), idk...), nil})
	}
	for _, p := range puts {
		v := p.value
		if v == nil {
			v = []byte{}
		}
		if err := tx.Bucket(p.bucket).Put(p.key, v); err != nil {
			return err
		}
	}
	count := tx.Bucket(bBuyers).Get(buyer)
	if err := tx.Bucket(bBuyers).Put(buyer, be64(u64(count)+1)); err != nil {
		return err
	}
	if err := tx.Bucket(bIntents).Delete([]byte(inv.RequestID)); err != nil {
		return err
	}
	if err := keepMasterData(tx, inv); err != nil {
		return fmt.Errorf("store: master data of %s:%s: %w", inv.Code, inv.Number, err)
	}
	if err := queueMail(tx, idk, inv, rec.StoredAt); err != nil {
		return err
	}
	action := "issue"
	if imported {
		action = "import"
	}
	return s.appendAudit(tx, operator, action, inv.RequestID,
		fmt.Sprintf("%s:%s total %s", inv.Code, inv.Number, inv.Totals().Total))
}
