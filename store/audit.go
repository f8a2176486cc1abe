package store

import (
	"github.com/kaipiao/kaipiao/invoice"

	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/emmansun/gmsm/sm3"
	bolt "go.etcd.io/bbolt"
)

// ErrAuditBroken: the audit log's hash chain does not verify: an entry was changed,
// removed or inserted outside the store.
var ErrAuditBroken = invoice.NewSentinel("audit.broken")

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
	// MAC is HMAC-SM3 of Hash under the workstation's audit key, which lives outside the
	// data folder (workstation.AuditKeyPath): with the file alone, nobody can recompute a
	// rewritten chain. Empty on entries written before the key (or without one).
	MAC string `json:"mac,omitempty"`
}

var keyAuditHead = []byte("audit_head") // seq (8 bytes) + hash (32 bytes)

// hashOf computes an entry's chain hash over everything but the hash itself.
func (e *AuditEntry) hashOf() string {
	c := *e
	c.Hash, c.MAC = "", ""
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
	if s.auditKey != nil {
		e.MAC = s.macOf(e.Hash)
	}
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
		keyed, lastSealed := false, false
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
			case s.auditKey != nil && e.MAC == "" && keyed:
				return fmt.Errorf("audit entry %d lacks the key's seal that the entries before it carry: %w", e.Seq, ErrAuditBroken)
			case s.auditKey != nil && e.MAC != "" && !hmac.Equal([]byte(e.MAC), []byte(s.macOf(e.Hash))):
				return fmt.Errorf("audit entry %d was rewritten without the audit key: %w", e.Seq, ErrAuditBroken)
			}
			keyed = keyed || e.MAC != ""
			lastSealed = e.MAC != ""
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
		if s.auditKey != nil && n > 0 && !lastSealed {
			// Every entry written with the key is sealed, and the last one's seal covers
			// the whole chain before it: an unsealed last entry was not written here.
			return fmt.Errorf("audit entry %d, the last, is not sealed with the audit key: %w", n, ErrAuditBroken)
		}
		if u64(head[:8]) != uint64(n) || hex.EncodeToString(head[8:]) != prev {
			return fmt.Errorf("the audit log ends at entry %d but its head says %d: %w", n, u64(head[:8]), ErrAuditBroken)
		}
		return checkAnchor(tx, tx.Bucket(bMeta).Get(keyAuditAnchor))
	})
	return n, err
}

// sealHead appends a sealed entry when the log's last entry is not sealed: a store
// written before it had an audit key gets one, whose seal covers the chain so far.
func (s *DB) sealHead() error {
	if s.auditKey == nil {
		return nil
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		head := tx.Bucket(bMeta).Get(keyAuditHead)
		if len(head) != 40 {
			return nil
		}
		var e AuditEntry
		if raw := tx.Bucket(bAudit).Get(head[:8]); raw != nil && json.Unmarshal(raw, &e) == nil && e.MAC != "" {
			return nil
		}
		return s.appendAudit(tx, "system", "audit.seal", "", "the audit log is sealed with the workstation's key from here on")
	})
}

// macOf seals a chain hash with the audit key.
func (s *DB) macOf(hash string) string {
	m := hmac.New(sm3.New, s.auditKey)
	m.Write([]byte(hash))
	return hex.EncodeToString(m.Sum(nil))
}

// keyAuditAnchor is the last head the service platform acknowledged: seq (8) + hash (32).
var keyAuditAnchor = []byte("audit_anchor")

// AuditHead is the audit log's last entry: what the workstation anchors at the platform
// with each sync.
func (s *DB) AuditHead() (seq uint64, hash string, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		if head := tx.Bucket(bMeta).Get(keyAuditHead); len(head) == 40 {
			seq, hash = u64(head[:8]), hex.EncodeToString(head[8:])
		}
		return nil
	})
	return seq, hash, err
}

// CheckAnchor compares the platform's anchor — the head it was sent before — with the
// log: the entry at seq must still be there with that hash. A log rewritten since, even
// with its chain and seals recomputed, fails (ErrAuditBroken). A good anchor is kept, so
// that VerifyAudit checks it offline too.
func (s *DB) CheckAnchor(seq uint64, hash string) error {
	sum, err := hex.DecodeString(hash)
	if seq == 0 {
		return nil
	}
	if err != nil || len(sum) != 32 {
		return fmt.Errorf("the platform's audit anchor %d %q is malformed", seq, hash)
	}
	anchor := append(be64(seq), sum...)
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := checkAnchor(tx, anchor); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(keyAuditAnchor, anchor)
	})
}

func checkAnchor(tx *bolt.Tx, anchor []byte) error {
	if len(anchor) != 40 {
		return nil
	}
	seq, want := u64(anchor[:8]), hex.EncodeToString(anchor[8:])
	raw := tx.Bucket(bAudit).Get(be64(seq))
	var e AuditEntry
	if raw == nil || json.Unmarshal(raw, &e) != nil || e.Hash != want {
		return fmt.Errorf("audit entry %d is not the one anchored at the service platform (the log was rewritten after it): %w", seq, ErrAuditBroken)
	}
	return nil
}
