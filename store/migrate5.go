package store

import (
	"encoding/json"
	"fmt"

	"github.com/kaipiao/kaipiao/invoice"
	bolt "go.etcd.io/bbolt"
)

// migrateRecords (schema 4 → 5) rewrites every invoice record and every open intent in
// the store's own record format (record.go) and moves their payload hashes to version 2
// (invoice.PayloadHash), so that every earlier order still replays.
//
// A version-1 hash is over the draft's whole JSON form. It is replaced only when the
// stored invoice reproduces it exactly — then the stored invoice is, field for field, the
// draft it was made from, and the version-2 hash computed from it is the one the order
// gives today. Otherwise (a device that changed a field of the draft, say) the version-1
// hash stays, and invoice.SamePayload compares the order in version 1.
func migrateRecords(tx *bolt.Tx) error {
	recs := tx.Bucket(bInvoices)
	type kv struct{ k, v []byte }
	var rewrite []kv
	err := recs.ForEach(func(k, v []byte) error {
		var rec Record
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("invoice #%d: %w", u64(k), err)
		}
		if rec.Invoice == nil {
			return fmt.Errorf("invoice #%d: the record holds no invoice", u64(k))
		}
		rec.PayloadHash = upgradeHash(rec.PayloadHash, rec.Invoice)
		raw, err := json.Marshal(&rec)
		if err != nil {
			return err
		}
		rewrite = append(rewrite, kv{append([]byte{}, k...), raw})
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range rewrite {
		if err := recs.Put(r.k, r.v); err != nil {
			return err
		}
	}
	intents := tx.Bucket(bIntents)
	rewrite = rewrite[:0]
	err = intents.ForEach(func(k, v []byte) error {
		in, err := decodeIntent(v)
		if err != nil {
			return fmt.Errorf("intent %s: %w", k, err)
		}
		if in.Draft != nil {
			in.PayloadHash = upgradeHash(in.PayloadHash, in.Draft)
		}
		raw, err := encodeIntent(&in)
		if err != nil {
			return err
		}
		rewrite = append(rewrite, kv{append([]byte{}, k...), raw})
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range rewrite {
		if err := intents.Put(r.k, r.v); err != nil {
			return err
		}
	}
	return nil
}

// upgradeHash is the version-2 hash of inv when the version-1 hash old is inv's own,
// and old otherwise (an empty hash, of an imported invoice, stays empty).
func upgradeHash(old string, inv *invoice.Invoice) string {
	if old == "" || old != invoice.PayloadHashV1(inv) {
		return old
	}
	return invoice.PayloadHash(inv)
}
