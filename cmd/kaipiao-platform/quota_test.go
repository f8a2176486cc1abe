package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/platform/platformtest"
)

// quota set works with the server stopped (it opens the file itself) and running (it
// hands the request to the server, which holds the file), and refuses bad values by name.
func TestQuotaSetStoppedAndRunning(t *testing.T) {
	t.Setenv(pki.DemoKeysEnv, "1")
	dir := t.TempDir()
	pkiDir, data := filepath.Join(dir, "pki"), filepath.Join(dir, "data")
	set, err := pki.NewDemoSet(pki.DemoOptions{TaxID: "91350200776049653A", Machine: "661234567890"})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(pki.PassphraseEnv, "")
	if _, err := set.WritePlatform(pkiDir, []byte(pki.DemoPassphrase)); err != nil {
		t.Fatal(err)
	}
	// On PostgreSQL (KAIPIAO_PLATFORM_STORE=postgres) the same with --db: the running
	// server and the command share the database.
	store := []string{"--data", data}
	if u := platformtest.URL(t); u != "" {
		store = []string{"--db", u}
	}
	quota := func(args ...string) (quotaResult, int, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append(append([]string{"quota", "set"}, store...), args...), &out, &errb)
		var res quotaResult
		if code == 0 {
			if err := json.Unmarshal(out.Bytes(), &res); err != nil {
				t.Fatalf("quota set printed %q: %v", out.String(), err)
			}
		}
		return res, code, errb.String()
	}
	if res, code, msg := quota("--tax-id", "91350200776049653A", "--amount", "5000", "--period", "2026-11"); code != 0 || res.Quota != "5000.00" || res.Left != "5000.00" {
		t.Fatalf("stopped: %+v exit %d %s", res, code, msg)
	}
	for _, bad := range [][]string{
		{"--tax-id", "91350200776049653A", "--amount", "-1"},
		{"--tax-id", "91350200776049653A", "--amount", "1.001"},
		{"--tax-id", "91350200776049653A", "--amount", "1", "--period", "2026-13"},
		{"--amount", "1"},
	} {
		if _, code, msg := quota(bad...); code != exitUsage || msg == "" {
			t.Errorf("%v: exit %d %q", bad, code, msg)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, append([]string{"--addr", "127.0.0.1:0", "--pki", pkiDir}, store...), pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "LISTEN ") {
		t.Fatalf("first line %q %v", line, err)
	}
	go io.Copy(io.Discard, pr)
	if res, code, msg := quota("--tax-id", "91350200776049653A", "--amount", "7000.50", "--period", "2026-11"); code != 0 || res.Quota != "7000.50" {
		t.Fatalf("running: %+v exit %d %s", res, code, msg)
	}
	cancel()
	if code := <-exit; code != 0 {
		t.Fatalf("server exit %d", code)
	}
}
