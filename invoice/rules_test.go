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

// docs/rules.md "Discount lines": with prices before tax a discount line's tax is
// round2(amount × rate) exactly; with prices including tax the gross discount splits as
// a goods line's gross does, within one fen of round2(amount × rate) — the review's
// −0.04 at 13 % gets tax 0.00, and no split of 0.04 meets round2(amount × rate).
func TestDiscountLineTax_RoundAmountTimesRate(t *testing.T) {
	o := validOrder()
	o.Lines[0] = OrderLine{Name: "鼠标", TaxCode: "1090509010000000000", Quantity: "10", UnitPrice: "33.9",
		TaxRate: "0.13", Discount: "0.04"}
	d := passes(t, o).Invoice.Lines[1]
	if !d.Discount || d.Amount != -4 || d.Tax != Rate13.TaxOn(-4) || d.Tax != -1 {
		t.Errorf("discount 0.04 before tax at 13%%: amount %s tax %s, want -0.04 and -0.01", d.Amount, d.Tax)
	}
	o.PriceIncludesTax = true
	d = passes(t, o).Invoice.Lines[1]
	if d.Amount != -4 || d.Tax != 0 {
		t.Errorf("discount 0.04 incl. 13%%: amount %s tax %s, want -0.04 and 0.00", d.Amount, d.Tax)
	}
	for a := Money(0); a <= 4; a++ { // every split of 0.04 into amount + tax
		if Rate13.TaxOn(a) == 4-a {
			t.Errorf("0.04 = %s + %s meets round2(amount × rate); take it", a, 4-a)
		}
	}
}

// docs/rules.md "Discount lines": over random discounts, prices with and without tax and
// every rate, split over random limits, every discount line's tax is within one fen of
// round2(amount × rate) (exactly it, before tax and unsplit), and the pieces add up.
func TestDiscountLineTaxProperty_SplitPieces(t *testing.T) {
	rng := newRand(7)
	for i := 0; i < 3000; i++ {
		o := validOrder()
		o.PriceIncludesTax = rng.Intn(2) == 0
		rate := fuzzRates[rng.Intn(len(fuzzRates))]
		q := rng.Intn(5000) + 1
		o.Lines[0] = OrderLine{Name: "鼠标", TaxCode: "1090509010000000000", Quantity: itoa(q), UnitPrice: "33.99",
			TaxRate: rate, Discount: Money(rng.Int63n(int64(q)*3399) + 1).String()}
		cfg := testConfig()
		split := rng.Intn(2) == 0
		cfg.Limits.InvoiceLimit = 0
		if split {
			cfg.Limits.InvoiceLimit = Money(int64(q)*3399/int64(rng.Intn(20)+2) + 5000)
		}
		c, errs := Check(o, cfg)
		if errs != nil {
			t.Fatalf("%+v: %v", o.Lines[0], errs)
		}
		// The pieces are off round2(amount × rate) by no more fen in all than the
		// discount's whole tax forces: |Σ tax − Σ round2(amount × rate)|.
		var sumTax, sumRound, off Money
		for _, p := range c.Parts {
			for _, l := range p.Lines {
				if !l.Discount {
					continue
				}
				want := l.Rate.TaxOn(l.Amount)
				sumTax, sumRound, off = sumTax+l.Tax, sumRound+want, off+(l.Tax-want).Abs()
				if dev := (l.Tax - want).Abs(); dev > 1 || (!o.PriceIncludesTax && len(c.Parts) == 1 && dev != 0) {
					t.Fatalf("discount %s at %s (incl. %v, %d parts): tax %s, round2(amount × rate) %s",
						l.Amount, rate, o.PriceIncludesTax, len(c.Parts), l.Tax, want)
				}
			}
		}
		if !o.PriceIncludesTax && off != (sumTax-sumRound).Abs() {
			t.Fatalf("%s × 33.99 less %s at %s over %d parts of %s: the pieces are %s off round2(amount × rate), %s would do", o.Lines[0].Quantity,
				o.Lines[0].Discount, rate, len(c.Parts), cfg.Limits.InvoiceLimit, off, (sumTax - sumRound).Abs())
		}
		invariants(t, c, cfg.Limits.InvoiceLimit)
	}
}

// docs/rules.md "Discount lines": a discount spread over the pieces of a split line is
// no further from round2(amount × rate), piece by piece, than its whole tax forces. A
// proportional share of the tax put three pieces of this one a fen off where one need be.
func TestDiscountLineTax_SplitPiecesStayOnRoundAmountTimesRate(t *testing.T) {
	o := validOrder()
	o.Lines[0] = OrderLine{Name: "鼠标", TaxCode: "1090509010000000000", Quantity: "3459", UnitPrice: "33.99",
		TaxRate: "0.06", Discount: "47050.99"}
	cfg := testConfig()
	cfg.Limits.InvoiceLimit = money(t, "8447.95")
	c, errs := Check(o, cfg)
	if errs != nil {
		t.Fatal(errs)
	}
	var sumTax, sumRound, off Money
	for _, p := range c.Parts {
		for _, l := range p.Lines {
			if l.Discount {
				want := l.Rate.TaxOn(l.Amount)
				sumTax, sumRound, off = sumTax+l.Tax, sumRound+want, off+(l.Tax-want).Abs()
			}
		}
	}
	if len(c.Parts) != 14 || off != (sumTax-sumRound).Abs() || off > 1 {
		t.Fatalf("%d parts; the discount pieces are %s off round2(amount × rate), %s forced", len(c.Parts), off, (sumTax - sumRound).Abs())
	}
}

// docs/rules.md "Invoice code": a split order is checked whole against the stock of its
// own kind, not against all the device's numbers.
func TestSplitOrderNeedsTheStockOfItsOwnKind(t *testing.T) {
	h := &Headroom{Stock: 101, StockOf: map[Kind]int{KindOrdinary: 100, KindSpecial: 1}}
	special := needs{kinds: map[Kind]int{KindSpecial: 2}, count: 2}
	if err := h.fits("SP-1", 2, special); err == nil || !strings.Contains(err.Error(), "电子专用发票") {
		t.Fatalf("2 e-special invoices from a stock of 1: %v", err)
	}
	if err := h.fits("OR-1", 2, needs{kinds: map[Kind]int{KindOrdinary: 2}, count: 2}); err != nil {
		t.Fatalf("2 e-ordinary invoices from a stock of 100: %v", err)
	}
	h.take(needs{kinds: map[Kind]int{KindOrdinary: 99}, count: 99})
	if h.StockOf[KindOrdinary] != 1 || h.StockOf[KindSpecial] != 1 {
		t.Fatalf("after taking 99 e-ordinary: %v", h.StockOf)
	}
}
