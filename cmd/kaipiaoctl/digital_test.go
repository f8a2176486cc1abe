package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/platform/platformtest"
	"github.com/kaipiao/kaipiao/upload"
)

// The digital channel's acceptance tests (docs/digital.md): real kaipiaoctl and
// kaipiao-platform processes, real HTTPS with the demo PKI, real bbolt files.

var (
	platformOnce sync.Once
	platformBin  string
	platformErr  error
)

// platformBinary builds kaipiao-platform once per test run.
func platformBinary(t *testing.T) string {
	t.Helper()
	platformOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kaipiao-platform-bin-")
		if err != nil {
			platformErr = err
			return
		}
		cmd := exec.Command("go", "build", "-o", dir+"/", "./cmd/kaipiao-platform")
		cmd.Dir = "../.."
		if out, err := cmd.CombinedOutput(); err != nil {
			platformErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
		platformBin = filepath.Join(dir, "kaipiao-platform")
	})
	if platformErr != nil {
		t.Fatal(platformErr)
	}
	return platformBin
}

// platformProc is a running kaipiao-platform; each start listens on a new port.
type platformProc struct {
	t              *testing.T
	bin, data, pki string
	cmd            *exec.Cmd
	url            string
	log            bytes.Buffer
}

func (p *platformProc) start() {
	p.t.Helper()
	p.cmd = exec.Command(p.bin, append(platformtest.Flags(p.t, p.data), "--pki", p.pki, "--addr", "127.0.0.1:0")...)
	p.cmd.Env = append(os.Environ(), pki.DemoKeysEnv+"=1")
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		p.t.Fatal(err)
	}
	p.cmd.Stderr = &p.log
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "LISTEN ") {
		p.t.Fatalf("kaipiao-platform did not start: %q %v\n%s", line, err, p.log.String())
	}
	p.url = strings.TrimSpace(strings.TrimPrefix(line, "LISTEN "))
}

// kill stops the platform with SIGKILL (it is the authority's crash too), by its own PID.
func (p *platformProc) kill() {
	if p.cmd != nil && p.cmd.Process != nil {
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.cmd.Wait()
		p.cmd = nil
	}
}

// digitalRig is a data folder on the digital channel with a demo PKI, and the
// platform's folders.
type digitalRig struct {
	t                   *testing.T
	ctl                 string
	dir, data, platData string
	tax                 string
	plat                *platformProc
}

func newDigitalRig(t *testing.T, monthQuota string) *digitalRig {
	t.Helper()
	ctl, _ := binaries(t)
	dir := t.TempDir()
	r := &digitalRig{t: t, ctl: ctl, dir: dir, data: filepath.Join(dir, "data"), platData: filepath.Join(dir, "platform")}
	pkiDir := filepath.Join(dir, "platform-pki")
	// The demo PKI takes the enterprise's tax ID from the built-in simulator; the folder
	// then issues 数电票 under that enterprise's certificate.
	r.mustRun("pki", "init", pkiDir)
	for _, line := range strings.Split(string(r.mustRun("pki", "show")), "\n") {
		var c struct {
			File   string `json:"file"`
			Serial string `json:"serial_name"`
		}
		if json.Unmarshal([]byte(line), &c) == nil && filepath.Base(c.File) == "enterprise.crt" {
			r.tax = c.Serial
		}
	}
	if r.tax == "" {
		t.Fatal("pki show names no enterprise certificate")
	}
	r.mustRun("--channel", "digital", "seller", "set", "--name", "厦门数电示范有限公司", "--tax-id", r.tax)
	plat := platformBinary(t)
	out, err := exec.Command(plat, append(append([]string{"quota", "set"}, platformtest.Flags(t, r.platData)...),
		"--tax-id", r.tax, "--amount", monthQuota)...).CombinedOutput()
	if err != nil {
		t.Fatalf("quota set: %v %s", err, out)
	}
	r.plat = &platformProc{t: t, bin: plat, data: r.platData, pki: pkiDir}
	t.Cleanup(r.plat.kill)
	return r
}

// cmd is kaipiaoctl on the rig's folder and the platform as it runs now.
func (r *digitalRig) cmd(args ...string) *exec.Cmd {
	url := ""
	if r.plat != nil {
		url = r.plat.url
	}
	cmd := exec.Command(r.ctl, append([]string{"--data", r.data, "--platform", url}, args...)...)
	cmd.Env = append(os.Environ(), pki.DemoKeysEnv+"=1", "KAIPIAO_OPERATOR=digital-test")
	return cmd
}

func (r *digitalRig) mustRun(args ...string) []byte {
	r.t.Helper()
	var stderr bytes.Buffer
	cmd := r.cmd(args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		r.t.Fatalf("kaipiaoctl %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return out
}

type digitalStatusJSON struct {
	NumbersHeld    int    `json:"numbers_held"`
	NextNumber     string `json:"next_number"`
	Period         string `json:"period"`
	QuotaHeld      string `json:"quota_held"`
	QuotaUsed      string `json:"quota_used"`
	PendingUpload  int    `json:"pending_upload"`
	UploadDeadline string `json:"upload_deadline"`
	PendingFetch   bool   `json:"pending_fetch"`
	PendingReturn  bool   `json:"pending_return"`
}

func (r *digitalRig) status() digitalStatusJSON {
	r.t.Helper()
	var st digitalStatusJSON
	out := r.mustRun("digital", "status")
	if err := json.Unmarshal(out, &st); err != nil {
		r.t.Fatalf("digital status printed %q: %v", out, err)
	}
	return st
}

// digitalOrders makes n one-line orders of seeded amounts between lo and hi yuan.
func digitalOrders(rng *rand.Rand, n int, prefix string, lo, hi int) []map[string]any {
	var orders []map[string]any
	for i := range n {
		amount := fmt.Sprintf("%d.%02d", lo+rng.IntN(hi-lo), rng.IntN(100))
		orders = append(orders, map[string]any{
			"order_id": fmt.Sprintf("%s-%04d", prefix, i),
			"buyer":    map[string]string{"name": fmt.Sprintf("示例客户%02d有限公司", i%13)},
			"lines": []map[string]string{{"name": "软件开发服务", "tax_code": "3040201010000000000",
				"amount": amount, "tax_rate": "0.06"}},
		})
	}
	return orders
}

func writeOrders(t *testing.T, path string, orders []map[string]any) {
	t.Helper()
	raw, _ := json.Marshal(orders)
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

func money(t *testing.T, s string) invoice.Money {
	t.Helper()
	m, err := invoice.ParseMoney(s)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return m
}

// platformList reads `kaipiao-platform list` (the platform stopped).
func (r *digitalRig) platformList() []map[string]string {
	r.t.Helper()
	out, err := exec.Command(r.plat.bin, append([]string{"list"}, platformtest.Flags(r.t, r.platData)...)...).Output()
	if err != nil {
		r.t.Fatalf("kaipiao-platform list: %v", err)
	}
	var list []map[string]string
	for _, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			r.t.Fatalf("list line %q: %v", line, err)
		}
		s := map[string]string{}
		for k, v := range m {
			s[k] = fmt.Sprint(v)
		}
		list = append(list, s)
	}
	return list
}

// Acceptance 1: with the platform stopped, a workstation that fetched 100 numbers and a
// quota issues a batch until the quota runs out — the next order refused with the clear
// error and nothing issued — then syncs when the platform is back: the platform holds
// each invoice once, under the numbers assigned, in order, none twice.
func TestDigitalOfflineBatchUntilTheQuotaRunsOut(t *testing.T) {
	r := newDigitalRig(t, "100000.00")
	r.plat.start()
	r.mustRun("digital", "fetch", "--numbers", "100", "--quota", "30000")
	st := r.status()
	if st.NumbersHeld != 100 || st.QuotaHeld != "30000.00" || st.QuotaUsed != "0.00" || st.UploadDeadline == "" {
		t.Fatalf("after the fetch: %+v", st)
	}
	first := st.NextNumber
	r.plat.kill() // offline from here

	orders := digitalOrders(rand.New(rand.NewPCG(18, 1)), 60, "OFF", 500, 1500)
	file := filepath.Join(r.dir, "orders.json")
	writeOrders(t, file, orders)
	var stdout, stderr bytes.Buffer
	issue := r.cmd("issue", file)
	issue.Stdout, issue.Stderr = &stdout, &stderr
	err := issue.Run()
	if code := issue.ProcessState.ExitCode(); code != exitRefused {
		t.Fatalf("issue: exit %d (%v), want %d: %s", code, err, exitRefused, stderr.String())
	}
	if !strings.Contains(stderr.String(), "授信额度不足") {
		t.Fatalf("the refusal does not tell the clerk the quota ran out: %s", stderr.String())
	}
	var issued []issuedJSON
	for _, line := range bytes.Split(bytes.TrimSpace(stdout.Bytes()), []byte("\n")) {
		var l issuedJSON
		if err := json.Unmarshal(line, &l); err != nil {
			t.Fatalf("issue printed %q: %v", line, err)
		}
		if l.Number != "" {
			issued = append(issued, l)
		}
	}
	n := len(issued)
	if n == 0 || n >= len(orders) {
		t.Fatalf("%d of %d orders issued", n, len(orders))
	}
	var used invoice.Money
	for i, l := range issued {
		want, _ := invoice.NumberPlus(first, i)
		if l.OrderID != orders[i]["order_id"] || l.Code != "" || l.Number != want {
			t.Fatalf("invoice %d: order %s number %q code %q, want order %s number %s", i, l.OrderID, l.Number, l.Code, orders[i]["order_id"], want)
		}
		used += money(t, l.Amount)
	}
	next := money(t, orders[n]["lines"].([]map[string]string)[0]["amount"])
	if used > 3000000 || used+next <= 3000000 {
		t.Fatalf("issued %s of 30000.00, the refused order needs %s: it would have fitted", used, next)
	}
	// Nothing of the refused order, or of those after it, was issued.
	if out, err := r.cmd("show", orders[n]["order_id"].(string)).CombinedOutput(); err == nil {
		t.Fatalf("the refused order is in the store: %s", out)
	}
	st = r.status()
	if st.NumbersHeld != 100-n || st.QuotaUsed != used.String() || st.PendingUpload != n {
		t.Fatalf("after the batch: %+v (issued %d for %s)", st, n, used)
	}
	// Still offline: the sync fails and nothing leaves the outbox.
	if err := r.cmd("sync", "--once").Run(); err == nil {
		t.Fatal("sync with the platform stopped succeeded")
	}
	if st := r.status(); st.PendingUpload != n {
		t.Fatalf("pending after the failed sync: %d", st.PendingUpload)
	}

	// The platform is back: everything syncs, once.
	r.plat.start()
	var c upload.Counts
	if err := json.Unmarshal(r.mustRun("sync", "--once"), &c); err != nil || c.Acked != n || c.Pending != 0 || c.Failed != 0 {
		t.Fatalf("sync: %+v %v\n%s", c, err, r.plat.log.String())
	}
	if err := json.Unmarshal(r.mustRun("sync", "--once"), &c); err != nil || c.Uploaded != 0 {
		t.Fatalf("a second sync sent again: %+v %v", c, err)
	}
	// The numbers not used go back as unused, with the quota not used.
	var ret upload.DigitalReturnAnswer
	if err := json.Unmarshal(r.mustRun("digital", "return"), &ret); err != nil {
		t.Fatal(err)
	}
	wantFirst, _ := invoice.NumberPlus(first, n)
	wantLast, _ := invoice.NumberPlus(first, 99)
	if len(ret.Unused) != 1 || ret.Unused[0].First != wantFirst || ret.Unused[0].Last != wantLast ||
		len(ret.Quota) != 1 || ret.Quota[0].Amount != (3000000-used).String() {
		t.Fatalf("returned %+v, want %s–%s and %s", ret, wantFirst, wantLast, 3000000-used)
	}
	r.plat.kill()
	list := r.platformList()
	if len(list) != n {
		t.Fatalf("the platform holds %d invoices, the workstation issued %d", len(list), n)
	}
	held := map[string]int{}
	for _, l := range list {
		held[l["number"]]++
		if l["channel"] != "digital" || l["code"] != "" {
			t.Errorf("platform line %v", l)
		}
	}
	for _, l := range issued {
		if held[l.Number] != 1 {
			t.Errorf("the platform holds %s %d times", l.Number, held[l.Number])
		}
	}
}
