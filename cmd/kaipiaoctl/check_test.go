package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	ksync "github.com/kaipiao/kaipiao/sync"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runCLI runs kaipiaoctl in-process and returns its exit status and output.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// jsonObjects reads one indented object or one object per line.
func jsonObjects(t *testing.T, out string) []map[string]any {
	t.Helper()
	var one map[string]any
	if err := json.Unmarshal([]byte(out), &one); err == nil {
		return []map[string]any{one}
	}
	var all []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("not JSON: %q: %v", sc.Text(), err)
		}
		all = append(all, m)
	}
	return all
}

type expectTotals struct {
	orderID, amount, tax, total, words string
	split                              string
}

// readmeExpectations parses the tables of docs/examples/README.md: what check must print
// for each example file.
func readmeExpectations(t *testing.T) (valid map[string][]expectTotals, invalid map[string][]string, only map[string]bool) {
	t.Helper()
	data, err := os.ReadFile("../../docs/examples/README.md")
	if err != nil {
		t.Fatal(err)
	}
	valid, invalid, only = map[string][]expectTotals{}, map[string][]string{}, map[string]bool{}
	cell := regexp.MustCompile(`\s*\|\s*`)
	fieldRE := regexp.MustCompile("`([^`]+)`")
	orderRE := regexp.MustCompile(`(\S+): amount (\S+), tax (\S+), total (\S+) \((\S+)\)`)
	sameRE := regexp.MustCompile(`the same two orders as (\S+) and (\S+)`)
	var last []expectTotals
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := cell.Split(strings.Trim(line, "| "), -1)
		file := strings.Fields(cells[0])[0]
		switch {
		case strings.HasSuffix(file, ".json") && len(cells) == 6:
			valid[file] = []expectTotals{{amount: cells[1], tax: cells[2], total: cells[3], words: cells[4], split: cells[5]}}
		case strings.HasSuffix(file, ".json") && len(cells) == 2:
			for _, m := range fieldRE.FindAllStringSubmatch(cells[1], -1) {
				invalid[file] = append(invalid[file], m[1])
			}
			only[file] = strings.Contains(cells[1], " only")
			if len(invalid[file]) == 0 {
				invalid[file] = nil // described in words: any error, see the override below
			}
		case strings.HasSuffix(file, ".csv"):
			var exp []expectTotals
			for _, m := range orderRE.FindAllStringSubmatch(cells[1], -1) {
				exp = append(exp, expectTotals{orderID: m[1], amount: m[2], tax: m[3], total: m[4], words: m[5], split: "1"})
			}
			if m := sameRE.FindStringSubmatch(cells[1]); m != nil && len(last) == 2 {
				exp = append([]expectTotals{}, last...)
				exp[0].orderID, exp[1].orderID = m[1], m[2]
			}
			valid[file], last = exp, exp
		}
	}
	return valid, invalid, only
}

func TestCheckPrintsWhatTheExamplesReadmeSays(t *testing.T) {
	valid, invalid, only := readmeExpectations(t)
	if len(valid) != 8 || len(invalid) != 10 {
		t.Fatalf("parsed %d valid and %d invalid examples from the README, want 8 and 10", len(valid), len(invalid))
	}
	// e06's fields are described in words ("the invoice's tax"): its path is totals.tax.
	invalid["e06-invoice-tax-tolerance.json"] = []string{"totals.tax"}

	for file, exps := range valid {
		t.Run(file, func(t *testing.T) {
			code, out, stderr := runCLI(t, "", "check", "../../docs/examples/"+file)
			if code != exitOK {
				t.Fatalf("exit %d, stderr %s", code, stderr)
			}
			objs := jsonObjects(t, out)
			if len(objs) != len(exps) {
				t.Fatalf("%d objects, want %d", len(objs), len(exps))
			}
			for i, exp := range exps {
				got := objs[i]
				totals := got["totals"].(map[string]any)
				if exp.orderID != "" && got["order_id"] != exp.orderID {
					t.Errorf("order %v, want %s", got["order_id"], exp.orderID)
				}
				for k, want := range map[string]string{"amount": exp.amount, "tax": exp.tax, "total": exp.total, "total_in_words": exp.words} {
					if totals[k] != want {
						t.Errorf("%v %s = %v, want %s", got["order_id"], k, totals[k], want)
					}
				}
				if split, _ := json.Marshal(got["split"]); string(split) != exp.split {
					t.Errorf("split %s, want %s", split, exp.split)
				}
			}
		})
	}
	for file, fields := range invalid {
		t.Run(file, func(t *testing.T) {
			code, out, _ := runCLI(t, "", "check", "../../docs/examples/"+file)
			if code != exitRefused {
				t.Fatalf("exit %d, want %d", code, exitRefused)
			}
			got := map[string]bool{}
			for _, e := range jsonObjects(t, out)[0]["errors"].([]any) {
				em := e.(map[string]any)
				got[em["field"].(string)] = true
				if em["rule"] == "" || em["message"] == "" {
					t.Errorf("error without rule or message: %v", em)
				}
			}
			for _, f := range fields {
				if !got[f] {
					t.Errorf("no error on %s; got %v", f, got)
				}
			}
			if only[file] && len(got) != len(fields) {
				t.Errorf("only %v may be in error, got %v", fields, got)
			}
		})
	}
}

func TestCheckReadsStandardInput(t *testing.T) {
	data, err := os.ReadFile("../../docs/examples/01-software-service.json")
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, string(data), "check", "-")
	if code != exitOK || !strings.Contains(out, `"total_in_words": "壹万零柒拾圆整"`) {
		t.Errorf("exit %d: %s", code, out)
	}
}

func TestCheckArrayPrintsOneLinePerOrder(t *testing.T) {
	a, _ := os.ReadFile("../../docs/examples/01-software-service.json")
	b, _ := os.ReadFile("../../docs/examples/e01-bad-credit-code.json")
	code, out, _ := runCLI(t, "["+string(a)+","+string(b)+"]", "check", "-")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitRefused || len(lines) != 2 {
		t.Fatalf("exit %d, %d lines: %s", code, len(lines), out)
	}
	objs := jsonObjects(t, out)
	if objs[0]["order_id"] != "SO-20261126-0001" || objs[1]["order_id"] != "BAD-01" || objs[1]["errors"] == nil {
		t.Errorf("objects %v", objs)
	}
}

func TestCheckUsageErrors(t *testing.T) {
	if code, _, _ := runCLI(t, "", "check"); code != exitUsage {
		t.Errorf("no file: exit %d", code)
	}
	if code, _, stderr := runCLI(t, "", "check", "/nonexistent/order.json"); code != exitUsage || !strings.Contains(stderr, "no such file") {
		t.Errorf("missing file: exit %d, %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "", "check", "orders.txt"); code != exitUsage {
		t.Errorf("unknown format: exit %d", code)
	}
	if code, out, _ := runCLI(t, "{not json", "check", "-"); code != exitRefused || !strings.Contains(out, "json.syntax") {
		t.Errorf("bad JSON: exit %d, %s", code, out)
	}
	if code, _, _ := runCLI(t, "", "frobnicate"); code != exitUsage {
		t.Errorf("unknown command: exit %d", code)
	}
	if code, out, _ := runCLI(t, "", "help"); code != exitOK || !strings.Contains(out, "check [--merge-by-buyer] FILE") {
		t.Errorf("help: exit %d, %s", code, out)
	}
}

func TestPDFOfAnIssuedInvoice(t *testing.T) {
	t.Setenv(ksync.DemoKeysEnv, "1") // a demo set, as in make run's folder
	data := t.TempDir()
	code, out, stderr := runCLI(t, "", "--data", data, "issue", "../../docs/examples/01-software-service.json")
	if code != exitOK {
		t.Fatalf("issue: %d %s", code, stderr)
	}
	var issued struct{ Code, Number string }
	if err := json.Unmarshal([]byte(out), &issued); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "invoice.pdf")
	code, out, stderr = runCLI(t, "", "--data", data, "pdf", issued.Code+":"+issued.Number, "-o", file)
	if code != exitOK || strings.TrimSpace(out) != file {
		t.Fatalf("pdf: %d %q %s", code, out, stderr)
	}
	text, err := exec.Command("pdftotext", "-layout", file, "-").Output()
	if err != nil {
		t.Skipf("pdftotext: %v", err)
	}
	for _, want := range []string{issued.Code, issued.Number, "壹万零柒拾圆整", "*信息技术服务*软件开发服务", "厦门示例科技有限公司"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	if code, _, _ := runCLI(t, "", "--data", data, "pdf", "035022600111:99999999", "-o", file); code != exitRefused {
		t.Errorf("an unknown invoice: exit %d", code)
	}
	if !strings.Contains(stderr, "unsigned") {
		t.Errorf("without a seal certificate the PDF is unsigned and says so: %q", stderr)
	}

	// With the PKI set up, the seller's seal signs the PDF, and pdfsig verifies it.
	if code, _, stderr := runCLI(t, "", "--data", data, "pki", "init", filepath.Join(t.TempDir(), "platform-pki")); code != exitOK {
		t.Fatalf("pki init: %d %s", code, stderr)
	}
	if code, _, stderr = runCLI(t, "", "--data", data, "pdf", issued.Code+":"+issued.Number, "-o", file); code != exitOK || strings.Contains(stderr, "unsigned") {
		t.Fatalf("pdf after pki init: %d %s", code, stderr)
	}
	sig, err := exec.Command("pdfsig", file).CombinedOutput()
	if err != nil && len(sig) == 0 {
		t.Skipf("pdfsig: %v", err)
	}
	if !strings.Contains(string(sig), "Signature is Valid") {
		t.Errorf("pdfsig: %s", sig)
	}
}

// Issuing the same file twice prints the same invoices, the second time replayed.
func TestIssueTheSameFileTwice(t *testing.T) {
	data := t.TempDir()
	run := func() []map[string]any {
		code, out, stderr := runCLI(t, "", "--data", data, "issue", "../../docs/examples/07-orders.csv")
		if code != exitOK {
			t.Fatalf("issue: exit %d: %s", code, stderr)
		}
		return jsonObjects(t, out)
	}
	first, second := run(), run()
	if len(first) != 2 || len(second) != 2 {
		t.Fatalf("%d and %d invoices, want 2 and 2", len(first), len(second))
	}
	for i := range first {
		for _, k := range []string{"order_id", "code", "number", "check_code", "issued_at", "total"} {
			if first[i][k] != second[i][k] {
				t.Errorf("invoice %d: %s %v then %v", i, k, first[i][k], second[i][k])
			}
		}
		if first[i]["replayed"] != false || second[i]["replayed"] != true {
			t.Errorf("invoice %d: replayed %v then %v", i, first[i]["replayed"], second[i]["replayed"])
		}
	}
}

// kaipiaoctl is the headless workstation for servers and scripts: it must not link the
// GUI toolkit (cgo, OpenGL), even through a shared package.
func TestKaipiaoctlDoesNotLinkTheGUI(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") || dep == "github.com/kaipiao/kaipiao/ui" {
			t.Fatalf("kaipiaoctl depends on %s", dep)
		}
	}
}

// A table with an ERP's own headers is issued through a saved mapping, and one buyer's
// orders merged into one invoice.
func TestIssueThroughAMappingMergedByBuyer(t *testing.T) {
	data := t.TempDir()
	mapping := filepath.Join(t.TempDir(), "erp.json")
	os.WriteFile(mapping, []byte(`{"单号": "order_id", "客户": "buyer_name", "品名": "name", "编码": "tax_code", "金额": "amount", "税率": "tax_rate"}`), 0o600)
	if code, _, stderr := runCLI(t, "", "--data", data, "mapping", "set", "erp", mapping); code != exitOK {
		t.Fatalf("mapping set: %d %s", code, stderr)
	}
	table := "单号,客户,品名,编码,金额,税率\nA-1,示例公司,服务,3040201010000000000,100.00,0.06\nA-2,示例公司,维护,3040201030000000000,50.00,0.06\n"
	file := filepath.Join(t.TempDir(), "erp.csv")
	os.WriteFile(file, []byte(table), 0o600)
	code, out, stderr := runCLI(t, "", "--data", data, "issue", "--mapping", "erp", "--merge-by-buyer", file)
	if code != exitOK {
		t.Fatalf("issue: %d %s", code, stderr)
	}
	objs := jsonObjects(t, out)
	if len(objs) != 1 || objs[0]["total"] != "159.00" {
		t.Fatalf("want one merged invoice of 159.00, got %v", objs)
	}
	if code, _, _ := runCLI(t, "", "--data", data, "issue", file); code != exitRefused {
		t.Errorf("without the mapping the ERP's headers are unknown columns: exit %d", code)
	}
}

// An invoice whose buyer gave an e-mail address is queued for mail, and list and show
// say so.
func TestListAndShowTheMailState(t *testing.T) {
	data := t.TempDir()
	if code, _, stderr := runCLI(t, "", "--data", data, "issue", "../../docs/examples/01-software-service.json"); code != exitOK {
		t.Fatalf("issue: %s", stderr)
	}
	code, out, _ := runCLI(t, "", "--data", data, "list")
	if code != exitOK || !strings.Contains(out, `"mail":"queued"`) {
		t.Fatalf("list: %s", out)
	}
	code, out, _ = runCLI(t, "", "--data", data, "show", "SO-20261126-0001")
	if code != exitOK || !strings.Contains(out, `"to": "finance@example.com"`) {
		t.Fatalf("show: %s", out)
	}
}
