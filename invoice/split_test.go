package invoice

import (
	"testing"
)

func qtyLine(q, price string) OrderLine {
	return OrderLine{Name: "工作站", TaxCode: "1090509010000000000", Unit: "台", Quantity: q, UnitPrice: price, TaxRate: "0.13"}
}

// sumParts checks that the parts add up exactly to the whole and each stays in the limit.
func sumParts(t *testing.T, c *Checked, limit Money) {
	t.Helper()
	var amount, tax Money
	for i, p := range c.Parts {
		tot := p.Totals()
		if limit > 0 && tot.Amount > limit {
			t.Errorf("part %d: %s over the limit %s", i+1, tot.Amount, limit)
		}
		amount += tot.Amount
		tax += tot.Tax
	}
	whole := c.Invoice.Totals()
	if amount != whole.Amount || tax != whole.Tax {
		t.Errorf("parts add up to %s + %s, the order is %s + %s", amount, tax, whole.Amount, whole.Tax)
	}
}

func TestSplitAtTheLimit(t *testing.T) {
	// An invoice exactly at the limit stays one; a fen more makes two.
	o := validOrder()
	o.Lines[0].Amount = "99999.99"
	if c := passes(t, o); len(c.Parts) != 1 || c.Parts[0].RequestID != "T-1" {
		t.Fatalf("99999.99: %d parts", len(c.Parts))
	}
	o.Lines[0].Amount = "100000.00"
	c := passes(t, o)
	if len(c.Parts) != 2 {
		t.Fatalf("100000.00: %d parts, want 2", len(c.Parts))
	}
	if c.Parts[0].RequestID != "T-1#1" || c.Parts[1].RequestID != "T-1#2" {
		t.Errorf("request IDs %s %s", c.Parts[0].RequestID, c.Parts[1].RequestID)
	}
	if a := c.Parts[0].Totals().Amount; a != 9999999 {
		t.Errorf("the first part fills the limit: %s", a)
	}
	sumParts(t, c, DefaultLimits.InvoiceLimit)
}

func TestSplitKeepsLinesWholeWhereTheyFit(t *testing.T) {
	// Example 05: four servers of 40000 and a cabinet of 10000 → [40000 40000] [40000 40000 10000].
	o := validOrder()
	o.Lines = []OrderLine{qtyLine("1", "40000"), qtyLine("1", "40000"), qtyLine("1", "40000"), qtyLine("1", "40000"), qtyLine("1", "10000")}
	c := passes(t, o)
	if len(c.Parts) != 2 || len(c.Parts[0].Lines) != 2 || len(c.Parts[1].Lines) != 3 {
		t.Fatalf("parts %d", len(c.Parts))
	}
	for _, p := range c.Parts {
		for _, l := range p.Lines {
			if !l.Quantity.Equal(l.Quantity.Truncate(0)) || l.Amount%100 != 0 {
				t.Errorf("a line was cut: %+v", l)
			}
		}
	}
	sumParts(t, c, DefaultLimits.InvoiceLimit)
}

func TestSplitDividesALineByWholeUnits(t *testing.T) {
	// Example 06: 100 × 2500 → 39 + 39 + 22.
	o := validOrder()
	o.Lines = []OrderLine{qtyLine("100", "2500")}
	c := passes(t, o)
	var got []string
	for _, p := range c.Parts {
		got = append(got, p.Lines[0].Quantity.String())
	}
	if len(got) != 3 || got[0] != "39" || got[1] != "39" || got[2] != "22" {
		t.Errorf("quantities %v, want 39 39 22", got)
	}
	sumParts(t, c, DefaultLimits.InvoiceLimit)
}

func TestSplitAOneUnitLineByFractionalQuantity(t *testing.T) {
	o := validOrder()
	o.Lines = []OrderLine{qtyLine("1", "250000.01")}
	c := passes(t, o)
	if len(c.Parts) != 3 {
		t.Fatalf("%d parts", len(c.Parts))
	}
	sumParts(t, c, DefaultLimits.InvoiceLimit)
	total := c.Parts[0].Lines[0].Quantity
	for _, p := range c.Parts[1:] {
		total = total.Add(p.Lines[0].Quantity)
	}
	if !total.Equal(c.Invoice.Lines[0].Quantity) {
		t.Errorf("the quantities add up to %s", total)
	}
}

func TestSplitKeepsADiscountWithItsLine(t *testing.T) {
	o := validOrder()
	o.Lines = []OrderLine{qtyLine("1", "60000"), qtyLine("1", "50000")}
	o.Lines[1].Discount = "100.00"
	c := passes(t, o)
	if len(c.Parts) != 2 || len(c.Parts[1].Lines) != 2 || !c.Parts[1].Lines[1].Discount {
		t.Fatalf("the discount line must follow its line into the second invoice")
	}
	// A discounted line over the limit: its discount is shared among its pieces.
	o.Lines = []OrderLine{qtyLine("10", "30000")}
	o.Lines[0].Discount = "999.99"
	c = passes(t, o)
	for i, p := range c.Parts {
		if len(p.Lines) != 2 || !p.Lines[1].Discount || p.Lines[1].Amount >= 0 {
			t.Errorf("part %d lacks its share of the discount: %+v", i+1, p.Lines)
		}
	}
	sumParts(t, c, DefaultLimits.InvoiceLimit)
}

func TestSplitAmountOnlyLine(t *testing.T) {
	o := validOrder()
	o.Lines[0].Amount = "250000.00"
	c := passes(t, o)
	if len(c.Parts) != 3 || c.Parts[2].Totals().Amount != 25000000-2*9999999 {
		t.Fatalf("parts %d", len(c.Parts))
	}
	sumParts(t, c, DefaultLimits.InvoiceLimit)
}

func TestSplitByRowCount(t *testing.T) {
	o := validOrder()
	line := OrderLine{Name: "服务", TaxCode: "3040201010000000000", Amount: "1.00", TaxRate: "0.06", Discount: "0.10"}
	o.Lines = make([]OrderLine, 1001)
	for i := range o.Lines {
		o.Lines[i] = line
	}
	c := passes(t, o)
	if len(c.Parts) != 2 || len(c.Parts[0].Lines) != MaxInvoiceRows {
		t.Fatalf("2002 rows: %d parts, first with %d rows", len(c.Parts), len(c.Parts[0].Lines))
	}
}

func TestApportionAddsUpAndStaysWithinOneFen(t *testing.T) {
	w := bigs(1, 1, 1)
	got := apportion(100, w)
	if got[0]+got[1]+got[2] != 100 || got[0] != 34 || got[1] != 33 {
		t.Errorf("apportion(1.00, 1:1:1) = %v", got)
	}
	got = apportion(-100, w)
	if got[0] != -34 {
		t.Errorf("negative totals mirror: %v", got)
	}
}
