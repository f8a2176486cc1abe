package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/platform"
	"github.com/kaipiao/kaipiao/platform/platformtest"
	"github.com/kaipiao/kaipiao/upload"
)

// pki init, issue, sync --once against the reference platform, all through the commands:
// orders with discounts and tax-inclusive prices pass the platform's arithmetic check,
// and the built-in simulator's self-signed certificate, registered by pki init, its
// seal check.
func TestPKIInitIssueAndSync(t *testing.T) {
	t.Setenv(pki.DemoKeysEnv, "1") // a demo set, as in make run's folder
	dir := t.TempDir()
	data, platPKI := filepath.Join(dir, "data"), filepath.Join(dir, "platform-pki")
	t.Setenv(pki.PassphraseEnv, "")
	var out, errb bytes.Buffer
	if code := run([]string{"--data", data, "pki", "init", platPKI}, nil, &out, &errb); code != 0 {
		t.Fatalf("pki init: exit %d: %s", code, errb.String())
	}
	pki, err := pki.LoadPlatform(platPKI, []byte(pki.DemoPassphrase), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pdb := platformtest.Open(t, filepath.Join(dir, "platform"))
	defer pdb.Close()
	srvLogic := &platform.Server{DB: pdb, PKI: pki}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: srvLogic.Handler(), TLSConfig: srvLogic.TLSConfig()}
	go srv.ServeTLS(ln, "", "")
	defer srv.Close()

	rng := rand.New(rand.NewPCG(6, 6))
	var orders []map[string]any
	for i := range 25 {
		var lines []map[string]string
		for j := range 1 + rng.IntN(6) {
			l := map[string]string{"name": fmt.Sprintf("配件%d-%d", i, j), "tax_code": "1090509020000000000",
				"unit": "件", "quantity": strconv.Itoa(1 + rng.IntN(20)),
				"unit_price": fmt.Sprintf("%d.%02d", 1+rng.IntN(500), rng.IntN(100)), "tax_rate": "0.13"}
			if rng.IntN(4) == 0 {
				l["discount"] = "1.00"
			}
			lines = append(lines, l)
		}
		orders = append(orders, map[string]any{"order_id": fmt.Sprintf("SYNC-%04d", i),
			"buyer": map[string]string{"name": "示例客户有限公司"}, "price_includes_tax": i%3 == 0, "lines": lines})
	}
	raw, _ := json.Marshal(orders)
	file := filepath.Join(dir, "orders.json")
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if code := run([]string{"--data", data, "issue", file}, nil, &out, &errb); code != 0 {
		t.Fatalf("issue: exit %d: %s", code, errb.String())
	}
	out.Reset()
	url := "https://" + ln.Addr().String()
	if code := run([]string{"--data", data, "--platform", url, "sync", "--once"}, nil, &out, &errb); code != 0 {
		t.Fatalf("sync: exit %d: %s\n%s", code, out.String(), errb.String())
	}
	var c upload.Counts
	if err := json.Unmarshal(out.Bytes(), &c); err != nil {
		t.Fatalf("%v: %s", err, out.Bytes())
	}
	if c.Acked != 25 || c.Pending != 0 || c.Failed != 0 || c.Reported != 25 {
		t.Fatalf("counts %+v", c)
	}
	if n, _ := pdb.Count(); n != 25 {
		t.Fatalf("the platform holds %d", n)
	}
}
