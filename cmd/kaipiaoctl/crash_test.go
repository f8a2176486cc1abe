package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/orderfile"
)

// The crash test of the issuing engine: real kaipiaoctl and kaipiao-devsim processes on
// a pseudo-terminal, the workstation killed with SIGKILL at many seeded random instants
// (the simulator too, at some of them), each run resuming where the last one died. At the
// end the device's journal, the store and the orders must agree: every order issued
// exactly once (or as its split set), every red once, no number used twice, no gap.

const crashSellerTaxID = "91350200776049653A"

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// binaries builds kaipiaoctl and kaipiao-devsim once per test run.
func binaries(t *testing.T) (ctl, devsim string) {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "kaipiao-bin-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-tags", "crashtest", "-o", binDir+"/", "./cmd/kaipiaoctl", "./cmd/kaipiao-devsim")
		cmd.Dir = "../.."
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, "kaipiaoctl"), filepath.Join(binDir, "kaipiao-devsim")
}

// devsim is a running simulator process serving on a stable symlink.
type devsim struct {
	t     *testing.T
	bin   string
	state string
	link  string
	baud  int // the line's pace; 0 unpaced
	cmd   *exec.Cmd
}

// addr is the --device of kaipiaoctl for this simulator: its link, with the baud rate
// so that the client's deadlines follow the line's real speed.
func (d *devsim) addr() string {
	if d.baud > 0 {
		return fmt.Sprintf("%s?baud=%d", d.link, d.baud)
	}
	return d.link
}

func (d *devsim) start() {
	d.t.Helper()
	d.cmd = exec.Command(d.bin, "--state", d.state, "--pty", "--link", d.link, "--baud", strconv.Itoa(d.baud),
		"--stock", "3000", "--offline-amount", "900000000.00", "--seller-tax-id", crashSellerTaxID)
	out, err := d.cmd.StdoutPipe()
	if err != nil {
		d.t.Fatal(err)
	}
	d.cmd.Stderr = nil
	if err := d.cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "PTY ") {
		d.t.Fatalf("kaipiao-devsim did not start: %q %v", line, err)
	}
}

func (d *devsim) kill() {
	d.cmd.Process.Signal(syscall.SIGKILL)
	d.cmd.Wait()
}

// ctl runs kaipiaoctl against the simulator.
func ctlCmd(ctl, data, link string, args ...string) *exec.Cmd {
	cmd := exec.Command(ctl, append([]string{"--data", data, "--device", link}, args...)...)
	cmd.Env = append(os.Environ(), "KAIPIAO_DEVICE_PIN=88888888", "KAIPIAO_OPERATOR=crash-test")
	return cmd
}

// crashOrders makes n seeded orders: most small, every tenth over the per-invoice limit
// (split), some with discounts and tax-inclusive prices.
func crashOrders(rng *rand.Rand, n int, prefix string) []map[string]any {
	var orders []map[string]any
	for i := 0; i < n; i++ {
		var lines []map[string]string
		for j := 0; j < 1+rng.IntN(4); j++ {
			l := map[string]string{"name": fmt.Sprintf("配件%d-%d", i, j), "tax_code": "1090509020000000000",
				"unit": "件", "quantity": strconv.Itoa(1 + rng.IntN(20)),
				"unit_price": fmt.Sprintf("%d.%02d", 1+rng.IntN(500), rng.IntN(100)), "tax_rate": "0.13"}
			if rng.IntN(5) == 0 {
				l["discount"] = "1.00"
			}
			lines = append(lines, l)
		}
		if i%10 == 0 {
			lines = append(lines, map[string]string{"name": "服务器", "tax_code": "1090509010000000000", "unit": "台",
				"quantity": strconv.Itoa(3 + rng.IntN(5)), "unit_price": "45000", "tax_rate": "0.13"})
		}
		orders = append(orders, map[string]any{
			"order_id":           fmt.Sprintf("%s-%04d", prefix, i),
			"buyer":              map[string]string{"name": fmt.Sprintf("示例客户%02d有限公司", i%17)},
			"price_includes_tax": i%3 == 0,
			"lines":              lines,
		})
	}
	return orders
}

// chaos runs the command again and again, killing it at random instants, the simulator
// too at one kill in four, until kills reach target; then once more to completion.
func chaos(t *testing.T, rng *rand.Rand, dev *devsim, kills *int, target int, newCmd func() *exec.Cmd) []byte {
	t.Helper()
	for *kills < target {
		cmd := newCmd()
		cmd.Stderr = &recoveries
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done: // finished (or failed) before the kill: run again
			if cmd.ProcessState.ExitCode() == 0 {
				continue
			}
		case <-time.After(time.Duration(5+rng.IntN(300)) * time.Millisecond):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			*kills++
		}
		if rng.IntN(4) == 0 {
			dev.kill()
			dev.start()
		}
	}
	// Let it finish; the first run after a simulator restart may meet a half-open link.
	var out []byte
	for attempt := 0; attempt < 5; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		cmd := newCmd()
		cmdCtx := exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...)
		cmdCtx.Env = cmd.Env
		var stderr bytes.Buffer
		cmdCtx.Stderr = io.MultiWriter(&stderr, &recoveries)
		var err error
		out, err = cmdCtx.Output()
		cancel()
		if err == nil {
			return out
		}
		t.Logf("completion run %d: %v: %s", attempt+1, err, stderr.String())
	}
	t.Fatal("the command never completed after the chaos")
	return nil
}

// reconcileReport is what `kaipiaoctl reconcile` prints.
type reconcileReport struct {
	DeviceCount uint64   `json:"device_count"`
	StoreCount  int      `json:"store_count"`
	Imported    int      `json:"imported"`
	Mismatches  []string `json:"mismatches"`
}

// reconcile runs a full reconciliation and reads its report.
func reconcile(t *testing.T, ctl, data, link string) reconcileReport {
	t.Helper()
	out, err := ctlCmd(ctl, data, link, "reconcile").Output()
	if err != nil {
		t.Fatalf("reconcile: %v %s", err, out)
	}
	var rep reconcileReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("reconcile printed %q: %v", out, err)
	}
	return rep
}

// recoveries collects what the runs printed on stderr, among it their recovery notes.
var recoveries bytes.Buffer

// resolvedSoFar counts the open requests the runs so far resolved at start-up: proof
// that some kill landed between an intent and its commit.
func resolvedSoFar() int {
	resolved := 0
	for _, line := range strings.Split(recoveries.String(), "\n") {
		var n, m int
		if _, err := fmt.Sscanf(line, "kaipiao: recovered from an interrupted run: %d open request(s) resolved with the device, %d", &n, &m); err == nil {
			resolved += n
		}
	}
	return resolved
}

type listLine struct {
	OrderID string `json:"order_id"`
	Code    string `json:"code"`
	Number  string `json:"number"`
	Total   string `json:"total"`
	RedOf   string `json:"red_of"`
}

// TestIssuingSurvivesSIGKILLAtRandomInstants runs the crash test unpaced and over the
// pseudo-terminal paced at 115200 baud, where the link's deadlines follow the wire time.
func TestIssuingSurvivesSIGKILLAtRandomInstants(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test runs real processes for a few minutes")
	}
	for _, baud := range []int{0, 115200} {
		t.Run(fmt.Sprintf("baud=%d", baud), func(t *testing.T) { crashTest(t, baud) })
	}
}

func crashTest(t *testing.T, baud int) {
	recoveries.Reset()
	ctl, devsimBin := binaries(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	rng := rand.New(rand.NewPCG(20261126, 1))
	dev := &devsim{t: t, bin: devsimBin, state: filepath.Join(dir, "devsim.db"), link: filepath.Join(dir, "ttyKP0"), baud: baud}
	dev.start()
	defer func() { dev.kill() }()

	if out, err := ctlCmd(ctl, data, dev.addr(), "seller", "set", "--name", "厦门开票示范科技有限公司",
		"--tax-id", crashSellerTaxID).CombinedOutput(); err != nil {
		t.Fatalf("seller set: %v %s", err, out)
	}
	// Phase 1: a batch of 220 orders, killed 40 times. The kills must land at least once
	// between an intent and its commit, or the test proves little; on a loaded machine
	// they can all miss it, so another batch of fresh orders runs under the same chaos
	// until one has (five batches at most).
	var orders []map[string]any
	kills := 0
	var issuedLines, lastBatch int
	for batch := 0; batch < 5 && (batch == 0 || resolvedSoFar() == 0); batch++ {
		more := crashOrders(rng, 220, fmt.Sprintf("CRASH%d", batch))
		orders = append(orders, more...)
		raw, _ := json.Marshal(more)
		ordersFile := filepath.Join(dir, fmt.Sprintf("orders-%d.json", batch))
		os.WriteFile(ordersFile, raw, 0o600)
		out := chaos(t, rng, dev, &kills, kills+40, func() *exec.Cmd { return ctlCmd(ctl, data, dev.addr(), "issue", ordersFile) })
		issuedLines, lastBatch = bytes.Count(out, []byte("\n")), len(orders)-len(more)
	}

	// Phase 2: red invoices against some of them, killed 15 more times.
	list := listAll(t, ctl, data, dev.addr())
	var blues []listLine
	for _, l := range list {
		if len(blues) < 12 && l.RedOf == "" && strings.HasPrefix(l.OrderID, "CRASH") {
			blues = append(blues, l)
		}
	}
	for i, b := range blues {
		args := []string{"red", "--of", b.Code + ":" + b.Number}
		if i%2 == 1 {
			linesFile := filepath.Join(dir, fmt.Sprintf("red-%d.json", i))
			os.WriteFile(linesFile, []byte(`[{"line": 1, "quantity": "1"}]`), 0o600)
			args = append(args, "--lines", linesFile, "--reason", "2")
		}
		target := kills + 2
		if i >= 8 {
			target = kills // the last ones without kills
		}
		chaos(t, rng, dev, &kills, target, func() *exec.Cmd { return ctlCmd(ctl, data, dev.addr(), args...) })
	}
	if kills < 50 {
		t.Fatalf("only %d kills", kills)
	}
	resolved := resolvedSoFar()
	if resolved == 0 {
		t.Fatalf("no run had to resolve an open request in five batches: the kills missed the window between intent and commit")
	}

	// The device's journal and the store: a full reconciliation finds nothing to import
	// and nothing that disagrees, and both count the same invoices.
	rep := reconcile(t, ctl, data, dev.addr())
	if rep.DeviceCount != uint64(rep.StoreCount) || len(rep.Mismatches) != 0 || rep.Imported != 0 {
		t.Fatalf("device and store disagree: %+v", rep)
	}

	// The orders: each issued exactly as its split set.
	list = listAll(t, ctl, data, dev.addr())
	if len(list) != rep.StoreCount {
		t.Fatalf("list shows %d invoices, the store counts %d", len(list), rep.StoreCount)
	}
	byOrder := map[string]int{}
	numbers := map[string][]int{}
	seen := map[string]bool{}
	reds := 0
	for _, l := range list {
		key := l.Code + ":" + l.Number
		if seen[key] {
			t.Fatalf("%s listed twice", key)
		}
		seen[key] = true
		n, _ := strconv.Atoi(l.Number)
		numbers[l.Code] = append(numbers[l.Code], n)
		if l.RedOf != "" {
			reds++
			continue
		}
		byOrder[l.OrderID]++
	}
	codes, _ := loadTaxCodes()
	cfg := invoice.Config{Codes: codes, Limits: invoice.DefaultLimits}
	wantTotal := 0 // of the last batch, which its last run printed in full
	for i, o := range orders {
		raw, _ := json.Marshal(o)
		dec, _ := orderfile.DecodeOrders(raw)
		checked, errs := invoice.Check(dec[0], cfg)
		if errs != nil {
			t.Fatalf("%v: %v", o["order_id"], errs)
		}
		id := o["order_id"].(string)
		if byOrder[id] != len(checked.Parts) {
			t.Errorf("order %s: %d invoices, want %d", id, byOrder[id], len(checked.Parts))
		}
		if i >= lastBatch {
			wantTotal += len(checked.Parts)
		}
	}
	if issuedLines != wantTotal {
		t.Errorf("the last run printed %d invoices, the orders make %d", issuedLines, wantTotal)
	}
	if reds != len(blues) {
		t.Errorf("%d red invoices, want %d", reds, len(blues))
	}
	// No number twice (checked above), no gap: each roll's numbers run on from its start.
	stOut, err := ctlCmd(ctl, data, dev.addr(), "device", "status").Output()
	if err != nil {
		t.Fatalf("device status: %v", err)
	}
	var st struct {
		Issued int `json:"issued"`
		Stock  []struct {
			Code  string `json:"code"`
			Start string `json:"start"`
		} `json:"stock"`
	}
	if err := json.Unmarshal(stOut, &st); err != nil {
		t.Fatal(err)
	}
	if st.Issued != len(list) {
		t.Fatalf("the device counts %d invoices, the store %d", st.Issued, len(list))
	}
	starts := map[string]int{}
	for _, r := range st.Stock {
		starts[r.Code], _ = strconv.Atoi(r.Start)
	}
	for code, ns := range numbers {
		sort.Ints(ns)
		start, ok := starts[code]
		if !ok {
			t.Fatalf("roll %s is not in the device's stock", code)
		}
		for i, n := range ns {
			if n != start+i {
				t.Fatalf("roll %s from %d: a gap or a repeat at %d (found %d)", code, start, start+i, n)
			}
		}
	}
	t.Logf("%d kills, %d open requests resolved after them; %d invoices (%d red) over %d rolls", kills, resolved, len(list), reds, len(numbers))
}

func listAll(t *testing.T, ctl, data, link string) []listLine {
	t.Helper()
	out, err := ctlCmd(ctl, data, link, "list", "--limit", "100000").Output()
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	var list []listLine
	for _, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		var l listLine
		if err := json.Unmarshal(line, &l); err != nil {
			t.Fatalf("list line %q: %v", line, err)
		}
		list = append(list, l)
	}
	return list
}
