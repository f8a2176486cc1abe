package store

import (
	"fmt"

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
// master data, column mappings and pulled orders. The damaged file is read page by page
// without bbolt (pages.go), so a page that is damaged costs what hangs below it, reported
// in Lost, and nothing else: no fault, no loop.
func (s *DB) Salvage(from string, operator string) (SalvageReport, error) {
	var rep SalvageReport
	lost := func(err error) (SalvageReport, error) {
		rep.Lost = append(rep.Lost, "everything: "+err.Error())
		return rep, s.Audit(operator, "store.repair", from, "nothing salvaged: "+err.Error())
	}
	p, err := openPageFile(from, ErrDamaged)
	if err != nil {
		return lost(err)
	}
	defer p.Close()
	type kv struct{ k, v []byte }
	entries := map[string][]kv{}
	for _, d := range p.walk(true, func(bucket string, k, v []byte) {
		// The walk's pages are its own fresh reads: k and v may be kept as they are.
		entries[bucket] = append(entries[bucket], kv{k, v})
	}) {
		rep.Lost = append(rep.Lost, d.String())
	}
	for _, e := range entries[string(bInvoices)] {
		rec, err := DecodeRecord(e.v)
		if err != nil {
			rep.Lost = append(rep.Lost, fmt.Sprintf("invoices key %d: %v", u64(e.k), err))
			continue
		}
		// One by one: a record that conflicts with one already taken is reported, not fatal.
		r := invoice.Receipt{Invoice: rec.Invoice, Counter: rec.Counter}
		if err := s.ImportIssued(r); err != nil {
			rep.Lost = append(rep.Lost, fmt.Sprintf("invoice %s:%s: %v", r.Invoice.Code, r.Invoice.Number, err))
			continue
		}
		rep.Invoices++
	}
	keep := map[string]bool{}
	for _, k := range salvagedMeta {
		keep[string(k)] = true
	}
	for _, name := range append(append([][]byte{}, salvaged...), bMeta) {
		var got []kv
		for _, e := range entries[string(name)] {
			if string(name) != string(bMeta) || keep[string(e.k)] {
				got = append(got, e)
			}
		}
		n, err := s.putMissing(name, func(put func(k, v []byte) error) error {
			for _, e := range got {
				if err := put(e.k, e.v); err != nil {
					return err
				}
			}
			return nil
		})
		rep.Entries += n
		if err != nil {
			rep.Lost = append(rep.Lost, fmt.Sprintf("%s: %v", name, err))
		}
	}
	return rep, s.Audit(operator, "store.repair", from,
		fmt.Sprintf("salvaged %d invoices and %d other entries; %d losses", rep.Invoices, rep.Entries, len(rep.Lost)))
}

// putMissing puts the entries each yields into bucket name, leaving those the bucket
// already has; it returns how many it put.
func (s *DB) putMissing(name []byte, each func(put func(k, v []byte) error) error) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		n = 0 // Update does not retry, but the count must match what committed
		b, err := tx.CreateBucketIfNotExists(name)
		if err != nil {
			return err
		}
		return each(func(k, v []byte) error {
			if b.Get(k) != nil {
				return nil
			}
			n++
			return b.Put(k, v)
		})
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
