package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/workstation"
)

// The review: KAIPIAO_OPERATOR=<an admin's name> let anyone with shell access change the
// seller or the mail server, and the audit log recorded whatever name was claimed. Once
// the workstation has operators, changing settings needs an administrator's credentials,
// issuing an operator's, and the audit log names the operator they prove.
func TestCLINeedsCredentials(t *testing.T) {
	data := t.TempDir()
	for _, k := range []string{envToken, envOperator, envPassword, "KAIPIAO_NEW_PASSWORD"} {
		t.Setenv(k, "")
	}
	sellerSet := []string{"--data", data, "seller", "set", "--name", "厦门开票示范科技有限公司", "--tax-id", "91350200776049653A"}

	// The first administrator needs no credentials: there is nobody yet.
	t.Setenv("KAIPIAO_NEW_PASSWORD", "correct horse")
	if code, _, stderr := runCLI(t, "", "--data", data, "operator", "add", "管理员", "--role", "admin"); code != exitOK {
		t.Fatalf("first admin: exit %d %s", code, stderr)
	}
	// The second operator does.
	if code, _, stderr := runCLI(t, "", "--data", data, "operator", "add", "张三", "--role", "clerk"); code != exitUsage || !strings.Contains(stderr, "credentials needed") {
		t.Fatalf("a second operator without credentials: exit %d %s", code, stderr)
	}
	t.Setenv(envOperator, "管理员")
	t.Setenv(envPassword, "correct horse")
	if code, _, stderr := runCLI(t, "", "--data", data, "operator", "add", "张三", "--role", "clerk"); code != exitOK {
		t.Fatalf("the admin adds a clerk: exit %d %s", code, stderr)
	}
	code, out, stderr := runCLI(t, "", "--data", data, "operator", "token", "张三", "--label", "nightly")
	if code != exitOK {
		t.Fatalf("token: exit %d %s", code, stderr)
	}
	var tok struct{ Token string }
	if err := json.Unmarshal([]byte(out), &tok); err != nil || !strings.HasPrefix(tok.Token, "kpt_") {
		t.Fatalf("token output %q", out)
	}

	// The attack: a claimed name, no password.
	t.Setenv(envPassword, "")
	if code, _, stderr := runCLI(t, "", sellerSet...); code != exitUsage || !strings.Contains(stderr, "credentials needed") {
		t.Fatalf("seller set with a claimed name: exit %d %s", code, stderr)
	}
	t.Setenv(envPassword, "wrong password")
	if code, _, stderr := runCLI(t, "", sellerSet...); code != exitUsage || !strings.Contains(stderr, "wrong operator name or password") {
		t.Fatalf("seller set with a wrong password: exit %d %s", code, stderr)
	}
	// A clerk's token may issue but not change settings.
	t.Setenv(envPassword, "")
	t.Setenv(envOperator, "管理员") // the claim is ignored: the token says who
	t.Setenv(envToken, tok.Token)
	if code, _, stderr := runCLI(t, "", sellerSet...); code != exitUsage || !strings.Contains(stderr, "needs an administrator") {
		t.Fatalf("seller set with a clerk's token: exit %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "--data", data, "issue", "../../docs/examples/01-software-service.json"); code != exitOK {
		t.Fatalf("issue with a clerk's token: exit %d %s", code, stderr)
	}
	t.Setenv(envToken, "kpt_made-up")
	if code, _, stderr := runCLI(t, "", "--data", data, "issue", "../../docs/examples/01-software-service.json"); code != exitUsage || !strings.Contains(stderr, "not valid") {
		t.Fatalf("issue with a made-up token: exit %d %s", code, stderr)
	}
	// The administrator's password changes the seller; the audit log names who did what.
	t.Setenv(envToken, "")
	t.Setenv(envPassword, "correct horse")
	if code, _, stderr := runCLI(t, "", sellerSet...); code != exitOK {
		t.Fatalf("seller set by the admin: exit %d %s", code, stderr)
	}
	if code, out, stderr := runCLI(t, "", "--data", data, "audit", "verify"); code != exitOK || !strings.Contains(out, `"intact": true`) {
		t.Fatalf("audit verify: exit %d %s %s", code, out, stderr)
	}
	db, err := store.Open(filepath.Join(data, workstation.StoreFile), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log, _ := db.AuditLog(1, 1000)
	by := map[string]string{}
	for _, e := range log {
		by[e.Action] = e.Operator
	}
	if by["issue"] != "张三" || by["settings"] != "管理员" || by["token.create"] != "管理员" {
		t.Fatalf("audit: %v", by)
	}
}
