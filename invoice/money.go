package invoice

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Money is an amount of Chinese yuan counted in fen (0.01 CNY). Every amount, tax and
// total on an invoice is a Money; binary floating point never touches one.
type Money int64

// MaxLineAmount bounds one line's amount (and so every intermediate product) far below
// the int64 range: 999,999,999,999.99 yuan, more than any device's per-invoice limit.
const MaxLineAmount Money = 99_999_999_999_999

// ParseMoney reads a decimal string with at most two fractional digits ("100", "-3.5",
// "9500.00"). It refuses exponents, thousands separators and anything float-like.
func ParseMoney(s string) (Money, error) {
	neg, intPart, frac, err := splitDecimal(s)
	if err != nil {
		return 0, err
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("%q has %d fractional digits, at most 2 allowed", s, len(frac))
	}
	for len(frac) < 2 {
		frac += "0"
	}
	if len(intPart) > 15 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	v, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q: %w", s, err)
	}
	if neg {
		v = -v
	}
	return Money(v), nil
}

// splitDecimal checks the syntax shared by money, rates and quantities: an optional
// minus sign, digits, and an optional point followed by digits.
func splitDecimal(s string) (neg bool, intPart, frac string, err error) {
	t := s
	if strings.HasPrefix(t, "-") {
		neg, t = true, t[1:]
	}
	intPart, frac, hasPoint := strings.Cut(t, ".")
	if intPart == "" || (hasPoint && frac == "") {
		return false, "", "", fmt.Errorf("%q is not a decimal number", s)
	}
	for _, part := range []string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return false, "", "", fmt.Errorf("%q is not a decimal number", s)
			}
		}
	}
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	return neg, intPart, frac, nil
}

// String formats the amount with exactly two decimals and no thousands separators, the
// form printed on invoices and in the QR code: "9500.00", "-30.00", "0.05".
func (m Money) String() string {
	v := int64(m)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// Abs returns the magnitude of m.
func (m Money) Abs() Money {
	if m < 0 {
		return -m
	}
	return m
}

// Yuan and Fen split m into whole yuan and the remaining fen, both non-negative.
func (m Money) Yuan() int64 { return int64(absU(int64(m)) / 100) }

// Fen returns the jiao and fen digits of m as a number from 0 to 99.
func (m Money) Fen() int64 { return int64(absU(int64(m)) % 100) }

// mulDivRound returns a·b/c rounded half away from zero, computed exactly in 128 bits.
// c must be positive, and the quotient must fit in an int64 (true for every product of
// two values bounded by MaxLineAmount and a rate or a count of lines).
func mulDivRound(a, b, c int64) int64 {
	neg := (a < 0) != (b < 0)
	ua, ub := absU(a), absU(b)
	hi, lo := bits.Mul64(ua, ub)
	uc := uint64(c)
	// Half away from zero: add c/2 before truncating (c odd: the remainder test below).
	q, r := bits.Div64(hi%uc, lo, uc)
	qhi := hi / uc
	if qhi != 0 {
		panic("invoice: mulDivRound overflow")
	}
	if r >= uc-r { // r ≥ c/2, i.e. 2r ≥ c
		q++
	}
	if neg {
		return -int64(q)
	}
	return int64(q)
}

func absU(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

// Rate is a VAT rate in thousandths: 130 is 13 %, 15 is 1.5 %.
type Rate int

// The rates in use (docs/rules.md "Amounts and tax").
const (
	Rate13  Rate = 130
	Rate9   Rate = 90
	Rate6   Rate = 60
	Rate5   Rate = 50
	Rate3   Rate = 30
	Rate1_5 Rate = 15
	Rate1   Rate = 10
	Rate0   Rate = 0
)

// ValidRate reports whether r is one of the rates an invoice may carry.
func ValidRate(r Rate) bool {
	switch r {
	case Rate13, Rate9, Rate6, Rate5, Rate3, Rate1_5, Rate1, Rate0:
		return true
	}
	return false
}

// ParseRate reads a rate written as a fraction ("0.13", "0.015", "0") or as a percentage
// ("13%", "1.5%"). It does not check that the rate is one in use; see ValidRate.
func ParseRate(s string) (Rate, error) {
	t := strings.TrimSpace(s)
	scale := 3 // digits after the point that make thousandths
	if strings.HasSuffix(t, "%") {
		t, scale = strings.TrimSpace(strings.TrimSuffix(t, "%")), 1
	}
	neg, intPart, frac, err := splitDecimal(t)
	if err != nil || neg {
		return 0, fmt.Errorf("%q is not a tax rate", s)
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > scale || len(intPart) > 3 {
		return 0, fmt.Errorf("%q is not a tax rate", s)
	}
	for len(frac) < scale {
		frac += "0"
	}
	v, err := strconv.Atoi(intPart + frac)
	if err != nil || v > 1000 {
		return 0, fmt.Errorf("%q is not a tax rate", s)
	}
	return Rate(v), nil
}

// String formats the rate as a fraction without trailing zeros: "0.13", "0.015", "0".
func (r Rate) String() string {
	if r == 0 {
		return "0"
	}
	s := fmt.Sprintf("%d.%03d", int(r)/1000, int(r)%1000)
	return strings.TrimRight(s, "0")
}

// Percent formats the rate as printed in the invoice's rate column: "13%", "1.5%", "0%".
func (r Rate) Percent() string {
	if int(r)%10 == 0 {
		return fmt.Sprintf("%d%%", int(r)/10)
	}
	return fmt.Sprintf("%d.%d%%", int(r)/10, int(r)%10)
}

// TaxOn returns round2(amount × r), half away from zero, for an amount before tax.
func (r Rate) TaxOn(amount Money) Money {
	return Money(mulDivRound(int64(amount), int64(r), 1000))
}

// TaxIn returns the tax contained in a tax-inclusive gross amount:
// round2(gross / (1 + r) × r), computed exactly as gross·r / (1000 + r).
func (r Rate) TaxIn(gross Money) Money {
	return Money(mulDivRound(int64(gross), int64(r), 1000+int64(r)))
}
