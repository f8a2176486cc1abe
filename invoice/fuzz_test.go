package invoice

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
)

// invariants checks what must hold of any order Check accepts.
func invariants(t *testing.T, c *Checked, limit Money) {
	t.Helper()
	whole := c.Invoice.Totals()
	if whole.Total != whole.Amount+whole.Tax {
		t.Fatalf("total %s ≠ %s + %s", whole.Total, whole.Amount, whole.Tax)
	}
	var amount, tax Money
	rows := 0
	for _, p := range c.Parts {
		tot := p.Totals()
		if limit > 0 && tot.Amount > limit {
			t.Fatalf("a part of %s exceeds the limit %s", tot.Amount, limit)
		}
		if len(p.Lines) > MaxInvoiceRows || len(p.Lines) == 0 {
			t.Fatalf("a part has %d rows", len(p.Lines))
		}
		amount += tot.Amount
		tax += tot.Tax
		rows += len(p.Lines)
		printedLinesConsistent(t, p)
	}
	if amount != whole.Amount || tax != whole.Tax {
		t.Fatalf("parts add up to %s + %s, the order is %s + %s", amount, tax, whole.Amount, whole.Tax)
	}
	data, err := json.Marshal(c.Invoice)
	if err != nil {
		t.Fatal(err)
	}
	var back Invoice
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("cannot read back %s: %v", data, err)
	}
	if back.Totals() != whole {
		t.Fatalf("JSON round trip changed the totals")
	}
}

// decimalFrom makes a decimal string with up to 8 fractional digits from fuzz input.
func decimalFrom(v uint64, scale uint8) string {
	return decimal.New(int64(v%1_000_000_000_000), -int32(scale%9)).String()
}

var fuzzRates = []string{"0.13", "0.09", "0.06", "0.05", "0.03", "0.015", "0.01"}

// FuzzLineArithmetic checks the tax arithmetic of docs/rules.md "Amounts and tax" on random lines: the
// computed tax is within half a fen of amount × rate; with tax-inclusive prices, amount
// plus tax is exactly the gross; the amount is within half a fen of quantity × price.
func FuzzLineArithmetic(f *testing.F) {
	f.Add(uint64(3), uint8(0), uint64(3333), uint8(2), uint8(2), false)
	f.Add(uint64(2), uint8(0), uint64(5650), uint8(0), uint8(0), true)
	f.Add(uint64(123456789), uint8(8), uint64(99999999), uint8(3), uint8(5), true)
	f.Fuzz(func(t *testing.T, q uint64, qs uint8, p uint64, ps uint8, ri uint8, inclusive bool) {
		qty, price := decimalFrom(q, qs), decimalFrom(p, ps)
		o := validOrder()
		o.PriceIncludesTax = inclusive
		o.Lines[0] = OrderLine{Name: "服务", TaxCode: "3040201010000000000", Quantity: qty, UnitPrice: price,
			TaxRate: fuzzRates[int(ri)%len(fuzzRates)]}
		cfg := testConfig()
		c, errs := Check(o, cfg)
		if errs != nil {
			return // zero amounts, out of range: refused, which is fine
		}
		l := c.Invoice.Lines[0]
		exact := decimal.RequireFromString(qty).Mul(decimal.RequireFromString(price))
		gross := l.Amount
		if inclusive {
			gross += l.Tax
		}
		if d := decimal.New(int64(gross), -2).Sub(exact).Abs(); d.GreaterThan(decimal.New(5, -3)) {
			t.Fatalf("%s × %s = %s, amount %s is %s away", qty, price, exact, gross, d)
		}
		rate := decimal.New(int64(l.Rate), -3)
		var want decimal.Decimal
		if inclusive {
			want = decimal.New(int64(gross), -2).Mul(rate).Div(decimal.NewFromInt(1).Add(rate))
		} else {
			want = decimal.New(int64(l.Amount), -2).Mul(rate)
		}
		if d := decimal.New(int64(l.Tax), -2).Sub(want).Abs(); d.GreaterThan(decimal.New(5, -3)) {
			t.Fatalf("tax %s is %s from %s", l.Tax, d, want)
		}
		invariants(t, c, cfg.Limits.InvoiceLimit)
	})
}

// FuzzSplit checks that random orders split over random limits add up exactly, each
// part within the limit.
func FuzzSplit(f *testing.F) {
	f.Add(uint64(100), uint64(250000), uint64(1), uint32(9999999), uint8(3), uint8(0))
	f.Add(uint64(7), uint64(33333333), uint64(99), uint32(100), uint8(5), uint8(1))
	f.Fuzz(func(t *testing.T, q, p, d uint64, limit uint32, n uint8, scale uint8) {
		o := validOrder()
		o.Lines = nil
		for i := 0; i < int(n%12)+1; i++ {
			l := OrderLine{Name: fmt.Sprint("货物", i), TaxCode: "1090509010000000000",
				Quantity: decimalFrom(q+uint64(i)*7919, scale%4), UnitPrice: decimalFrom(p%100_000_000+uint64(i), 2),
				TaxRate: fuzzRates[i%len(fuzzRates)]}
			if i%3 == 1 {
				l.Quantity, l.UnitPrice, l.Amount = "", "", Money(p%10_000_000_000+1).String()
			}
			if i%2 == 0 && d > 0 {
				l.Discount = Money(d%1000 + 1).String()
			}
			o.Lines = append(o.Lines, l)
		}
		cfg := testConfig()
		cfg.Limits.InvoiceLimit = Money(limit%100_000_000) + 100
		c, errs := Check(o, cfg)
		if errs != nil {
			return
		}
		invariants(t, c, cfg.Limits.InvoiceLimit)
	})
}

// FuzzParseMoney: whatever parses formats back to the same value.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"0", "9500.00", "-3.5", "0.01", "1e3", "00.10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		if err != nil {
			return
		}
		back, err := ParseMoney(m.String())
		if err != nil || back != m {
			t.Fatalf("%q → %d → %q → %d, %v", s, m, m.String(), back, err)
		}
	})
}
