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
	return map[string]*invoice.Invoice{"blue": blue, "red": red, "thirty-lines": long}
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
