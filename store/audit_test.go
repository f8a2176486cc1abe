package store

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func auditFive(t *testing.T) *DB {
	t.Helper()
	db := openTemp(t)
	for i, action := range []string{"login", "settings", "issue", "issue", "logout"} {
		if err := db.Audit("张三", action, "subject", string(rune('a'+i))); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.VerifyAudit(); n != 5 || err != nil {
		t.Fatalf("a clean log: %d, %v", n, err)
	}
	return db
}

func TestAuditDetectsAModifiedEntry(t *testing.T) {
	db := auditFive(t)
	db.db.Update(func(tx *bolt.Tx) error {
		var e AuditEntry
		json.Unmarshal(tx.Bucket(bAudit).Get(be64(3)), &e)
		e.Operator = "李四" // someone rewrites who issued
		raw, _ := json.Marshal(e)
		return tx.Bucket(bAudit).Put(be64(3), raw)
	})
	if _, err := db.VerifyAudit(); !errors.Is(err, ErrAuditBroken) {
		t.Fatalf("want ErrAuditBroken, got %v", err)
	}
}

func TestAuditDetectsAModifiedEntryWithItsHashRecomputed(t *testing.T) {
	db := auditFive(t)
	db.db.Update(func(tx *bolt.Tx) error {
		var e AuditEntry
		json.Unmarshal(tx.Bucket(bAudit).Get(be64(2)), &e)
		e.Detail = "changed"
		e.Hash = e.hashOf()
		raw, _ := json.Marshal(e)
		return tx.Bucket(bAudit).Put(be64(2), raw)
	})
	if _, err := db.VerifyAudit(); !errors.Is(err, ErrAuditBroken) {
		t.Fatalf("the next entry's link must break: %v", err)
	}
}

func TestAuditDetectsADeletedEntry(t *testing.T) {
	for _, seq := range []uint64{1, 3, 5} {
		db := auditFive(t)
		db.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bAudit).Delete(be64(seq)) })
		if _, err := db.VerifyAudit(); !errors.Is(err, ErrAuditBroken) {
			t.Fatalf("deleting entry %d: want ErrAuditBroken, got %v", seq, err)
		}
	}
}

func TestAuditAppendsAfterReopen(t *testing.T) {
	db := auditFive(t)
	path := db.Path()
	db.Close()
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Audit("admin", "login", "", "")
	if n, err := db.VerifyAudit(); n != 6 || err != nil {
		t.Fatalf("%d %v", n, err)
	}
}

// The review deleted 20 failed log-ins, edited an entry and recomputed the chain, and
// the log verified clean. With the audit key (kept outside the data folder), a chain
// recomputed without it fails, however consistent its hashes are.
func TestKeyedAuditDetectsARecomputedChain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kaipiao.db")
	key := []byte("0123456789abcdef0123456789abcdef")
	db, err := Open(path, Options{AuditKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Audit("张三", "login", "张三", "")
	for range 20 {
		db.Audit("李四", "login.failed", "李四", "")
	}
	db.Audit("李四", "settings", "seller", "changed the bank account")
	if n, err := db.VerifyAudit(); n != 22 || err != nil {
		t.Fatalf("a clean keyed log: %d %v", n, err)
	}
	seq, hash, _ := db.AuditHead()
	// The attacker's rewrite: drop the failed log-ins, change who changed the seller,
	// renumber and recompute every hash and the head, as the unkeyed chain allowed.
	rewriteAudit(t, db, func(es []AuditEntry) []AuditEntry {
		var out []AuditEntry
		for _, e := range es {
			if e.Action == "login.failed" {
				continue
			}
			if e.Action == "settings" {
				e.Operator = "张三"
			}
			out = append(out, e)
		}
		return out
	})
	if _, err := db.VerifyAudit(); !errors.Is(err, ErrAuditBroken) || !strings.Contains(err.Error(), "not sealed with the audit key") {
		t.Fatalf("a chain recomputed without the key: %v", err)
	}
	// Without the key the rewrite verifies: the platform's anchor is what catches it.
	unkeyed := &DB{db: db.db, now: db.now}
	if _, err := unkeyed.VerifyAudit(); err != nil {
		t.Fatalf("the recomputed chain itself is consistent: %v", err)
	}
	if err := unkeyed.CheckAnchor(seq, hash); !errors.Is(err, ErrAuditBroken) {
		t.Fatalf("the anchored head %d: %v", seq, err)
	}
}

// rewriteAudit replaces the log by edit's entries, renumbered with their chain and head
// recomputed (no seals: the attacker has no key).
func rewriteAudit(t *testing.T, db *DB, edit func([]AuditEntry) []AuditEntry) {
	t.Helper()
	all, err := db.AuditLog(1, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	es := edit(all)
	err = db.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bAudit); err != nil {
			return err
		}
		b, err := tx.CreateBucket(bAudit)
		if err != nil {
			return err
		}
		prev := ""
		for i := range es {
			e := &es[i]
			e.Seq, e.Prev, e.MAC = uint64(i+1), prev, ""
			e.Hash = e.hashOf()
			prev = e.Hash
			raw, _ := json.Marshal(e)
			if err := b.Put(be64(e.Seq), raw); err != nil {
				return err
			}
		}
		sum, _ := hex.DecodeString(prev)
		return tx.Bucket(bMeta).Put(keyAuditHead, append(be64(uint64(len(es))), sum...))
	})
	if err != nil {
		t.Fatal(err)
	}
}
