package einvoicexml

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
)

// samples are a blue invoice with a discount line, its red reversal and a 30-line one.
func samples(t *testing.T) map[string]*invoice.Invoice {
	t.Helper()
	blue, err := pdftest.Example("01-software-service.json", "00000042")
	if err != nil {
		t.Fatal(err)
	}
	computers, err := pdftest.Example("02-computers-tax-inclusive.json", "00000043")
	if err != nil {
		t.Fatal(err)
	}
	red, err := pdftest.Red(computers, "00000044")
	if err != nil {
		t.Fatal(err)
	}
	long, err := pdftest.Long(30, "00000045")
	if err != nil {
		t.Fatal(err)
	}
	dblue := pdftest.Digitalize(blue, pdftest.DigitalNumber(42))
	dcomputers := pdftest.Digitalize(computers, pdftest.DigitalNumber(43))
	dred, err := pdftest.DigitalRed(dcomputers, pdftest.DigitalNumber(44), "35020026112600000007")
	if err != nil {
		t.Fatal(err)
	}
	dspecial := pdftest.Digitalize(blue, pdftest.DigitalNumber(46))
	dspecial.Kind = invoice.KindDigitalSpecial
	return map[string]*invoice.Invoice{"blue": blue, "red": red, "thirty-lines": long,
		"digital-blue": dblue, "digital-red": dred, "digital-special": dspecial,
		"digital-thirty-lines": pdftest.Digitalize(long, pdftest.DigitalNumber(45))}
}

// TestSchema validates each sample's data file against docs/einvoice.xsd with xmllint
// (Debian libxml2-utils), and reads the totals and the number back.
func TestSchema(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint is missing: make deps installs libxml2-utils")
	}
	xsd, _ := filepath.Abs("../docs/einvoice.xsd")
	for name, inv := range samples(t) {
		data, err := Marshal(inv)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), name+".xml")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(xmllint, "--noout", "--schema", xsd, file).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: xmllint: %v\n%s", name, err, out)
		}
		e, err := Unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		tot := inv.Totals()
		if e.Header.EIid != inv.Code+inv.Number || e.Data.Basic.TotalTaxIncluded != tot.Total.String() ||
			e.Data.Basic.TotalAmWithoutTax != tot.Amount.String() || e.Data.Basic.TotalTaxAm != tot.Tax.String() ||
			len(e.Data.Items) != len(inv.Lines) || e.Data.Buyer.Name != inv.Buyer.Name || e.Data.Seller.IDNum != inv.Seller.TaxID {
			t.Errorf("%s: read back %+v", name, e.Data.Basic)
		}
		if inv.IsRed() != (e.Header.InherentLabel.InIssuType.LabelCode == "N") {
			t.Errorf("%s: InIssuType %v", name, e.Header.InherentLabel.InIssuType)
		}
		if inv.IsRed() && !strings.HasPrefix(e.Data.Basic.TotalTaxIncludedInWord, "（负数）") {
			t.Errorf("%s: amount in words %q", name, e.Data.Basic.TotalTaxIncludedInWord)
		}
		sameLines(t, name, e, inv)
		if inv.Kind.Digital() {
			digitalFields(t, name, e, inv)
		}
	}
}

// sameLines checks each IssuItemInformation against the invoice's line.
func sameLines(t *testing.T, name string, e *EInvoice, inv *invoice.Invoice) {
	t.Helper()
	for i, it := range e.Data.Items {
		l := inv.Lines[i]
		r, err := it.Rate()
		if err != nil || r != l.Rate || it.ItemName != l.PrintedName() || it.Amount != l.Amount.String() ||
			it.ComTaxAm != l.Tax.String() || it.TotaltaxIncludedAmount != (l.Amount+l.Tax).String() ||
			it.TaxClassificationCode != l.TaxCode || it.Quantity != decimalOrEmpty(l) {
			t.Errorf("%s: line %d reads %+v (rate %v, %v), want %+v", name, i+1, it, r, err, l)
		}
	}
}

func decimalOrEmpty(l invoice.Line) string {
	if !l.HasQuantity() {
		return ""
	}
	return l.Quantity.String()
}

// digitalFields checks what a 数电 data file has of its own: the 20-digit number with no
// code, the tax bureau of its region, the enterprise's signature, and on a red invoice
// the blue number and the confirmation slip.
func digitalFields(t *testing.T, name string, e *EInvoice, inv *invoice.Invoice) {
	t.Helper()
	ts := e.TaxSupervision
	if e.Header.EIid != inv.Number || len(e.Header.EIid) != 20 || ts.InvoiceNumber != inv.Number || ts.InvoiceCode != "" ||
		ts.CheckCode != "" || ts.MachineNumber != "" || e.Header.EInvoiceTag != "SWEI3500" ||
		ts.TaxBureauCode != "13500000000" || ts.TaxBureauName != "国家税务总局福建省税务局" {
		t.Errorf("%s: header %+v, supervision %+v", name, e.Header, ts)
	}
	if e.SellerAuthentication == nil || e.SellerAuthentication.SignatureValue == "" {
		t.Errorf("%s: no SellerAuthentication", name)
	}
	wantVAT := "普通发票"
	if inv.Kind == invoice.KindDigitalSpecial {
		wantVAT = "增值税专用发票"
	}
	if e.Header.InherentLabel.GeneralOrSpecialVAT.LabelName != wantVAT {
		t.Errorf("%s: GeneralOrSpecialVAT %v", name, e.Header.InherentLabel.GeneralOrSpecialVAT)
	}
	if !inv.IsRed() {
		return
	}
	sp := e.Data.Specific
	if sp == nil || sp.Red == nil || sp.Red.BlueInvoiceNumber != inv.Red.Number || sp.Red.BlueInvoiceCode != "" ||
		sp.Red.ConfirmationNumber != inv.Red.Slip || inv.Red.Slip == "" {
		t.Fatalf("%s: SpecificInformation %+v", name, sp)
	}
	want := "被红冲蓝字数电票号码：" + inv.Red.Number + " 红字发票信息确认单编号：" + inv.Red.Slip
	if e.Data.Additional == nil || e.Data.Additional.Remark != want {
		t.Errorf("%s: remark %+v, want %q", name, e.Data.Additional, want)
	}
	for i, it := range e.Data.Items {
		if !strings.HasPrefix(it.Amount, "-") || !strings.HasPrefix(it.TotaltaxIncludedAmount, "-") {
			t.Errorf("%s: line %d is not negative: %+v", name, i+1, it)
		}
	}
}

// TestReadsPercentRates: a data file from elsewhere that writes its rates 6% reads as
// one that writes 0.06, and validates.
func TestReadsPercentRates(t *testing.T) {
	data, err := Marshal(samples(t)["digital-blue"])
	if err != nil {
		t.Fatal(err)
	}
	pct := strings.ReplaceAll(string(data), "<TaxRate>0.06</TaxRate>", "<TaxRate>6%</TaxRate>")
	if pct == string(data) {
		t.Fatal("the sample has no 0.06 rate")
	}
	e, err := Unmarshal([]byte(pct))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range e.Data.Items {
		if r, err := it.Rate(); err != nil || r != invoice.Rate6 {
			t.Errorf("%s: rate %q reads %v, %v", it.ItemName, it.TaxRate, r, err)
		}
	}
	if _, err := (Item{ItemName: "x", TaxRate: "六%"}).Rate(); err == nil {
		t.Error("a rate 六% reads")
	}
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint is missing: make deps installs libxml2-utils")
	}
	xsd, _ := filepath.Abs("../docs/einvoice.xsd")
	file := filepath.Join(t.TempDir(), "pct.xml")
	os.WriteFile(file, []byte(pct), 0o644)
	if out, err := exec.Command(xmllint, "--noout", "--schema", xsd, file).CombinedOutput(); err != nil {
		t.Fatalf("xmllint refuses 6%%: %v\n%s", err, out)
	}
}

// TestSchemaRejects makes sure the schema check can fail: a data file with a total
// that is not an amount is refused.
func TestSchemaRejects(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint is missing: make deps installs libxml2-utils")
	}
	xsd, _ := filepath.Abs("../docs/einvoice.xsd")
	data, err := Marshal(samples(t)["blue"])
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(data), "<TotalTaxAm>", "<TotalTaxAm>x", 1)
	file := filepath.Join(t.TempDir(), "bad.xml")
	os.WriteFile(file, []byte(bad), 0o644)
	if out, err := exec.Command(xmllint, "--noout", "--schema", xsd, file).CombinedOutput(); err == nil {
		t.Fatalf("xmllint accepted a malformed total:\n%s", out)
	}
}

func TestSplitTail(t *testing.T) {
	for _, c := range []struct{ in, chars, head, tail string }{
		{"厦门市思明区软件园 0592-5551234", "0123456789-+() ", "厦门市思明区软件园", "0592-5551234"},
		{"招商银行厦门分行 6225 8801 2345", "0123456789- ", "招商银行厦门分行", "6225 8801 2345"},
		{"厦门市思明区", "0123456789- ", "厦门市思明区", ""},
		{"", "0123456789- ", "", ""},
	} {
		h, tl := splitTail(c.in, c.chars)
		if h != c.head || tl != c.tail {
			t.Errorf("splitTail(%q) = %q, %q", c.in, h, tl)
		}
	}
}
