package invoice

import (
	"strings"
	"testing"
)

// The rules the expert review of issue 12 found unenforced, each named after its section
// of docs/rules.md, with the review's examples.

// docs/rules.md "Zero rates": a VAT special invoice is not issued for exempt or
// not-taxable sales; the review's 专票 with a 免税 line printed *** as its tax.
func TestSpecialInvoiceRefusesExemptAndNotTaxableLines(t *testing.T) {
	for _, zero := range []string{"exempt", "not_taxable"} {
		o := validOrder()
		o.Type = "e-special"
		o.Buyer = OrderBuyer{Name: "示例公司", TaxID: "91350200776049653A", AddressPhone: "厦门 0592-1", BankAccount: "中国银行 1"}
		o.Lines[0] = OrderLine{Name: "大米", TaxCode: "1010101010000000000", Amount: "100.00", TaxRate: "0", ZeroRate: zero}
		errs := refused(t, o, "lines[0].zero_rate", "special.exempt")
		if !strings.Contains(errs[0].Message, "专用发票") {
			t.Errorf("the message does not say why: %s", errs[0].Message)
		}
		o.Type = "e-ordinary" // the same line on an ordinary invoice is fine
		passes(t, o)
	}
	// Export and ordinary zero rates may go on a 专票.
	o := validOrder()
	o.Type = "e-special"
	o.Buyer = OrderBuyer{Name: "示例公司", TaxID: "91350200776049653A", AddressPhone: "厦门 0592-1", BankAccount: "中国银行 1"}
	o.Lines[0] = OrderLine{Name: "大米", TaxCode: "1010101010000000000", Amount: "100.00", TaxRate: "0", ZeroRate: "export"}
	passes(t, o)
}

// docs/rules.md "Tax classification codes": summary nodes (汇总项) are refused and the
// message names the nearest codes that may be used. The review's 1000000000000000000
// printed *货物*货物.
func TestTaxCodeSummaryNodesAreRefusedNamingTheNearestLeaves(t *testing.T) {
	for code, leaf := range map[string]string{
		"1000000000000000000": "1020600000000000000", // 货物: its shallowest leaves
		"1010101000000000000": "1010101010000000000", // 谷物 → 稻谷
		"3040201000000000000": "3040201010000000000", // 软件服务 → 软件开发服务
	} {
		o := validOrder()
		o.Lines[0].TaxCode = code
		errs := refused(t, o, "lines[0].tax_code", "tax_code.summary")
		if !strings.Contains(errs[0].Message, "汇总项") || !strings.Contains(errs[0].Message, leaf) {
			t.Errorf("%s: the message does not name the leaf %s: %s", code, leaf, errs[0].Message)
		}
	}
	// Every code the table has is either a summary node or fit for an invoice; a leaf
	// passes.
	o := validOrder()
	o.Lines[0].TaxCode = "3040201010000000000"
	passes(t, o)
	if testCodes.IsSummary("3070401000000000000") {
		t.Error("3070401000000000000 has nothing under it, yet is a summary node")
	}
}

// docs/rules.md "Texts": names, units and specs lose their surrounding spaces, and a
// name, unit or spec of spaces only is empty.
func TestTextsAreTrimmedAndSpacesOnlyIsEmpty(t *testing.T) {
	o := validOrder()
	o.Lines[0] = OrderLine{Name: "  鼠标\u3000", TaxCode: "1090509010000000000", Spec: " M-1 ", Unit: " 个 ",
		Quantity: "2", UnitPrice: "10", TaxRate: "0.13"}
	o.Buyer.Name = " 示例公司 "
	c := passes(t, o)
	l := c.Invoice.Lines[0]
	if l.PrintedName() != "*电子计算机*鼠标" || l.Spec != "M-1" || l.Unit != "个" || c.Invoice.Buyer.Name != "示例公司" {
		t.Errorf("printed %q %q %q, buyer %q", l.PrintedName(), l.Spec, l.Unit, c.Invoice.Buyer.Name)
	}
	o.Lines[0].Name = "   "
	refused(t, o, "lines[0].name", "field.required")
	o.Lines[0].Name = "鼠标"
	o.Buyer.Name = "\u3000 "
	refused(t, o, "buyer.name", "field.required")
}

// docs/rules.md "Tax classification codes": a name that already carries *简称* is printed
// with it once when it is the code's, and refused when it is not. The review's name
// printed *信息技术服务**信息技术服务*软件开发服务.
func TestExistingShortNameAcceptedWhenItMatchesTheTaxCode(t *testing.T) {
	o := validOrder()
	o.Lines[0].Name = "*信息技术服务*软件开发服务"
	if got := passes(t, o).Invoice.Lines[0].PrintedName(); got != "*信息技术服务*软件开发服务" {
		t.Errorf("printed %q", got)
	}
	o.Lines[0].Name = "*电子计算机*软件开发服务"
	errs := refused(t, o, "lines[0].name", "name.short_name")
	if !strings.Contains(errs[0].Message, "*信息技术服务*") {
		t.Errorf("the message does not name the code's short name: %s", errs[0].Message)
	}
	o.Lines[0].Name = "*信息技术服务*  "
	refused(t, o, "lines[0].name", "field.required")
}
