package main

import (
	"strings"
	"testing"
)

// Without settings the mailer says what to do; settings are kept (the password never
// printed); a queued mail to a bad address is refused with the address named.
func TestMailCommandSettingsAndQueue(t *testing.T) {
	data, ids := issueExamples(t)
	if code, _, stderr := runCLI(t, "", "--data", data, "mail", "--once"); code != exitUsage || !strings.Contains(stderr, "mail settings") {
		t.Fatalf("mail without settings: %d %s", code, stderr)
	}
	t.Setenv("KAIPIAO_SMTP_PASSWORD", "s3cret-pw")
	if code, _, stderr := runCLI(t, "", "--data", data, "mail", "settings", "--host", "smtp.example.com", "--user", "u",
		"--from", "开票 <invoices@example.com>"); code != exitOK {
		t.Fatalf("mail settings: %d %s", code, stderr)
	}
	code, out, _ := runCLI(t, "", "--data", data, "mail", "settings")
	if code != exitOK || !strings.Contains(out, `"port": 587`) || strings.Contains(out, "s3cret") {
		t.Fatalf("settings shown: %s", out)
	}
	if code, _, stderr := runCLI(t, "", "--data", data, "mail", "settings", "--from", "not an address"); code != exitRefused || !strings.Contains(stderr, "not an address") {
		t.Fatalf("bad from: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "--data", data, "mail", "queue", ids[0], "--to", "nobody"); code != exitRefused || !strings.Contains(stderr, "“nobody”") {
		t.Fatalf("bad address: %d %s", code, stderr)
	}
	if code, out, stderr := runCLI(t, "", "--data", data, "mail", "queue", ids[0], "--to", "a@b.example"); code != exitOK || !strings.Contains(out, `"state":"queued"`) {
		t.Fatalf("queue: %d %s %s", code, out, stderr)
	}
}
