package store

import (
	"errors"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func TestOperatorsAndLogIn(t *testing.T) {
	db := openTemp(t)
	if has, _ := db.HasOperators(); has {
		t.Fatal("a fresh store has no operators")
	}
	if err := db.CreateOperator("管理员", RoleAdmin, "short", "setup"); !errors.Is(err, ErrWeakPassword) {
		t.Fatalf("a 5-character password: %v", err)
	}
	if err := db.CreateOperator("管理员", RoleAdmin, "correct horse", "setup"); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateOperator("张三", RoleClerk, "12345678", "管理员"); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateOperator("张三", RoleClerk, "another one", "管理员"); !errors.Is(err, ErrOperatorExists) {
		t.Fatalf("duplicate: %v", err)
	}
	op, err := db.Authenticate("张三", "12345678")
	if err != nil || op.Role != RoleClerk {
		t.Fatalf("%+v %v", op, err)
	}
	for _, bad := range [][2]string{{"张三", "12345679"}, {"李四", "12345678"}, {"张三", ""}} {
		if _, err := db.Authenticate(bad[0], bad[1]); !errors.Is(err, ErrBadLogin) {
			t.Errorf("%v: %v", bad, err)
		}
	}
	ops, _ := db.Operators()
	if len(ops) != 2 || ops[0].Hash != nil {
		t.Fatalf("operators %+v", ops)
	}
	// Every log-in, and every failed one, is in the audit log, and the log verifies.
	log, _ := db.AuditLog(1, 100)
	failed := 0
	for _, e := range log {
		if e.Action == "login.failed" {
			failed++
		}
	}
	if failed != 3 {
		t.Errorf("%d failed log-ins audited, want 3", failed)
	}
	if _, err := db.VerifyAudit(); err != nil {
		t.Fatal(err)
	}
}

// A file written before operators existed (schema 1) gains them when opened.
func TestMigrationFromSchema1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kaipiao.db")
	db, _ := Open(path, Options{})
	db.ImportIssued(issued("OLD-1", 1, "x", t0))
	db.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bOperators); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(keySchema, be64(1))
	})
	db.Close()
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CreateOperator("admin", RoleAdmin, "12345678", "setup"); err != nil {
		t.Fatalf("after migration: %v", err)
	}
	if rec, err := db.ByRequest("OLD-1"); err != nil || rec.Invoice.Number != "00000001" {
		t.Fatalf("the invoices survive the migration: %v", err)
	}
}
