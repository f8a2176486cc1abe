package invoice

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// FuzzShortNameOf: ShortNameOf takes the 简称 out of a printed name exactly as json.go's
// own scan did before the three JSON forms shared it (cutByScan, kept here as the
// reference), and the 简称 it returns prints back to the same name.
func FuzzShortNameOf(f *testing.F) {
	for _, s := range [][2]string{{"*信息技术服务*软件开发服务", "软件开发服务"}, {"**x", "x"}, {"*x", "x"}, {"*", ""}, {"**", ""}, {"*a*b*c", "c"}, {"*a*b*c", "b*c"}, {"a*b", "b"}} {
		f.Add(s[0], s[1])
	}
	cutByScan := func(printed, name string) (string, bool) {
		if len(printed) < 2 || printed[0] != '*' {
			return "", false
		}
		body, suffix := printed[1:], "*"+name
		if len(body) < len(suffix) || body[len(body)-len(suffix):] != suffix {
			return "", false
		}
		return body[:len(body)-len(suffix)], true
	}
	f.Fuzz(func(t *testing.T, printed, name string) {
		short, err := ShortNameOf(printed, name)
		want, ok := cutByScan(printed, name)
		if (err == nil) != ok || short != want {
			t.Fatalf("ShortNameOf(%q, %q) = %q, %v; the scan gives %q, %v", printed, name, short, err, want, ok)
		}
		if err == nil && (Line{Name: name, ShortName: short}).PrintedName() != printed {
			t.Fatalf("%q does not print back", printed)
		}
	})
}

// Property: a line's figures read back from their text as they were, a zero optional
// figure is written as nothing, and the text is the figures' exact strings.
func TestFiguresRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	dec := func() decimal.Decimal {
		if r.IntN(3) == 0 {
			return decimal.Decimal{}
		}
		return decimal.New(r.Int64N(2_000_000)-1_000_000, -int32(r.IntN(9)))
	}
	for range 5000 {
		l := Line{Quantity: dec(), UnitPrice: dec(), GrossUnitPrice: dec(), Amount: Money(r.Int64N(2e9) - 1e9),
			Rate: []Rate{0, Rate3, Rate6, Rate9, Rate13}[r.IntN(5)], Tax: Money(r.Int64N(2e8) - 1e8)}
		f := l.Figures()
		if (f.Quantity == "") != l.Quantity.IsZero() || f.Amount != l.Amount.String() || f.Rate != l.Rate.String() || f.Tax != l.Tax.String() {
			t.Fatalf("%+v written as %+v", l, f)
		}
		back := Line{Quantity: decimal.NewFromInt(7)}
		if err := back.SetFigures(f); err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		if !back.Quantity.Equal(l.Quantity) || !back.UnitPrice.Equal(l.UnitPrice) || !back.GrossUnitPrice.Equal(l.GrossUnitPrice) ||
			back.Amount != l.Amount || back.Rate != l.Rate || back.Tax != l.Tax || back.Figures() != f {
			t.Fatalf("%+v read back as %+v", l, back)
		}
	}
}
