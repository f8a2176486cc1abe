package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Sync verbs beyond the single-entry ones of outbox.go: acknowledging a whole batch in one
// transaction (one fsync for hundreds of invoices keeps the uploader's throughput), and
// the orders the platform assigned to this enterprise.

// bPulled holds the orders pulled from the platform: order ID → PulledOrder JSON.
// Created by migration 1 → 2.
var bPulled = []byte("pulled_orders")

// AckEntry is one acknowledgement of AckBatch.
type AckEntry struct {
	ID  uint64    // the record's ID (Record.ID)
	Ack []byte    // the platform's signed receipt, kept as evidence
	At  time.Time // when the platform acknowledged it
}

// AckBatch stores every acknowledgement and takes the invoices out of the outbox (and
// the dead letters) in one transaction: either all are stored or none. An invoice already
// acknowledged keeps its first acknowledgement; an unknown ID fails the whole batch with
// ErrNotFound.
func (s *DB) AckBatch(acks []AckEntry) error {
	if len(acks) == 0 {
		return nil
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, a := range acks {
			idk := be64(a.ID)
			rec, err := getRecord(tx, idk)
			if err != nil {
				return err
			}
			if rec.Sync == SyncAcked {
				continue
			}
			rec.Sync, rec.Ack, rec.AckedAt, rec.SyncError = SyncAcked, a.Ack, a.At, ""
			raw, err := json.Marshal(rec)
			if err != nil {
				return fmt.Errorf("store: invoice #%d: %w", a.ID, err)
			}
			if err := tx.Bucket(bInvoices).Put(idk, raw); err != nil {
				return err
			}
			if err := tx.Bucket(bOutbox).Delete(idk); err != nil {
				return err
			}
			if err := tx.Bucket(bDead).Delete(idk); err != nil {
				return err
			}
			if err := s.appendAudit(tx, "sync", "ack", rec.Invoice.RequestID, rec.Invoice.Code+":"+rec.Invoice.Number); err != nil {
				return err
			}
		}
		return nil
	})
}

// PulledOrder is an order the platform assigned to this enterprise, as pulled.
type PulledOrder struct {
	ID         string          `json:"id"`    // the platform's order ID (also the order's request ID)
	Order      json.RawMessage `json:"order"` // the order as the ERP posted it (order.md)
	ReceivedAt time.Time       `json:"received_at"`
}

// PutPulledOrders stores orders in one transaction and returns how many were new. An order
// already stored is left as it was, so pulling the same order twice (the platform
// redelivers until it hears our acknowledgement) keeps one copy.
func (s *DB) PutPulledOrders(orders []PulledOrder) (added int, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bPulled)
		for _, o := range orders {
			if o.ID == "" {
				return fmt.Errorf("store: a pulled order without an ID: %w", ErrNotFound)
			}
			if b.Get([]byte(o.ID)) != nil {
				continue
			}
			raw, err := json.Marshal(o)
			if err != nil {
				return fmt.Errorf("store: pulled order %s: %w", o.ID, err)
			}
			if err := b.Put([]byte(o.ID), raw); err != nil {
				return err
			}
			if err := s.appendAudit(tx, "sync", "pull", o.ID, ""); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	if err != nil {
		added = 0
	}
	return added, err
}

// PulledOrders returns the stored pulled orders in order-ID order.
func (s *DB) PulledOrders() ([]PulledOrder, error) {
	var out []PulledOrder
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bPulled).ForEach(func(k, v []byte) error {
			var o PulledOrder
			if err := json.Unmarshal(v, &o); err != nil {
				return fmt.Errorf("store: pulled order %s: %w", k, err)
			}
			out = append(out, o)
			return nil
		})
	})
	return out, err
}
