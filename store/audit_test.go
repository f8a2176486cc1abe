package store

import (
	"encoding/json"
	"errors"
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
