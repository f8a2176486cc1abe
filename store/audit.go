package store

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/emmansun/gmsm/sm3"
	bolt "go.etcd.io/bbolt"
)

// ErrAuditBroken: the audit log's hash chain does not verify: an entry was changed,
// removed or inserted outside the store.
var ErrAuditBroken = errors.New("the audit log has been tampered with")

// AuditEntry is one line of the audit log: who did what, when. Each entry's Hash is the
// SM3 hash of the previous entry's hash and this entry's content, so changing or deleting
// any entry breaks every hash after it; the head (last sequence and hash) is kept apart,
// so removing the newest entries is caught too.
type AuditEntry struct {
	Seq      uint64    `json:"seq"`
	At       time.Time `json:"at"`
	Operator string    `json:"operator"`
	Action   string    `json:"action"`
	Subject  string    `json:"subject"`
	Detail   string    `json:"detail,omitempty"`
	Prev     string    `json:"prev"`
	Hash     string    `json:"hash"`
}

var keyAuditHead = []byte("audit_head") // seq (8 bytes) + hash (32 bytes)

// hashOf computes an entry's chain hash over everything but the hash itself.
func (e *AuditEntry) hashOf() string {
	c := *e
	c.Hash = ""
	body, _ := json.Marshal(&c)
	sum := sm3.Sum(body)
	return hex.EncodeToString(sum[:])
}

// Audit appends an entry on its own, for actions that change nothing else in the store
// (a log-in, a PDF exported). State changes append theirs inside their own transaction.
func (s *DB) Audit(operator, action, subject, detail string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return s.appendAudit(tx, operator, action, subject, detail)
	})
}

func (s *DB) appendAudit(tx *bolt.Tx, operator, action, subject, detail string) error {
	meta := tx.Bucket(bMeta)
	var seq uint64
	prev := ""
	if head := meta.Get(keyAuditHead); len(head) == 40 {
		seq, prev = u64(head[:8]), hex.EncodeToString(head[8:])
	}
	e := AuditEntry{Seq: seq + 1, At: s.now().UTC(), Operator: operator, Action: action, Subject: subject,
		Detail: detail, Prev: prev}
	e.Hash = e.hashOf()
	raw, err := json.Marshal(&e)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bAudit).Put(be64(e.Seq), raw); err != nil {
		return err
	}
	sum, _ := hex.DecodeString(e.Hash)
	return meta.Put(keyAuditHead, append(be64(e.Seq), sum...))
}

// AuditLog returns the entries from seq on (1 is the first), at most n.
func (s *DB) AuditLog(from uint64, n int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bAudit).Cursor()
		for k, v := c.Seek(be64(from)); k != nil && len(out) < n; k, v = c.Next() {
			var e AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// VerifyAudit walks the whole chain. It returns the number of entries, or an error
// wrapping ErrAuditBroken that names the first entry that fails.
func (s *DB) VerifyAudit() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		prev := ""
		var want uint64 = 1
		err := tx.Bucket(bAudit).ForEach(func(k, v []byte) error {
			var e AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("audit entry %d is unreadable: %w", u64(k), ErrAuditBroken)
			}
			switch {
			case u64(k) != want || e.Seq != want:
				return fmt.Errorf("audit entry %d is missing (found %d): %w", want, u64(k), ErrAuditBroken)
			case e.Prev != prev:
				return fmt.Errorf("audit entry %d does not follow entry %d: %w", e.Seq, e.Seq-1, ErrAuditBroken)
			case e.hashOf() != e.Hash:
				return fmt.Errorf("audit entry %d was modified: %w", e.Seq, ErrAuditBroken)
			}
			prev, want, n = e.Hash, want+1, n+1
			return nil
		})
		if err != nil {
			return err
		}
		head := tx.Bucket(bMeta).Get(keyAuditHead)
		if n == 0 && head == nil {
			return nil
		}
		if len(head) != 40 {
			return fmt.Errorf("the audit log's head is missing: %w", ErrAuditBroken)
		}
		if u64(head[:8]) != uint64(n) || hex.EncodeToString(head[8:]) != prev {
			return fmt.Errorf("the audit log ends at entry %d but its head says %d: %w", n, u64(head[:8]), ErrAuditBroken)
		}
		return nil
	})
	return n, err
}
