package store

import (
	"encoding/json"

	"github.com/kaipiao/kaipiao/invoice"
	bolt "go.etcd.io/bbolt"
)

var keySeller = []byte("seller")

// Seller returns the enterprise's details as printed on its invoices; the zero Party
// until they are set.
func (s *DB) Seller() (invoice.Party, error) {
	var p invoice.Party
	err := s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bMeta).Get(keySeller)
		if raw == nil {
			return nil
		}
		return json.Unmarshal(raw, &p)
	})
	return p, err
}

// SetSeller stores the enterprise's details, with an audit entry.
func (s *DB) SetSeller(p invoice.Party, operator string) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bMeta).Put(keySeller, raw); err != nil {
			return err
		}
		return s.appendAudit(tx, operator, "settings", "seller", p.Name+" "+p.TaxID)
	})
}
