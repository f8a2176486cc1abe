package platform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	ksync "github.com/kaipiao/kaipiao/sync"
	bolt "go.etcd.io/bbolt"
)

// Order is an order an ERP posted; it stays deliverable until the workstation
// acknowledges that it stored it: a pull lost on the way is simply repeated.
type Order = ksync.Order

// orderKey is an order's key: its seller, a NUL, its ID. Order IDs are the seller's own
// (an ERP's numbering), so two sellers' "ERP-777" are two orders.
func orderKey(seller, id string) []byte { return []byte(seller + "\x00" + id) }

// PutOrder queues an order. Posting the same (seller, ID) again changes nothing and
// reports added false.
func (d *DB) PutOrder(o *Order) (added bool, err error) {
	err = d.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bOrders)
		k := orderKey(o.SellerTaxID, o.ID)
		if b.Get(k) != nil {
			return nil
		}
		raw, err := json.Marshal(o)
		if err != nil {
			return err
		}
		added = true
		return b.Put(k, raw)
	})
	return added, err
}

// rekeyOrders moves orders kept under their bare ID (before orders were keyed by seller)
// to their (seller, ID) key.
func rekeyOrders(tx *bolt.Tx) error {
	b := tx.Bucket(bOrders)
	type move struct{ from, to, raw []byte }
	var moves []move
	err := b.ForEach(func(k, v []byte) error {
		if bytes.IndexByte(k, 0) >= 0 {
			return nil
		}
		var o Order
		if err := json.Unmarshal(v, &o); err != nil {
			return fmt.Errorf("order %q: %w", k, err)
		}
		moves = append(moves, move{append([]byte(nil), k...), orderKey(o.SellerTaxID, o.ID), append([]byte(nil), v...)})
		return nil
	})
	if err != nil {
		return err
	}
	for _, m := range moves {
		if err := b.Delete(m.from); err != nil {
			return err
		}
		if err := b.Put(m.to, m.raw); err != nil {
			return err
		}
	}
	return nil
}

// PendingOrders returns up to n orders for sellerTaxID not yet acknowledged.
func (d *DB) PendingOrders(sellerTaxID string, n int) ([]Order, error) {
	var out []Order
	prefix := orderKey(sellerTaxID, "")
	err := d.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bOrders).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(out) < n; k, v = c.Next() {
			var o Order
			if err := json.Unmarshal(v, &o); err != nil {
				return fmt.Errorf("order %q: %w", k, err)
			}
			if o.SellerTaxID == sellerTaxID && o.AckedAt.IsZero() {
				out = append(out, o)
			}
		}
		return nil
	})
	return out, err
}

// AckOrders marks the seller's orders ids as delivered; other sellers' IDs and unknown
// ones are ignored. It returns how many changed.
func (d *DB) AckOrders(sellerTaxID string, ids []string, at time.Time) (int, error) {
	n := 0
	err := d.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bOrders)
		for _, id := range ids {
			raw := b.Get(orderKey(sellerTaxID, id))
			if raw == nil {
				continue
			}
			var o Order
			if err := json.Unmarshal(raw, &o); err != nil {
				return fmt.Errorf("order %s: %w", id, err)
			}
			if o.SellerTaxID != sellerTaxID || !o.AckedAt.IsZero() {
				continue
			}
			o.AckedAt = at
			raw, err := json.Marshal(&o)
			if err != nil {
				return err
			}
			if err := b.Put(orderKey(sellerTaxID, id), raw); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func uploadKey(machine string, from, through uint64) []byte {
	return []byte(machine + "\x00" + strconv.FormatUint(from, 10) + "\x00" + strconv.FormatUint(through, 10))
}

// UploadAck returns the acknowledgement given before for the packet machine/from/through,
// or calls make and keeps what it returns: the device takes the same acknowledgement
// again (its request ID is idempotent) but would refuse a different one under that ID.
func (d *DB) UploadAck(machine string, from, through uint64, make func() ([]byte, error)) ([]byte, error) {
	var out []byte
	err := d.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bUploads)
		k := uploadKey(machine, from, through)
		if raw := b.Get(k); raw != nil {
			out = append([]byte(nil), raw...)
			return nil
		}
		raw, err := make()
		if err != nil {
			return err
		}
		out = raw
		return b.Put(k, raw)
	})
	return out, err
}
