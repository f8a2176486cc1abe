package invoice

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"
)

// MaxPriceDigits is the most significant digits a printed unit price may carry: the
// device's quantity and price fields (device/PROTOCOL.md, canonical decimal strings)
// and the printed column hold 15. Fifteen digits suffice for every amount a line may
// carry (docs/rules.md "Printed unit price"), so a line is refused only at the edge of
// the range.
const MaxPriceDigits = 15

// ErrPriceUnprintable is returned for a line whose amount no printable unit price
// reproduces within 0.01 (docs/rules.md "Printed unit price").
var ErrPriceUnprintable = errors.New("no printable unit price gives the line's amount within 0.01")

// PriceConsistent reports whether quantity × price is within the amount tolerance of
// amount: |q × p − amount| < 0.01, the rule the checker applies to a typed amount and
// every printed line must satisfy. Signs are ignored: a red line's quantity and amount
// are negative while its price stays positive.
func PriceConsistent(q, price decimal.Decimal, amount Money) bool {
	exact := q.Abs().Mul(price.Abs())
	return decimal.New(int64(amount.Abs()), -2).Sub(exact).Abs().LessThan(oneFen)
}

// PrintedPrice chooses the unit price printed beside quantity q for a line of the given
// amount (docs/rules.md "Printed unit price"). It keeps prefer (the price the order gave,
// or the blue invoice's) when that price is consistent; otherwise it takes amount ÷ q
// rounded half-up to 8 decimal places, and, where that is not consistent (large
// quantities make each step of the 8th decimal worth more than a fen), to as many more
// places as it takes, up to MaxPriceDigits significant digits. It returns
// ErrPriceUnprintable when none is consistent.
func PrintedPrice(amount Money, q, prefer decimal.Decimal) (decimal.Decimal, error) {
	q = q.Abs()
	if !q.IsPositive() {
		return decimal.Decimal{}, fmt.Errorf("invoice: printed price for quantity %s", q)
	}
	if amount == 0 {
		return decimal.Decimal{}, nil // nothing left of a line: no price to print
	}
	if prefer.IsPositive() && significantDigits(prefer) <= MaxPriceDigits && PriceConsistent(q, prefer, amount) {
		return prefer, nil
	}
	a := decimal.New(int64(amount.Abs()), -2)
	for places := int32(maxFracDigits); places < 40; places++ {
		p := a.DivRound(q, places)
		if significantDigits(p) > MaxPriceDigits {
			return decimal.Decimal{}, ErrPriceUnprintable
		}
		if p.IsPositive() && PriceConsistent(q, p, amount) {
			return p, nil
		}
	}
	return decimal.Decimal{}, ErrPriceUnprintable
}

// significantDigits counts d's digits from the first non-zero one to the last one
// written, trailing zeros after the point dropped: 0.00008849558 has 7, 120.5 has 4.
func significantDigits(d decimal.Decimal) int {
	s := d.Abs().String() // canonical: no exponent, no trailing fractional zeros
	n, started := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			continue
		}
		if c != '0' {
			started = true
		}
		if started {
			n++
		}
	}
	return n
}

// printedPriceError records the field error for a line that no printable price reproduces.
func (c *checker) printedPriceError(field string, amount Money, q decimal.Decimal) {
	c.add(field, "price.unprintable", q.String(),
		fmt.Sprintf("%s：数量%s与金额%s无法用不超过%d位有效数字的单价打印为“数量×单价=金额”（误差须小于0.01），请调整数量或金额",
			Label(field), q, amount, MaxPriceDigits),
		fmt.Sprintf("%s: no unit price of at most %d significant digits gives quantity %s × price = amount %s within 0.01",
			field, MaxPriceDigits, q, amount))
}
