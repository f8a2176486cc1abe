package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Outbox verbs: every issued invoice joins the outbox in the transaction that stores it,
// and leaves it only when the platform's signed acknowledgement is stored (Ack) or it is
// refused for good (DeadLetter).

// Pending returns up to n records still to sync, oldest first.
func (s *DB) Pending(n int) ([]*Record, error) { return s.recordsIn(bOutbox, n) }

// recordsIn reads up to n (n < 0: all) of the records a bucket keyed by invoice id
// lists, oldest first.
func (s *DB) recordsIn(bucket []byte, n int) ([]*Record, error) {
	var out []*Record
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucket).Cursor()
		for k, _ := c.First(); k != nil && (n < 0 || len(out) < n); k, _ = c.Next() {
			rec, err := getRecord(tx, k)
			if err != nil {
				return err
			}
			out = append(out, rec)
		}
		return nil
	})
	return out, err
}

// PendingCount is the outbox's length and the dead letters' count.
func (s *DB) PendingCount() (queued, dead int, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		queued, dead = tx.Bucket(bOutbox).Stats().KeyN, tx.Bucket(bDead).Stats().KeyN
		return nil
	})
	return queued, dead, err
}

// Ack records the platform's acknowledgement of an invoice and takes it out of the
// outbox, in one transaction. Acknowledging again is a no-op.
func (s *DB) Ack(id uint64, ack []byte, at time.Time) error {
	return s.updateRecord(id, func(tx *bolt.Tx, rec *Record) error {
		if rec.Sync == SyncAcked {
			return nil
		}
		rec.Sync, rec.Ack, rec.AckedAt, rec.SyncError = SyncAcked, ack, at, ""
		if err := tx.Bucket(bOutbox).Delete(be64(id)); err != nil {
			return err
		}
		if err := tx.Bucket(bDead).Delete(be64(id)); err != nil {
			return err
		}
		return s.appendAudit(tx, "sync", "ack", rec.Invoice.RequestID, rec.Invoice.Code+":"+rec.Invoice.Number)
	})
}

// DeadLetter moves an invoice the platform refused for good out of the outbox, with the
// reason, for the clerk to see and retry.
func (s *DB) DeadLetter(id uint64, reason string) error {
	return s.updateRecord(id, func(tx *bolt.Tx, rec *Record) error {
		rec.Sync, rec.SyncError = SyncDead, reason
		if err := tx.Bucket(bOutbox).Delete(be64(id)); err != nil {
			return err
		}
		if err := tx.Bucket(bDead).Put(be64(id), []byte(reason)); err != nil {
			return err
		}
		return s.appendAudit(tx, "sync", "dead", rec.Invoice.RequestID, reason)
	})
}

// Retry puts a dead letter back into the outbox.
func (s *DB) Retry(id uint64, operator string) error {
	return s.updateRecord(id, func(tx *bolt.Tx, rec *Record) error {
		if rec.Sync != SyncDead {
			return nil
		}
		rec.Sync = SyncQueued
		if err := tx.Bucket(bDead).Delete(be64(id)); err != nil {
			return err
		}
		if err := tx.Bucket(bOutbox).Put(be64(id), []byte(rec.Invoice.RequestID)); err != nil {
			return err
		}
		return s.appendAudit(tx, operator, "retry", rec.Invoice.RequestID, rec.SyncError)
	})
}

func (s *DB) updateRecord(id uint64, f func(tx *bolt.Tx, rec *Record) error) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		rec, err := getRecord(tx, be64(id))
		if err != nil {
			return err
		}
		if err := f(tx, rec); err != nil {
			return err
		}
		raw, err := json.Marshal(rec)
		if err != nil {
			return fmt.Errorf("store: invoice #%d: %w", id, err)
		}
		return tx.Bucket(bInvoices).Put(be64(id), raw)
	})
}

// DeadLetters lists the invoices the platform refused for good, oldest first, with the
// reason in each record's SyncError.
func (s *DB) DeadLetters() ([]*Record, error) { return s.recordsIn(bDead, -1) }
