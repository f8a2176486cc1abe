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

func journalKey(machine string) []byte { return []byte("journal_through/" + machine) }

// JournalThrough is the device journal counter up to which this store is known to hold
// every invoice the device (by machine number) issued: reconciliation reads on from it.
func (s *DB) JournalThrough(machine string) (uint64, error) {
	var n uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		n = u64(tx.Bucket(bMeta).Get(journalKey(machine)))
		return nil
	})
	return n, err
}

// SetJournalThrough records how far reconciliation has compared the device's journal.
func (s *DB) SetJournalThrough(machine string, counter uint64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bMeta).Put(journalKey(machine), be64(counter))
	})
}

var keyConnection = []byte("connection")

// Connection is where the workstation's device and platform are: the device address
// ("sim", or a serial port path with an optional ?baud=N) and the platform's base URL.
// Command-line flags override it; the first run and the settings save it.
type Connection struct {
	Device   string `json:"device"`
	Platform string `json:"platform,omitempty"`
}

// Connection returns the saved connection; the zero value until one is saved.
func (s *DB) Connection() (Connection, error) {
	var c Connection
	err := s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bMeta).Get(keyConnection)
		if raw == nil {
			return nil
		}
		return json.Unmarshal(raw, &c)
	})
	return c, err
}

// SetConnection saves where the device and the platform are, with an audit entry.
func (s *DB) SetConnection(c Connection, operator string) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bMeta).Put(keyConnection, raw); err != nil {
			return err
		}
		return s.appendAudit(tx, operator, "settings", "connection", c.Device+" "+c.Platform)
	})
}
