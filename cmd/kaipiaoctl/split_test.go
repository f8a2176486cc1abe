package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// splitOrder is one order of n × 90,000.00 at 13 %: with the built-in per-invoice limit
// of 99,999.99 it splits into n invoices of 90,000.00 each.
func splitOrder(t *testing.T, dir, id string, n int) string {
	t.Helper()
	raw, _ := json.Marshal([]map[string]any{{
		"order_id": id, "buyer": map[string]string{"name": "厦门某某贸易有限公司"},
		"lines": []map[string]string{{"name": "服务器", "tax_code": "1090509010000000000", "unit": "台",
			"quantity": strconv.Itoa(n), "unit_price": "90000", "tax_rate": "0.13"}},
	}})
	path := filepath.Join(dir, id+".json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startDevsim starts a simulator process with extra flags and returns it.
func startDevsim(t *testing.T, bin, dir string, extra ...string) *devsim {
	t.Helper()
	d := &devsim{t: t, bin: bin, state: filepath.Join(dir, "devsim.db"), link: filepath.Join(dir, "ttyKP0")}
	d.cmd = exec.Command(bin, append([]string{"--state", d.state, "--pty", "--link", d.link, "--baud", "0",
		"--seller-tax-id", crashSellerTaxID}, extra...)...)
	out, err := d.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || !strings.HasPrefix(line, "PTY ") {
		t.Fatalf("kaipiao-devsim did not start: %q %v", line, err)
	}
	return d
}

// issuedLines reads kaipiaoctl's stdout: the issued invoices, and the other lines.
func issuedLines(t *testing.T, out []byte) (issued []listLine, other []map[string]any) {
	t.Helper()
	for _, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("stdout line %q: %v", line, err)
		}
		if _, ok := m["number"]; ok {
			var l listLine
			json.Unmarshal(line, &l)
			issued = append(issued, l)
		} else {
			other = append(other, m)
		}
	}
	return issued, other
}

// TestSplitOrderOverTheHeadroomIsRefusedWhole: an order splitting into 13 invoices of
// 90,000.00 exceeds the device's offline amount of 1,000,000.00 (the case that used to
// issue 11 and stop); another of 6 exceeds a stock of 5. Each is refused before its
// first invoice, naming the limit, and nothing is issued.
func TestSplitOrderOverTheHeadroomIsRefusedWhole(t *testing.T) {
	ctl, devsimBin := binaries(t)
	for _, c := range []struct {
		name  string
		flags []string
		parts int
		limit string
	}{
		{"offline amount", []string{"--offline-amount", "1000000.00"}, 13, "离线正数累计金额上限"},
		{"stock", []string{"--stock", "5"}, 6, "发票库存"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			data := filepath.Join(dir, "data")
			dev := startDevsim(t, devsimBin, dir, c.flags...)
			defer dev.kill()
			if out, err := ctlCmd(ctl, data, dev.link, "seller", "set", "--name", "厦门开票示范科技有限公司",
				"--tax-id", crashSellerTaxID).CombinedOutput(); err != nil {
				t.Fatalf("seller set: %v %s", err, out)
			}
			cmd := ctlCmd(ctl, data, dev.link, "issue", splitOrder(t, dir, "BIG-1", c.parts))
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if code := exitCode(err); code != exitRefused {
				t.Fatalf("exit %d (%v), want %d; stderr %s", code, err, exitRefused, stderr.String())
			}
			issued, other := issuedLines(t, out)
			if len(issued) != 0 {
				t.Fatalf("%d invoices issued of an order that cannot fit", len(issued))
			}
			if len(other) != 1 || !strings.Contains(other[0]["refused"].(string), c.limit) ||
				!strings.Contains(other[0]["refused"].(string), "未开具任何发票") {
				t.Fatalf("stdout %s, want the refusal naming %s", out, c.limit)
			}
			if !strings.Contains(stderr.String(), c.limit) {
				t.Errorf("stderr %q does not name the limit %s", stderr.String(), c.limit)
			}
			st := deviceIssued(t, ctl, data, dev.link)
			if st != 0 {
				t.Fatalf("the device issued %d invoices", st)
			}
		})
	}
}

// TestSplitOrderDeviceKilledAfterThirdOfFive: the device dies (a real process exit)
// while issuing the 4th of an order's 5 invoices. `kaipiaoctl issue` prints the 3 issued,
// one JSON line each, and says the order is partly issued; with the device back, `issue
// --rest` completes it: 5 invoices, consecutive numbers, none used twice.
func TestSplitOrderDeviceKilledAfterThirdOfFive(t *testing.T) {
	ctl, devsimBin := binaries(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	dev := startDevsim(t, devsimBin, dir, "--fault", "crash-before-commit@4")
	if out, err := ctlCmd(ctl, data, dev.link, "seller", "set", "--name", "厦门开票示范科技有限公司",
		"--tax-id", crashSellerTaxID).CombinedOutput(); err != nil {
		t.Fatalf("seller set: %v %s", err, out)
	}
	order := splitOrder(t, dir, "FIVE-1", 5)
	cmd := ctlCmd(ctl, data, dev.link, "issue", order)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if code := exitCode(err); code != exitRefused {
		t.Fatalf("exit %d (%v), want %d; stderr %s", code, err, exitRefused, stderr.String())
	}
	issued, other := issuedLines(t, out)
	if len(issued) != 3 {
		t.Fatalf("stdout shows %d invoices, want the 3 issued:\n%s", len(issued), out)
	}
	if len(other) != 1 || other[0]["partly_issued"] != float64(3) {
		t.Fatalf("stdout %s: want the order marked partly issued", out)
	}
	if !strings.Contains(stderr.String(), "issue --rest FIVE-1") {
		t.Errorf("stderr %q does not say how to issue the rest", stderr.String())
	}
	dev.cmd.Wait() // it died of the injected crash

	// The device is back (its state survived); the rest is issued, the 3 replayed.
	dev = startDevsim(t, devsimBin, dir)
	defer dev.kill()
	out, err = ctlCmd(ctl, data, dev.link, "issue", "--rest").Output()
	if err != nil {
		t.Fatalf("issue --rest: %v\n%s", err, out)
	}
	checkRestOfFive(t, out, issued, deviceIssued(t, ctl, data, dev.link))
	// Complete now: nothing left to issue.
	cmd = ctlCmd(ctl, data, dev.link, "issue", "--rest")
	stderr.Reset()
	cmd.Stderr = &stderr
	if out, err := cmd.Output(); err != nil || len(bytes.TrimSpace(out)) != 0 || !strings.Contains(stderr.String(), "no order is partly issued") {
		t.Fatalf("a second issue --rest: %v %q %q", err, out, stderr.String())
	}
	rep := reconcile(t, ctl, data, dev.link)
	if rep.DeviceCount != 5 || rep.StoreCount != 5 || len(rep.Mismatches) != 0 {
		t.Fatalf("reconcile: %+v", rep)
	}
}

func num(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// deviceIssued asks the device how many invoices it has issued.
func deviceIssued(t *testing.T, ctl, data, link string) int {
	t.Helper()
	out, err := ctlCmd(ctl, data, link, "device", "status").Output()
	if err != nil {
		t.Fatalf("device status: %v", err)
	}
	var st struct {
		Issued int `json:"issued"`
	}
	if err := json.Unmarshal(out, &st); err != nil {
		t.Fatal(err)
	}
	return st.Issued
}

// checkRestOfFive checks what `issue --rest` printed for a five-part order of which the
// first three were issued before (issued): all five, each number once, the first three
// as first issued, the numbers consecutive; and that the device counts five (onDevice).
func checkRestOfFive(t *testing.T, out []byte, issued []listLine, onDevice int) {
	t.Helper()
	all, _ := issuedLines(t, out)
	if len(all) != 5 {
		t.Fatalf("issue --rest printed %d invoices, want 5:\n%s", len(all), out)
	}
	seen := map[string]bool{}
	for i, l := range all {
		if seen[l.Number] {
			t.Fatalf("number %s used twice", l.Number)
		}
		seen[l.Number] = true
		if i < 3 && l.Number != issued[i].Number {
			t.Errorf("part %d: %s, first issued as %s", i+1, l.Number, issued[i].Number)
		}
		if i > 0 && num(l.Number) != num(all[i-1].Number)+1 {
			t.Errorf("numbers %s then %s", all[i-1].Number, l.Number)
		}
	}
	if onDevice != 5 {
		t.Fatalf("the device issued %d invoices, want 5", onDevice)
	}
}
