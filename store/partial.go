package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/kaipiao/kaipiao/invoice"
	bolt "go.etcd.io/bbolt"
)

// Partly issued orders live in the meta bucket under this prefix (no schema change): an
// order that splits into several invoices and stopped part-way, until the rest is issued.
var prefixPartly = []byte("partly_issued/")

func partlyKey(orderID string) []byte { return append(append([]byte{}, prefixPartly...), orderID...) }

var _ invoice.PartialStore = (*DB)(nil)

// MarkPartlyIssued records (or updates) an order as partly issued, with the audit log.
func (s *DB) MarkPartlyIssued(p invoice.PartlyIssued, operator string) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bMeta).Put(partlyKey(p.OrderID), raw); err != nil {
			return err
		}
		return s.appendAudit(tx, operator, "order.partly_issued", p.OrderID,
			fmt.Sprintf("%d of %d invoices issued: %s", p.Issued, p.Parts, p.Reason))
	})
}

// ClearPartlyIssued removes the mark once the order is complete. It writes nothing when
// the order was never marked, so that a batch of whole orders costs no extra commit.
func (s *DB) ClearPartlyIssued(orderID, operator string) error {
	var marked bool
	if err := s.db.View(func(tx *bolt.Tx) error {
		marked = tx.Bucket(bMeta).Get(partlyKey(orderID)) != nil
		return nil
	}); err != nil || !marked {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bMeta).Delete(partlyKey(orderID)); err != nil {
			return err
		}
		return s.appendAudit(tx, operator, "order.completed", orderID, "the rest of a partly issued order was issued")
	})
}

// PartlyIssuedOrders lists the orders marked partly issued, by order ID.
func (s *DB) PartlyIssuedOrders() ([]invoice.PartlyIssued, error) {
	var out []invoice.PartlyIssued
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bMeta).Cursor()
		for k, v := c.Seek(prefixPartly); k != nil && bytes.HasPrefix(k, prefixPartly); k, v = c.Next() {
			var p invoice.PartlyIssued
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("store: partly issued order %q: %w", k[len(prefixPartly):], err)
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}
