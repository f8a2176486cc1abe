package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/platform"
	"github.com/kaipiao/kaipiao/platform/platformtest"
	"github.com/kaipiao/kaipiao/upload"
)

// The server prints LISTEN first, serves HTTPS that a workstation pinning the demo
// transport CA accepts, and stops cleanly; list then prints what it holds.
func TestServeThenList(t *testing.T) {
	t.Setenv(pki.DemoKeysEnv, "1")
	dir := t.TempDir()
	pkiDir, wsDir, data := filepath.Join(dir, "pki"), filepath.Join(dir, "ws"), filepath.Join(dir, "data")
	set, err := pki.NewDemoSet(pki.DemoOptions{TaxID: "91350200776049653A", Machine: "661234567890"})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(pki.PassphraseEnv, "")
	if _, err := set.WritePlatform(pkiDir, []byte(pki.DemoPassphrase)); err != nil {
		t.Fatal(err)
	}
	if _, err := set.WriteWorkstation(wsDir, []byte(pki.DemoPassphrase)); err != nil {
		t.Fatal(err)
	}
	// The same test on bbolt (--data) and, with KAIPIAO_PLATFORM_STORE=postgres, on
	// PostgreSQL (--db), where the ERP's token is kept in the database.
	store, tokenStore := []string{"--data", data}, []string{"--pki", pkiDir}
	if u := platformtest.URL(t); u != "" {
		store = []string{"--db", u}
		tokenStore = store
	}
	var tok bytes.Buffer
	if code := run(context.Background(), append([]string{"token", "--seller", "91350200776049653A", "--name", "test ERP"}, tokenStore...), &tok, io.Discard); code != 0 {
		t.Fatalf("token: exit %d", code)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, append([]string{"--addr", "127.0.0.1:0", "--pki", pkiDir}, store...), pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "LISTEN ")
	if !ok || !strings.HasPrefix(url, "https://127.0.0.1:") {
		t.Fatalf("first line %q", line)
	}
	ws, err := pki.LoadWorkstation(wsDir, []byte(pki.DemoPassphrase), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	body := `{"seller_tax_id":"91350200776049653A","order":{"order_id":"ERP-1"}}`
	req, _ := http.NewRequest(http.MethodPost, url+upload.PathOrders, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(tok.String()))
	resp, err := upload.NewHTTPClient(ws, 10*time.Second).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || resp.TLS.Version != 0x0304 {
		t.Fatalf("HTTP %d, TLS %x", resp.StatusCode, resp.TLS.Version)
	}
	cancel()
	if code := <-exit; code != 0 {
		t.Fatalf("exit %d", code)
	}

	db, err := openStore(store)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	_, _, err = db.Upsert("E1", at, []*platform.Stored{{Device: "661234567890", Code: "035022600111", Number: "00000001",
		OrderID: "ERP-1", Total: "1130.00", Digest: "d", AckedAt: at}})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := run(context.Background(), append([]string{"list"}, store...), &out, io.Discard); code != 0 {
		t.Fatalf("list exit %d", code)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, out.Bytes())
	}
	for _, k := range []string{"device", "code", "number", "order_id", "total", "acked_at"} {
		if _, ok := got[k]; !ok {
			t.Fatalf("list line lacks %q: %s", k, out.Bytes())
		}
	}
}

// openStore opens what the flags --data DIR or --db URL name.
func openStore(flags []string) (platform.Store, error) {
	if flags[0] == "--db" {
		return platform.Open("", flags[1])
	}
	return platform.Open(flags[1], "")
}

func TestUsage(t *testing.T) {
	if code := run(context.Background(), []string{"--addr", "127.0.0.1:0"}, io.Discard, io.Discard); code != exitUsage {
		t.Fatalf("exit %d without --data and --pki", code)
	}
}
