package platform

import (
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

// PutOrder queues an order. Posting the same ID again changes nothing and reports
// added false.
func (d *DB) PutOrder(o *Order) (added bool, err error) {
	err = d.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bOrders)
		if b.Get([]byte(o.ID)) != nil {
			return nil
		}
		raw, err := json.Marshal(o)
		if err != nil {
			return err
		}
		added = true
		return b.Put([]byte(o.ID), raw)
	})
	return added, err
}

// PendingOrders returns up to n orders for sellerTaxID not yet acknowledged.
func (d *DB) PendingOrders(sellerTaxID string, n int) ([]Order, error) {
	var out []Order
	err := d.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bOrders).Cursor()
		for k, v := c.First(); k != nil && len(out) < n; k, v = c.Next() {
			var o Order
			if err := json.Unmarshal(v, &o); err != nil {
				return fmt.Errorf("order %s: %w", k, err)
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
			raw := b.Get([]byte(id))
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
			if err := b.Put([]byte(id), raw); err != nil {
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
