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
	err := rewriteBucket(tx.Bucket(bInvoices), func(k, v []byte) ([]byte, error) {
		var rec Record
		if err := json.Unmarshal(v, &rec); err != nil {
			return nil, fmt.Errorf("invoice #%d: %w", u64(k), err)
		}
		if rec.Invoice == nil {
			return nil, fmt.Errorf("invoice #%d: the record holds no invoice", u64(k))
		}
		rec.PayloadHash = upgradeHash(rec.PayloadHash, rec.Invoice)
		return json.Marshal(&rec)
	})
	if err != nil {
		return err
	}
	return rewriteBucket(tx.Bucket(bIntents), func(k, v []byte) ([]byte, error) {
		in, err := decodeIntent(v)
		if err != nil {
			return nil, fmt.Errorf("intent %s: %w", k, err)
		}
		if in.Draft != nil {
			in.PayloadHash = upgradeHash(in.PayloadHash, in.Draft)
		}
		return encodeIntent(&in)
	})
}

// rewriteBucket replaces every value of b by what f makes of it, a chunk at a time: a
// cursor must not run over keys being written, and a year's invoices need not all be in
// memory at once.
func rewriteBucket(b *bolt.Bucket, f func(k, v []byte) ([]byte, error)) error {
	const chunk = 512
	type kv struct{ k, v []byte }
	var after []byte
	for {
		var batch []kv
		c := b.Cursor()
		k, v := c.First()
		if after != nil {
			if k, v = c.Seek(after); k != nil && string(k) == string(after) {
				k, v = c.Next()
			}
		}
		for ; k != nil && len(batch) < chunk; k, v = c.Next() {
			raw, err := f(k, v)
			if err != nil {
				return err
			}
			batch = append(batch, kv{append([]byte{}, k...), raw})
		}
		for _, e := range batch {
			if err := b.Put(e.k, e.v); err != nil {
				return err
			}
		}
		if len(batch) < chunk {
			return nil
		}
		after = batch[len(batch)-1].k
	}
}

// upgradeHash is the version-2 hash of inv when the version-1 hash old is inv's own,
// and old otherwise (an empty hash, of an imported invoice, stays empty).
func upgradeHash(old string, inv *invoice.Invoice) string {
	if old == "" || old != invoice.PayloadHashV1(inv) {
		return old
	}
	return invoice.PayloadHash(inv)
}
