package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// The review: twenty wrong passwords, then the right one, logged in. Now the fifth wrong
// password locks the operator out, the right one is refused while locked, each further
// failure doubles the wait, and once the time is up the right password works again.
func TestLogInLockoutWithBackOff(t *testing.T) {
	now := t0
	db, err := Open(filepath.Join(t.TempDir(), "kaipiao.db"), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CreateOperator("张三", RoleClerk, "12345678", "setup"); err != nil {
		t.Fatal(err)
	}
	for i := range lockoutAfter {
		if _, err := db.Authenticate("张三", "wrong password"); !errors.Is(err, ErrBadLogin) {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	var locked *LockedOutError
	if _, err := db.Authenticate("张三", "12345678"); !errors.As(err, &locked) || !locked.Until.Equal(t0.Add(30*time.Second)) {
		t.Fatalf("the right password while locked: %v", err)
	}
	now = now.Add(31 * time.Second)
	if _, err := db.Authenticate("张三", "wrong again"); !errors.Is(err, ErrBadLogin) {
		t.Fatal(err)
	}
	if _, err := db.Authenticate("张三", "12345678"); !errors.As(err, &locked) || !locked.Until.Equal(now.Add(time.Minute)) {
		t.Fatalf("the sixth failure locks for a minute: %v", err)
	}
	now = now.Add(61 * time.Second)
	if op, err := db.Authenticate("张三", "12345678"); err != nil || op.Name != "张三" {
		t.Fatalf("after the wait: %v", err)
	}
	// A good log-in clears the count: one wrong password does not lock again.
	if _, err := db.Authenticate("张三", "wrong"); !errors.Is(err, ErrBadLogin) {
		t.Fatal(err)
	}
	if _, err := db.Authenticate("张三", "12345678"); err != nil {
		t.Fatal(err)
	}
	if lockoutWait(100) != 15*time.Minute {
		t.Fatal(lockoutWait(100))
	}
}

func TestAPITokens(t *testing.T) {
	db := openTemp(t)
	if err := db.CreateOperator("管理员", RoleAdmin, "correct horse", "setup"); err != nil {
		t.Fatal(err)
	}
	tok, err := db.CreateToken("管理员", "nightly batch", "管理员")
	if err != nil {
		t.Fatal(err)
	}
	op, err := db.AuthenticateToken(tok)
	if err != nil || op.Name != "管理员" || op.Role != RoleAdmin || op.Tokens != nil {
		t.Fatalf("%+v %v", op, err)
	}
	for _, bad := range []string{"", "kpt_", tok + "x", tok[:len(tok)-1]} {
		if _, err := db.AuthenticateToken(bad); !errors.Is(err, ErrBadToken) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if err := db.RevokeTokens("管理员", "管理员"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AuthenticateToken(tok); !errors.Is(err, ErrBadToken) {
		t.Fatalf("a revoked token: %v", err)
	}
	if _, err := db.CreateToken("nobody", "", "管理员"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
}
