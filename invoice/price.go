package invoice

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"
)

// The device's bounds on a unit price (docs/rules.md "Printed unit price"): 金税盘-class
// devices take at most 15 decimal places and 20 characters in all.
const (
	MaxPricePlaces = 15
	MaxPriceChars  = 20
)

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
// places as it takes, up to MaxPricePlaces and MaxPriceChars. It returns
// ErrPriceUnprintable when none is consistent.
func PrintedPrice(amount Money, q, prefer decimal.Decimal) (decimal.Decimal, error) {
	q = q.Abs()
	if !q.IsPositive() {
		return decimal.Decimal{}, fmt.Errorf("invoice: printed price for quantity %s", q)
	}
	if amount == 0 {
		return decimal.Decimal{}, nil // nothing left of a line: no price to print
	}
	if prefer.IsPositive() && priceFits(prefer) && PriceConsistent(q, prefer, amount) {
		return prefer, nil
	}
	a := decimal.New(int64(amount.Abs()), -2)
	for places := int32(maxFracDigits); places <= MaxPricePlaces; places++ {
		p := a.DivRound(q, places)
		if !priceFits(p) {
			break
		}
		if p.IsPositive() && PriceConsistent(q, p, amount) {
			return p, nil
		}
	}
	return decimal.Decimal{}, ErrPriceUnprintable
}

// priceFits reports whether the device takes p as a unit price: at most MaxPricePlaces
// decimal places and MaxPriceChars characters as written.
func priceFits(p decimal.Decimal) bool {
	return -p.Exponent() <= MaxPricePlaces && len(p.String()) <= MaxPriceChars
}

// printedPriceError records the field error for a line that no printable price reproduces.
func (c *checker) printedPriceError(field string, amount Money, q decimal.Decimal) {
	c.add(field, "price.unprintable", q.String(), Args{"amount": amount.String(),
		"places": fmt.Sprint(MaxPricePlaces), "chars": fmt.Sprint(MaxPriceChars)})
}
