package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/einvoicexml"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/ofd"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/platform/platformtest"
	"github.com/kaipiao/kaipiao/workstation"
)

// TestDigitalDocuments is acceptance 4 of the digital channel, through the data
// folder's real store: a blue 数电 invoice and its red one (through a confirmation slip)
// are stored; `kaipiaoctl xml NUMBER` writes data files that xmllint validates against
// docs/einvoice.xsd, whose number, totals and lines are the store's; `kaipiaoctl pdf
// NUMBER` writes PDFs whose text (pdftotext) and QR code (zbarimg) carry the same number
// and 价税合计; `kaipiaoctl ofd NUMBER` writes a signed OFD carrying that XML.
func TestDigitalDocuments(t *testing.T) {
	for _, tool := range []string{"xmllint", "pdftotext", "pdftoppm", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: make deps installs it", tool)
		}
	}
	t.Setenv(pki.DemoKeysEnv, "1")
	data := t.TempDir()
	blue, err := pdftest.DigitalExample("02-computers-tax-inclusive.json", pdftest.DigitalNumber(43))
	if err != nil {
		t.Fatal(err)
	}
	red, err := pdftest.DigitalRed(blue, pdftest.DigitalNumber(44), "35020026112600000007")
	if err != nil {
		t.Fatal(err)
	}
	db, err := workstation.OpenStore(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ImportIssued(invoice.Receipt{Invoice: blue, Counter: 1}, invoice.Receipt{Invoice: red, Counter: 2}); err != nil {
		t.Fatal(err)
	}
	var stored []*invoice.Invoice
	for _, n := range []string{blue.Number, red.Number} {
		rec, err := db.ByNumber("", n)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, rec.Invoice)
	}
	db.Close()
	if code, _, stderr := runCLI(t, "", "--data", data, "pki", "init", filepath.Join(t.TempDir(), "platform-pki")); code != exitOK {
		t.Fatalf("pki init: %d %s", code, stderr)
	}

	run := func(args ...string) (int, string, string) {
		return runCLI(t, "", append([]string{"--data", data}, args...)...)
	}
	checkDigitalDocuments(t, run, stored, blue.Number, "35020026112600000007")
	dir := t.TempDir()
	if code, _, _ := runCLI(t, "", "--data", data, "xml", pdftest.DigitalNumber(99), "-o", filepath.Join(dir, "x.xml")); code != exitRefused {
		t.Errorf("an unknown 数电 number: exit %d", code)
	}
	if code, _, _ := runCLI(t, "", "--data", data, "pdf", "2635700000000000004", "-o", filepath.Join(dir, "x.pdf")); code != exitUsage {
		t.Errorf("a 19-digit number: exit %d", code)
	}
}

// checkDigitalDocuments writes the data file, PDF and OFD of each stored 数电 invoice with
// run (kaipiaoctl on the folder) and checks them against the store's invoice: the data
// file valid against docs/einvoice.xsd with the store's number, totals and lines, a red
// one naming blueNumber and slip; the PDF's text and QR code with the number and 价税合计;
// the OFD signed and carrying the same data file.
func checkDigitalDocuments(t *testing.T, run func(args ...string) (int, string, string), stored []*invoice.Invoice, blueNumber, slip string) {
	t.Helper()
	xsd, _ := filepath.Abs("../../docs/einvoice.xsd")
	dir := t.TempDir()
	for _, inv := range stored {
		n := inv.Number
		xmlFile, pdfFile, ofdFile := filepath.Join(dir, n+".xml"), filepath.Join(dir, n+".pdf"), filepath.Join(dir, n+".ofd")
		for what, file := range map[string]string{"xml": xmlFile, "pdf": pdfFile, "ofd": ofdFile} {
			if code, out, stderr := run(what, n, "-o", file); code != exitOK || strings.TrimSpace(out) != file {
				t.Fatalf("%s %s: %d %q %s", what, n, code, out, stderr)
			}
		}

		// The data file: valid, and the store's number, totals and lines.
		if out, err := exec.Command("xmllint", "--noout", "--schema", xsd, xmlFile).CombinedOutput(); err != nil {
			t.Fatalf("%s: xmllint: %v\n%s", n, err, out)
		}
		x, _ := os.ReadFile(xmlFile)
		e, err := einvoicexml.Unmarshal(x)
		if err != nil {
			t.Fatal(err)
		}
		tot := inv.Totals()
		b := e.Data.Basic
		if e.Header.EIid != n || e.TaxSupervision.InvoiceNumber != n || b.TotalAmWithoutTax != tot.Amount.String() ||
			b.TotalTaxAm != tot.Tax.String() || b.TotalTaxIncluded != tot.Total.String() || len(e.Data.Items) != len(inv.Lines) {
			t.Errorf("%s: the data file says %s %+v with %d lines; the store %+v with %d", n, e.Header.EIid, b, len(e.Data.Items), tot, len(inv.Lines))
		}
		for i, it := range e.Data.Items {
			l := inv.Lines[i]
			r, err := it.Rate()
			if err != nil || r != l.Rate || it.ItemName != l.PrintedName() || it.Amount != l.Amount.String() || it.ComTaxAm != l.Tax.String() {
				t.Errorf("%s line %d: %+v, the store's %+v", n, i+1, it, l)
			}
		}
		if inv.IsRed() {
			if sp := e.Data.Specific; sp == nil || sp.Red == nil || sp.Red.BlueInvoiceNumber != blueNumber || sp.Red.ConfirmationNumber != slip || len(slip) != 20 {
				t.Errorf("%s: RedEInvoice %+v", n, sp)
			}
			if !strings.HasPrefix(b.TotalTaxIncludedInWord, "（负数）") || !strings.HasPrefix(b.TotalTaxIncluded, "-") {
				t.Errorf("%s: red totals %+v", n, b)
			}
		}

		// The PDF: its text and its QR code carry the store's number and 价税合计.
		text, err := exec.Command("pdftotext", "-raw", pdfFile, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		flat := strings.NewReplacer(" ", "", "\n", "").Replace(string(text))
		for _, want := range []string{n, "¥" + tot.Total.String(), "¥" + tot.Amount.String(), "¥" + tot.Tax.String(), inv.Kind.Title()} {
			if !strings.Contains(flat, want) {
				t.Errorf("%s: pdftotext lacks %q", n, want)
			}
		}
		if inv.IsRed() && (!strings.Contains(flat, "被红冲蓝字数电票号码："+blueNumber) || !strings.Contains(flat, "红字发票信息确认单编号："+slip)) {
			t.Errorf("%s: the red PDF does not name the blue invoice and the slip", n)
		}
		png := filepath.Join(dir, n)
		if out, err := exec.Command("pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", "-singlefile", pdfFile, png).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, out)
		}
		qr, err := exec.Command("zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png+".png").Output()
		if err != nil {
			t.Fatalf("zbarimg: %v", err)
		}
		f := strings.Split(strings.TrimSpace(string(qr)), ",")
		if len(f) != 9 || f[1] != inv.Kind.QRType() || f[2] != "" || f[3] != n || f[4] != tot.Total.String() || f[6] != "" {
			t.Errorf("%s: the QR code reads %q", n, f)
		}

		// The OFD: sealed by the enterprise, carrying the same data file.
		doc, _ := os.ReadFile(ofdFile)
		if _, err := ofd.Verify(doc); err != nil {
			t.Errorf("%s: the OFD does not verify: %v", n, err)
		}
		files, err := ofd.Unpack(doc)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(files["Doc_0/Attachs/"+ofd.XMLName], x) {
			t.Errorf("%s: the OFD's attached XML differs from kaipiaoctl xml's", n)
		}
	}
}

// TestDigitalDocumentsEndToEnd: the same checks on 数电 invoices issued end to end — real
// kaipiaoctl and kaipiao-platform processes, the digital channel's numbers and quota —
// a blue invoice with a discount line to a consumer and its quick full red through the
// slip the platform makes (01); the documents are checked against the data folder's store.
func TestDigitalDocumentsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the programs")
	}
	ctl, _ := binaries(t)
	plat := platformBinary(t)
	dir := t.TempDir()
	platPKI, platData := filepath.Join(dir, "platform-pki"), filepath.Join(dir, "platform")
	seller := &station{t: t, bin: ctl, data: filepath.Join(dir, "seller")}
	seller.ok(nil, "pki", "init", platPKI)
	seller.ok(nil, "--channel", "digital", "seller", "set", "--name", acceptSellerName, "--tax-id", acceptSeller)
	p := startSlipPlatform(t, plat, platData, platPKI)
	seller.url = p.url
	cmd := exec.Command(plat, append(append([]string{"quota", "set"}, platformtest.Flags(t, platData)...), "--tax-id", acceptSeller, "--amount", "100000")...)
	cmd.Env = append(os.Environ(), pki.DemoKeysEnv+"=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("quota set: %v %s", err, out)
	}
	seller.ok(nil, "digital", "fetch", "--numbers", "10", "--quota", "50000")

	orders := filepath.Join(dir, "orders.json")
	if err := os.WriteFile(orders, []byte(`[{"order_id":"DOC-1","buyer":{"name":"张三"},"remark":"合同号 HT-2026-001",`+
		`"lines":[{"name":"软件开发服务","tax_code":"3040201010000000000","spec":"V2.0","unit":"项","quantity":"1","unit_price":"10000","tax_rate":"0.06","discount":"500.00"},`+
		`{"name":"计算机配件","tax_code":"1090509020000000000","unit":"件","quantity":"2","unit_price":"50","tax_rate":"0.13"}]}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	var blue, red acceptRed
	seller.ok(&blue, "issue", orders)
	seller.ok(nil, "sync", "--once")
	seller.ok(&red, "red", "--quick", "--of", blue.Number)
	if len(blue.Number) != 20 || len(red.Number) != 20 || len(red.Slip) != 20 || red.Blue != blue.Number {
		t.Fatalf("blue %+v, red %+v", blue, red)
	}

	db, err := workstation.OpenStore(seller.data)
	if err != nil {
		t.Fatal(err)
	}
	var stored []*invoice.Invoice
	for _, n := range []string{blue.Number, red.Number} {
		rec, err := db.ByNumber("", n)
		if err != nil {
			t.Fatal(err)
		}
		if !rec.Invoice.Kind.Digital() || rec.Invoice.Code != "" {
			t.Fatalf("%s is stored as %s, code %q", n, rec.Invoice.Kind, rec.Invoice.Code)
		}
		stored = append(stored, rec.Invoice)
	}
	db.Close()
	checkDigitalDocuments(t, seller.run, stored, blue.Number, red.Slip)
}
