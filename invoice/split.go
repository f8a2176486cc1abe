package invoice

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/shopspring/decimal"
)

// MaxInvoiceRows is the most rows one invoice may carry, discount lines included: the
// goods list (销货清单) holds 2,000.
const MaxInvoiceRows = 2000

// MaxSplitParts bounds how many invoices one order may become. An order needing more is
// almost surely a typing error (a price in fen, a limit set wrong), and it would drain
// the device's stock; the clerk is asked to check it instead.
const MaxSplitParts = 1000

// ErrTooManyParts is returned by Split for an order that would need more than
// MaxSplitParts invoices.
var ErrTooManyParts = errors.New("the order would split into more invoices than allowed")

// Split divides an invoice whose total before tax exceeds the per-invoice limit into
// invoices that each stay within it (docs/rules.md "Amounts and tax"). Lines are kept whole and in order
// where they fit; a line, with its discount line, is never separated from its discount;
// a line larger than the limit is divided by quantity (whole units when its quantity is
// whole) or, without a quantity, by amount, so that its parts' amounts and taxes add up
// exactly to the line's. A non-positive limit means no limit.
//
// Each part's RequestID is the order ID with "#k" appended (k from 1); an invoice that
// needs no split is returned as the only part, its RequestID the order ID. An order
// that needs more than MaxSplitParts invoices gets ErrTooManyParts, and no parts.
func Split(inv *Invoice, limit Money) ([]*Invoice, error) {
	if limit > 0 {
		// Every part but the last is at least half full after next-fit packing, except
		// where a part closes on the row limit; bounding the whole by the limit before
		// any piece is made keeps a mistyped order from allocating without end.
		var total Money
		for i := range inv.Lines {
			total += inv.Lines[i].Amount
		}
		if total/limit > MaxSplitParts {
			return nil, ErrTooManyParts
		}
	}
	var parts []*Invoice
	var cur *Invoice
	var curAmount Money
	add := func(u []Line) {
		net := unitNet(u)
		if cur == nil || (limit > 0 && curAmount+net > limit) || len(cur.Lines)+len(u) > MaxInvoiceRows {
			p := *inv
			p.Lines = nil
			cur, curAmount = &p, 0
			parts = append(parts, cur)
		}
		cur.Lines = append(cur.Lines, u...)
		curAmount += net
	}
	for i := 0; i < len(inv.Lines); {
		n := 1
		if i+1 < len(inv.Lines) && inv.Lines[i+1].Discount {
			n = 2
		}
		u := inv.Lines[i : i+n]
		i += n
		if limit <= 0 || unitNet(u) <= limit {
			add(u)
			continue
		}
		pieces, err := divide(u, limit)
		if err != nil {
			return nil, err
		}
		for _, piece := range pieces {
			add(piece)
		}
		if len(parts) > MaxSplitParts {
			return nil, ErrTooManyParts
		}
	}
	if len(parts) > MaxSplitParts {
		return nil, ErrTooManyParts
	}
	if len(parts) == 0 {
		p := *inv
		parts = append(parts, &p)
	}
	for k, p := range parts {
		if len(parts) > 1 {
			p.RequestID = fmt.Sprintf("%s#%d", inv.OrderID, k+1)
		}
	}
	return parts, nil
}

// unitNet is a goods line's amount net of its discount.
func unitNet(u []Line) Money {
	var m Money
	for i := range u {
		m += u[i].Amount
	}
	return m
}

// divide cuts a line (and its discount line) that exceeds the limit into pieces whose
// amounts before tax each stay within it. Pieces are sized on the line's amount before
// discount, so the discount only ever makes a piece smaller.
func divide(u []Line, limit Money) ([][]Line, error) {
	l := u[0]
	var weights []*big.Int // each piece's share: its quantity, or its amount
	var amounts []Money
	if l.HasQuantity() {
		qs, err := pieceQuantities(l, limit)
		if err != nil {
			return nil, err
		}
		weights = make([]*big.Int, len(qs))
		for i, q := range qs {
			weights[i] = q.Shift(maxFracDigits).BigInt()
		}
		amounts = apportion(l.Amount, weights)
		pieces := make([][]Line, len(qs))
		for i := range qs {
			p := l
			p.Quantity = qs[i]
			p.Amount = amounts[i]
			// A piece's amount is its share of the line's, so the line's price may
			// miss it by a fen: print the price that gives it (docs/rules.md).
			if p.UnitPrice, err = PrintedPrice(p.Amount, p.Quantity, l.UnitPrice); err != nil {
				return nil, err
			}
			pieces[i] = []Line{p}
		}
		return finishPieces(u, pieces, amounts), nil
	}
	if l.Amount/limit > MaxSplitParts {
		return nil, ErrTooManyParts
	}
	for rest := l.Amount; rest > 0; rest -= limit {
		amounts = append(amounts, min(rest, limit))
	}
	pieces := make([][]Line, len(amounts))
	for i, a := range amounts {
		p := l
		p.Amount = a
		pieces[i] = []Line{p}
	}
	return finishPieces(u, pieces, amounts), nil
}

// finishPieces shares the line's tax, and its discount line's amount and tax, among
// the pieces in proportion to their amounts; a discount piece's tax is as close to
// round2(amount × rate) as the discount's whole tax allows (docs/rules.md "Discount
// lines").
func finishPieces(u []Line, pieces [][]Line, amounts []Money) [][]Line {
	w := make([]*big.Int, len(amounts))
	for i, a := range amounts {
		w[i] = big.NewInt(int64(a))
	}
	taxes := apportion(u[0].Tax, w)
	for i := range pieces {
		pieces[i][0].Tax = taxes[i]
	}
	if len(u) == 2 {
		dAmounts := apportion(u[1].Amount, w)
		dTaxes := shareDiscountTax(u[1].Tax, dAmounts, u[1].Rate)
		for i := range pieces {
			d := u[1]
			d.Amount, d.Tax = dAmounts[i], dTaxes[i]
			pieces[i] = append(pieces[i], d)
		}
	}
	return pieces
}

// pieceQuantities divides a line's quantity into pieces of at most m units each, m the
// largest quantity whose exact amount (amount ÷ quantity × m) stays within the limit: a
// whole number when the line's quantity is whole and one unit fits, else to 8 places.
func pieceQuantities(l Line, limit Money) ([]decimal.Decimal, error) {
	q := l.Quantity
	// m = limit × q ÷ amount, rounded down at the chosen scale.
	ratio := decimal.New(int64(limit), 0).Mul(q)
	amount := decimal.New(int64(l.Amount), 0)
	m := ratio.Div(amount).Truncate(0)
	if !q.IsInteger() || m.IsZero() {
		m = ratio.DivRound(amount, maxFracDigits+2).Truncate(maxFracDigits)
		// DivRound may round up past the exact quotient; step down until m × amount ≤ limit × q.
		for m.Mul(amount).GreaterThan(ratio) {
			m = m.Sub(decimal.New(1, -maxFracDigits))
		}
	}
	if !m.IsPositive() || q.Div(m).GreaterThan(decimal.NewFromInt(MaxSplitParts)) {
		return nil, ErrTooManyParts
	}
	var qs []decimal.Decimal
	for rest := q; rest.IsPositive(); rest = rest.Sub(m) {
		qs = append(qs, decimal.Min(rest, m))
	}
	return qs, nil
}

// apportion shares total among parts in proportion to weights so that the shares add up
// to total exactly, each within one fen of its exact proportion: every part gets the
// floor of its proportion, and the fen left over go to the largest remainders (the
// earliest part on a tie).
func apportion(total Money, weights []*big.Int) []Money {
	sign := Money(1)
	if total < 0 {
		sign, total = -1, -total
	}
	sum := new(big.Int)
	for _, w := range weights {
		sum.Add(sum, w)
	}
	shares := make([]Money, len(weights))
	rems := make([]*big.Int, len(weights))
	if sum.Sign() == 0 {
		shares[len(shares)-1] = sign * total
		return shares
	}
	t := big.NewInt(int64(total))
	var given Money
	for i, w := range weights {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(t, w), sum, new(big.Int))
		shares[i], rems[i] = Money(q.Int64()), r
		given += shares[i]
	}
	for left := total - given; left > 0; left-- {
		best := -1
		for i, r := range rems {
			if r != nil && (best < 0 || r.Cmp(rems[best]) > 0) {
				best = i
			}
		}
		shares[best]++
		rems[best] = nil
	}
	for i := range shares {
		shares[i] *= sign
	}
	return shares
}

// shareDiscountTax shares a discount line's tax among its pieces of the given amounts
// so that the shares add up to tax exactly and each is amount × rate rounded down or up
// to the fen: every piece whose rounding the whole tax leaves free gets
// round2(amount × rate), and the fewest possible pieces are one fen from it, as the
// device's discount-line check allows (docs/rules.md "Discount lines"). The fen beyond
// the rounded-down shares go to the largest remainders. Should tax lie outside what
// rounding can reach (never for a tax of round2(amount × rate)), it falls back to
// proportional shares.
func shareDiscountTax(tax Money, amounts []Money, r Rate) []Money {
	sign := Money(1)
	if tax < 0 {
		sign = -1
	}
	shares := make([]Money, len(amounts))
	rems := make([]int64, len(amounts))
	var given Money
	up := 0
	for i, a := range amounts {
		x := int64(a.Abs()) * int64(r) // tax in thousandths of a fen
		shares[i], rems[i] = Money(x/1000), x%1000
		given += shares[i]
		if rems[i] > 0 {
			up++
		}
	}
	left := tax.Abs() - given
	if left < 0 || left > Money(up) {
		w := make([]*big.Int, len(amounts))
		for i, a := range amounts {
			w[i] = big.NewInt(int64(a.Abs()))
		}
		return apportion(tax, w)
	}
	for ; left > 0; left-- {
		best := -1
		for i, rem := range rems {
			if rem > 0 && (best < 0 || rem > rems[best]) {
				best = i
			}
		}
		shares[best]++
		rems[best] = 0
	}
	for i := range shares {
		shares[i] *= sign
	}
	return shares
}
