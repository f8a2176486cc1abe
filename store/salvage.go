package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	bolt "go.etcd.io/bbolt"
)

// SalvageReport says what Salvage took from a damaged file.
type SalvageReport struct {
	Invoices int      `json:"invoices"` // records that decoded, imported with their indexes
	Entries  int      `json:"entries"`  // settings, operators, master data, mappings, pulled orders
	Lost     []string `json:"lost,omitempty"`
}

// salvaged are the buckets copied entry by entry; the invoices are re-imported (which
// rebuilds their indexes and puts them back in the outbox); the indexes, intents and
// outboxes are rebuilt, not copied; the audit log starts again (the damaged file, kept
// aside, holds the old one).
var salvaged = [][]byte{bOperators, bMDBuyers, bMDGoods, bMappings, bPulled}

// salvagedMeta are the settings kept in the meta bucket.
var salvagedMeta = [][]byte{keySeller, keyConnection, keyMailSettings}

// Salvage copies what is readable of the damaged file from into the store s (a new,
// empty one): every invoice record that decodes (imported as from the device's journal,
// so the platform's receipts come back on the next sync), the settings, operators,
// master data, column mappings and pulled orders. A bucket that faults is reported in
// Lost and skipped; nothing panics.
func (s *DB) Salvage(from string, operator string) (SalvageReport, error) {
	var rep SalvageReport
	if err := preflight(from); err != nil {
		rep.Lost = append(rep.Lost, "everything: "+err.Error())
		return rep, s.Audit(operator, "store.repair", from, "nothing salvaged: "+err.Error())
	}
	old, err := openBolt(from, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		rep.Lost = append(rep.Lost, "everything: "+err.Error())
		return rep, s.Audit(operator, "store.repair", from, "nothing salvaged: "+err.Error())
	}
	defer old.Close()
	src := safeDB{old}
	var receipts []invoice.Receipt
	err = src.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bInvoices)
		if b == nil {
			return errors.New("no invoices bucket")
		}
		return b.ForEach(func(k, v []byte) error {
			rec, err := DecodeRecord(v)
			if err != nil {
				rep.Lost = append(rep.Lost, fmt.Sprintf("invoices key %d: %v", u64(k), err))
				return nil
			}
			receipts = append(receipts, invoice.Receipt{Invoice: rec.Invoice, Counter: rec.Counter})
			return nil
		})
	})
	if err != nil {
		rep.Lost = append(rep.Lost, "invoices (some): "+err.Error())
	}
	for _, r := range receipts {
		// One by one: a record that conflicts with one already taken is reported, not fatal.
		if err := s.ImportIssued(r); err != nil {
			rep.Lost = append(rep.Lost, fmt.Sprintf("invoice %s:%s: %v", r.Invoice.Code, r.Invoice.Number, err))
			continue
		}
		rep.Invoices++
	}
	for _, name := range salvaged {
		n, err := copyBucket(src, s, name, nil)
		rep.Entries += n
		if err != nil {
			rep.Lost = append(rep.Lost, fmt.Sprintf("%s: %v", name, err))
		}
	}
	n, err := copyBucket(src, s, bMeta, salvagedMeta)
	rep.Entries += n
	if err != nil {
		rep.Lost = append(rep.Lost, fmt.Sprintf("settings: %v", err))
	}
	return rep, s.Audit(operator, "store.repair", from,
		fmt.Sprintf("salvaged %d invoices and %d other entries; %d losses", rep.Invoices, rep.Entries, len(rep.Lost)))
}

// copyBucket copies a bucket's readable entries (only keys, when given) from src to dst;
// entries dst already has are left.
func copyBucket(src safeDB, dst *DB, name []byte, keys [][]byte) (int, error) {
	type kv struct{ k, v []byte }
	var got []kv
	err := src.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(name)
		if b == nil {
			return nil
		}
		if keys != nil {
			for _, k := range keys {
				if v := b.Get(k); v != nil {
					got = append(got, kv{k, append([]byte(nil), v...)})
				}
			}
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			got = append(got, kv{append([]byte(nil), k...), append([]byte(nil), v...)})
			return nil
		})
	})
	n := 0
	werr := dst.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(name)
		if err != nil {
			return err
		}
		for _, e := range got {
			if b.Get(e.k) != nil {
				continue
			}
			if err := b.Put(e.k, e.v); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, errors.Join(err, werr)
}
