package invoice

import (
	"fmt"
	"testing"
)

// bigOrder is a 2,000-line order of mixed lines: quantities with decimals, discounts,
// stated taxes and amount-only lines.
func bigOrder() *Order {
	o := validOrder()
	o.Lines = make([]OrderLine, MaxLines)
	for i := range o.Lines {
		l := OrderLine{Name: fmt.Sprintf("计算机配件%04d", i), TaxCode: "1090509020000000000", Spec: "K14 16G/512G",
			Unit: "件", Quantity: fmt.Sprintf("%d.5", i%17+1), UnitPrice: fmt.Sprintf("%d.1234", i%500+3), TaxRate: "0.13"}
		switch i % 4 {
		case 1:
			l.Discount = "1.00"
		case 2:
			l.Quantity, l.UnitPrice, l.Amount = "", "", fmt.Sprintf("%d.99", i)
		}
		o.Lines[i] = l
	}
	return o
}

// BenchmarkCheck2000Lines: validating and computing a 2,000-line order (target ≤ 10 ms).
func BenchmarkCheck2000Lines(b *testing.B) {
	o := bigOrder()
	cfg := testConfig()
	InGBK('中') // build the GBK table outside the timing, as the first check of a session does
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := Check(o, cfg); errs != nil {
			b.Fatal(errs)
		}
	}
}
