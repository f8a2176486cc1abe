package invoice

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// The three JSON forms of an invoice — this package's (json.go), the store's record and
// the platform's wire form (docs/DESIGN.md "Three records and one hash") — are separate
// formats on purpose: each has its own types, so that a change to one cannot change
// another's bytes. What they share is how a line's figures and its printed name are
// written as text and read back, which is the domain's rule, kept here once.

// LineFigures are a line's figures as the JSON forms write them: exact decimal strings.
// Quantity, UnitPrice and GrossUnitPrice are empty when the line has none (zero).
type LineFigures struct {
	Quantity       string
	UnitPrice      string
	GrossUnitPrice string
	Amount         string
	Rate           string
	Tax            string
}

// optString is a decimal's exact string, empty for zero (absent).
func optString(d decimal.Decimal) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// Figures returns the line's figures as text.
func (l *Line) Figures() LineFigures {
	return LineFigures{Quantity: optString(l.Quantity), UnitPrice: optString(l.UnitPrice),
		GrossUnitPrice: optString(l.GrossUnitPrice), Amount: l.Amount.String(), Rate: l.Rate.String(), Tax: l.Tax.String()}
}

// SetFigures reads f into the line's figures, in the order quantity, unit price, unit
// price with tax, amount, tax, rate. The error names the first bad one: "quantity: ",
// "unit price: ", "unit price with tax: ", "amount: ", "tax: " or "rate: ", then why.
func (l *Line) SetFigures(f LineFigures) error {
	for _, o := range []struct {
		name string
		s    string
		d    *decimal.Decimal
	}{{"quantity", f.Quantity, &l.Quantity}, {"unit price", f.UnitPrice, &l.UnitPrice}, {"unit price with tax", f.GrossUnitPrice, &l.GrossUnitPrice}} {
		*o.d = decimal.Decimal{}
		if o.s == "" {
			continue
		}
		d, err := decimal.NewFromString(o.s)
		if err != nil {
			return fmt.Errorf("%s: %w", o.name, err)
		}
		*o.d = d
	}
	var err error
	if l.Amount, err = ParseMoney(f.Amount); err != nil {
		return fmt.Errorf("amount: %w", err)
	}
	if l.Tax, err = ParseMoney(f.Tax); err != nil {
		return fmt.Errorf("tax: %w", err)
	}
	if l.Rate, err = ParseRate(f.Rate); err != nil {
		return fmt.Errorf("rate: %w", err)
	}
	return nil
}

// ShortNameOf returns the 简称 of a printed name "*简称*名称" of a line named name; the
// error says the printed name is not of that shape.
func ShortNameOf(printed, name string) (string, error) {
	if short, ok := strings.CutSuffix(printed, "*"+name); ok && strings.HasPrefix(short, "*") {
		return short[1:], nil
	}
	return "", fmt.Errorf("printed name %q is not *简称*%s", printed, name)
}
