package invoice

import (
	"fmt"
	"testing"
)

func TestParseMoney(t *testing.T) {
	good := map[string]Money{"0": 0, "100": 10000, "9500.00": 950000, "-3.5": -350, "0.01": 1, "007.10": 710,
		"999999999999999.99": 99999999999999999}
	for s, want := range good {
		if got, err := ParseMoney(s); err != nil || got != want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	// Two fractional digits is the boundary; three is refused, as is anything float-like.
	for _, s := range []string{"1.001", "", "1.", ".5", "1e3", "1,000.00", "+1", "１", "0x10", " 1", "1000000000000000"} {
		if _, err := ParseMoney(s); err == nil {
			t.Errorf("ParseMoney(%q) succeeded", s)
		}
	}
}

func TestMoneyString(t *testing.T) {
	for m, want := range map[Money]string{0: "0.00", 5: "0.05", -5: "-0.05", 950000: "9500.00", -3000: "-30.00"} {
		if got := m.String(); got != want {
			t.Errorf("Money(%d).String() = %s, want %s", int64(m), got, want)
		}
	}
}

func TestParseRate(t *testing.T) {
	good := map[string]Rate{"0.13": 130, "13%": 130, "0.015": 15, "1.5%": 15, "0": 0, "0%": 0, "0.060": 60, "6 %": 60}
	for s, want := range good {
		if got, err := ParseRate(s); err != nil || got != want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"0.0155", "1.55%", "-0.13", "abc", "", "13"} {
		if r, err := ParseRate(s); err == nil && ValidRate(r) {
			t.Errorf("ParseRate(%q) = %v is accepted", s, r)
		}
	}
}

func TestRateFormats(t *testing.T) {
	for r, want := range map[Rate][2]string{130: {"0.13", "13%"}, 15: {"0.015", "1.5%"}, 0: {"0", "0%"}, 10: {"0.01", "1%"}} {
		if r.String() != want[0] || r.Percent() != want[1] {
			t.Errorf("Rate(%d) = %s, %s; want %v", int(r), r.String(), r.Percent(), want)
		}
	}
}

// Rounding is half-up (half away from zero on red amounts): the boundary is exactly
// half a fen.
func TestTaxRoundingBoundary(t *testing.T) {
	cases := []struct {
		amount Money
		rate   Rate
		want   Money
	}{
		{50, Rate1, 1},   // 0.50 × 1% = 0.005 → 0.01
		{49, Rate1, 0},   // 0.49 × 1% = 0.0049 → 0.00
		{-50, Rate1, -1}, // red: mirrors the blue
		{100000, Rate13, 13000},
		{MaxLineAmount, Rate13, 13_000_000_000_000}, // 999,999,999,999.99 × 13% = 129,999,999,999.9987 → 130,000,000,000.00
	}
	for _, c := range cases {
		if got := c.rate.TaxOn(c.amount); got != c.want {
			t.Errorf("%s.TaxOn(%s) = %s, want %s", c.rate, c.amount, got, c.want)
		}
	}
}

// docs/rules.md "Amounts and tax": gross 100.00 at 13 % → tax 11.50, amount 88.50.
func TestTaxIn(t *testing.T) {
	gross := Money(10000)
	tax := Rate13.TaxIn(gross)
	if tax != 1150 || gross-tax != 8850 {
		t.Errorf("TaxIn(100.00 at 13%%) = %s, amount %s; want 11.50 and 88.50", tax, gross-tax)
	}
	// 11300.00 gross at 13% is exactly 10000.00 + 1300.00.
	if tax := Rate13.TaxIn(1130000); tax != 130000 {
		t.Errorf("TaxIn(11300.00) = %s, want 1300.00", tax)
	}
}

func ExampleRate_TaxIn() {
	gross, _ := ParseMoney("100.00")
	tax := Rate13.TaxIn(gross)
	fmt.Println("tax", tax, "amount", gross-tax)
	// Output: tax 11.50 amount 88.50
}

func ExampleRate_TaxOn() {
	amount, _ := ParseMoney("9500.00")
	fmt.Println(Rate6.TaxOn(amount))
	// Output: 570.00
}
