// Package platform is the reference electronic-invoice service platform: it accepts
// enveloped invoices from workstations, verifies them (the enterprise's signature and
// certificate chain, the device's seal, the arithmetic), upserts them by (device serial,
// code, number) in its own bbolt file and answers with signed receipts; it queues orders
// posted by an ERP for the workstations to pull; and it answers device upload packets as
// the tax authority. cmd/kaipiao-platform serves it.
package platform

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/upload"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

var (
	bInvoices  = []byte("invoices")   // device 0 code 0 number → Stored JSON
	bEnvelopes = []byte("envelopes")  // envelope ID → unix ns (8 bytes BE): replay memory
	bSeenAt    = []byte("seen_at")    // unix ns (8 bytes BE) + envelope ID → empty: to forget old IDs
	bOrders    = []byte("orders")     // seller tax ID 0 order ID → Order JSON
	bUploads   = []byte("uploads")    // machine 0 from 0 through (decimal) → UploadAck binary
	bERPTokens = []byte("erp_tokens") // SHA-256 of an ERP token → erpRecord JSON
)

// ErrLocked: another process has the platform's data file.
var ErrLocked = errors.New("the platform's data file is open in another process")

// ErrDamaged: the platform's bbolt file is damaged (cut short, bits flipped).
var ErrDamaged = errors.New("the platform's store is damaged")

// DB is the platform's bbolt store, for one platform process (the file is locked). Each
// verb is one transaction.
type DB struct{ db store.Guarded }

// FileName is the platform's bbolt file inside its --data folder.
const FileName = "platform.db"

// OpenDB opens (creating) the platform's store in dir.
func OpenDB(dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("platform data folder %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	// With the workstation store's guards: a damaged file is refused at open, and a page
	// bbolt cannot read later is an error, never a crash or a loop (store/pages.go).
	db, err := store.OpenGuarded(path, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType}, ErrDamaged)
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("platform store %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("platform store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range append([][]byte{bInvoices, bEnvelopes, bSeenAt, bOrders, bUploads, bERPTokens}, digitalBuckets...) {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return rekeyOrders(tx)
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("platform store %s: %w", path, err)
	}
	return &DB{db: db}, nil
}

// Close releases the file.
func (d *DB) Close() error { return d.db.Close() }

// Stored is an invoice the platform holds.
type Stored struct {
	Device      string          `json:"device"`
	Code        string          `json:"code"`
	Number      string          `json:"number"`
	OrderID     string          `json:"order_id"`
	RequestID   string          `json:"request_id"`
	SellerTaxID string          `json:"seller_tax_id"`
	Total       string          `json:"total"`
	Digest      string          `json:"digest"`
	AckedAt     time.Time       `json:"acked_at"`
	Receipt     json.RawMessage `json:"receipt"`
	Invoice     json.RawMessage `json:"invoice"`
}

func invoiceKey(device, code, number string) []byte {
	return []byte(device + "\x00" + code + "\x00" + number)
}

// errReplay: the envelope ID was seen before.
var errReplay = errors.New("envelope already received (replay)")

// errConflict: (device, code, number) is held with other content.
var errConflict = errors.New("the platform holds a different invoice under this device, code and number")

// Upsert records the envelope ID (refusing one seen before with errReplay, changing
// nothing) and, in the same transaction, stores every invoice not held yet. For each of
// fresh it returns what the platform now holds: the fresh one, or the one held before
// when the digests agree. A digest that disagrees gives errConflict for that item alone.
func (d *DB) Upsert(envelopeID string, at time.Time, fresh []*Stored) ([]*Stored, []error, error) {
	held := make([]*Stored, len(fresh))
	errs := make([]error, len(fresh))
	err := d.db.Update(func(tx *bolt.Tx) error {
		if err := seeEnvelope(tx, envelopeID, at); err != nil {
			return err
		}
		b := tx.Bucket(bInvoices)
		for i, s := range fresh {
			if s.Device == "" && s.Code == "" {
				// A 数电票's number must be its enterprise's and not given back, checked in
				// this transaction so that a return cannot slip between (digitaldb.go).
				if err := digitalNumberOK(tx, s.SellerTaxID, s.Number); err != nil {
					errs[i] = err
					continue
				}
			}
			k := invoiceKey(s.Device, s.Code, s.Number)
			if raw := b.Get(k); raw != nil {
				var old Stored
				if err := json.Unmarshal(raw, &old); err != nil {
					return fmt.Errorf("stored invoice %s/%s: %w", s.Code, s.Number, err)
				}
				if old.Digest != s.Digest {
					errs[i] = fmt.Errorf("%s %s/%s: %w", s.Device, s.Code, s.Number, errConflict)
					continue
				}
				held[i] = &old
				continue
			}
			raw, err := json.Marshal(s)
			if err != nil {
				return err
			}
			if err := b.Put(k, raw); err != nil {
				return err
			}
			held[i] = s
		}
		return nil
	})
	return held, errs, err
}

// SeeEnvelope records an envelope ID on its own (for kinds that change nothing else),
// refusing a replay with errReplay.
func (d *DB) SeeEnvelope(id string, at time.Time) error {
	return d.db.Update(func(tx *bolt.Tx) error { return seeEnvelope(tx, id, at) })
}

// forgetAfter is how long an envelope ID is remembered: an envelope older than MaxSkew is
// refused as stale anyway, so twice that leaves a margin for the clocks.
const forgetAfter = 2 * upload.MaxSkew

func seeEnvelope(tx *bolt.Tx, id string, at time.Time) error {
	b := tx.Bucket(bEnvelopes)
	if b.Get([]byte(id)) != nil {
		return fmt.Errorf("envelope %s: %w", id, errReplay)
	}
	if err := forgetOld(tx, at.Add(-forgetAfter)); err != nil {
		return err
	}
	ts := binary.BigEndian.AppendUint64(nil, uint64(at.UnixNano()))
	if err := tx.Bucket(bSeenAt).Put(append(ts, id...), nil); err != nil {
		return err
	}
	return b.Put([]byte(id), ts)
}

// forgetOld drops the envelope IDs seen before cutoff, so that the replay
// memory stays the size of the window rather than of the platform's life.
func forgetOld(tx *bolt.Tx, cutoff time.Time) error {
	byTime, ids := tx.Bucket(bSeenAt), tx.Bucket(bEnvelopes)
	limit := binary.BigEndian.AppendUint64(nil, uint64(cutoff.UnixNano()))
	c := byTime.Cursor()
	for k, _ := c.First(); len(k) > 8 && bytes.Compare(k[:8], limit) < 0; k, _ = c.First() {
		if err := ids.Delete(k[8:]); err != nil {
			return err
		}
		if err := byTime.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// Invoices calls f for every invoice held, in key order; sellerTaxID, when not empty,
// keeps only that seller's.
func (d *DB) Invoices(sellerTaxID string, f func(*Stored) error) error {
	return d.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bInvoices).ForEach(func(_, v []byte) error {
			var s Stored
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
			if sellerTaxID != "" && s.SellerTaxID != sellerTaxID {
				return nil
			}
			return f(&s)
		})
	})
}

// Count is how many invoices the platform holds.
func (d *DB) Count() (int, error) {
	var n int
	err := d.db.View(func(tx *bolt.Tx) error { n = tx.Bucket(bInvoices).Stats().KeyN; return nil })
	return n, err
}
