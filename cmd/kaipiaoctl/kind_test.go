package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// docs/rules.md "Invoice code": an e-special order issued through the built-in simulator
// takes a number from an e-special roll (type digits 13), and its code, the PDF's title
// and the QR code's type (08) agree — the review's e-special invoice came off the
// e-ordinary roll (…11) under a 电子专用发票 title with QR type 08.
func TestESpecialInvoiceCodeTitleAndQRAgree(t *testing.T) {
	data := t.TempDir()
	order := filepath.Join(t.TempDir(), "special.json")
	if err := os.WriteFile(order, []byte(`{"order_id": "SP-1", "type": "e-special",
		"buyer": {"name": "示例公司", "tax_id": "91350200776049653A", "address_phone": "厦门 0592-1", "bank_account": "中国银行 1"},
		"lines": [{"name": "软件开发服务", "tax_code": "3040201010000000000", "amount": "100.00", "tax_rate": "0.06"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "", "--data", data, "issue", order)
	if code != exitOK {
		t.Fatalf("issue: %d %s", code, stderr)
	}
	var issued struct{ Code, Number string }
	if err := json.Unmarshal([]byte(out), &issued); err != nil {
		t.Fatal(err)
	}
	if len(issued.Code) != 12 || issued.Code[10:] != "13" || issued.Number != "00000001" {
		t.Fatalf("an e-special invoice issued as %s:%s", issued.Code, issued.Number)
	}
	file := filepath.Join(t.TempDir(), "special.pdf")
	if code, _, stderr := runCLI(t, "", "--data", data, "pdf", issued.Code+":"+issued.Number, "-o", file); code != exitOK {
		t.Fatalf("pdf: %d %s", code, stderr)
	}
	text, err := exec.Command("pdftotext", "-layout", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils, installed by scripts/deps.sh): %v", err)
	}
	if !strings.Contains(string(text), "增值税电子专用发票") || strings.Contains(string(text), "电子普通发票") {
		t.Errorf("the PDF's title is not 电子专用发票:\n%s", text)
	}
	png := filepath.Join(t.TempDir(), "page")
	if out, err := exec.Command("pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", "-singlefile", file, png).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	qr, err := exec.Command("zbarimg", "-q", "--raw", png+".png").Output()
	if err != nil {
		t.Fatalf("zbarimg (zbar-tools, installed by scripts/deps.sh): %v", err)
	}
	if want := "01,08," + issued.Code + "," + issued.Number + ","; !strings.HasPrefix(string(qr), want) {
		t.Errorf("QR %q, want it to start %q", qr, want)
	}
	// The e-ordinary stock is untouched: the next e-ordinary invoice is still number 1.
	code, out, stderr = runCLI(t, "", "--data", data, "issue", "../../docs/examples/01-software-service.json")
	if code != exitOK || !strings.Contains(out, `"number":"00000001"`) || !strings.Contains(out, `11","number"`) {
		t.Fatalf("e-ordinary after e-special: %d %s %s", code, out, stderr)
	}
}
