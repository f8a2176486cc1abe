package invoice

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

var (
	oneFen = decimal.New(1, -2)
)

// lines checks and computes every line, then the invoice-wide tax tolerance.
func (c *checker) lines(inv *Invoice) {
	o := c.o
	if !c.bad["lines"] {
		switch n := len(o.Lines); {
		case n == 0:
			c.add("lines", "lines.count/none", "0", nil)
		case n > MaxLines:
			c.add("lines", "lines.count", fmt.Sprint(n), Args{"max": fmt.Sprint(MaxLines)})
		}
	}
	inv.Lines = make([]Line, 0, len(o.Lines)+4)
	for i := range o.Lines {
		inv.Lines = c.line(inv.Lines, i, &o.Lines[i], o.PriceIncludesTax)
	}
	if len(c.errs.es) == 0 {
		c.invoiceTolerance(inv, 0)
	}
}

// expectedTax is the tax a line would carry if none were stated: round2(amount × rate),
// or for tax-inclusive prices the tax contained in the gross amount. The device checks a
// discount line against round2(amount × rate) whatever the prices (docs/rules.md
// "Discount lines").
func expectedTax(l *Line, inclusive bool) Money {
	if inclusive && !l.Discount {
		return l.Rate.TaxIn(l.Amount + l.Tax)
	}
	return l.Rate.TaxOn(l.Amount)
}

// invoiceTolerance checks that the stated taxes of an invoice's lines do not drift from
// the computed ones by more than ±1.27 in all (docs/rules.md "Amounts and tax"). part
// (from 1) names the invoice in the message when it is one part of a split order.
func (c *checker) invoiceTolerance(inv *Invoice, part int) {
	var dev Money
	for i := range inv.Lines {
		dev += inv.Lines[i].Tax - expectedTax(&inv.Lines[i], inv.PriceIncludesTax)
	}
	if dev.Abs() > InvoiceTaxTolerance {
		key, args := "tax.invoice_tolerance", Args{"max": InvoiceTaxTolerance.String()}
		if part > 0 {
			key, args["part"] = "tax.invoice_tolerance/part", fmt.Sprint(part)
		}
		c.add("totals.tax", key, dev.String(), args)
	}
}

// line checks one order line and appends it, and its discount line if it has one, to
// lines. Errors are recorded; the returned lines are only used when there are none.
func (c *checker) line(lines []Line, i int, ol *OrderLine, inclusive bool) []Line {
	p := fmt.Sprintf("lines[%d].", i)
	// Printed texts lose the spaces around them; one of spaces only is empty
	// (docs/rules.md "Texts"). A name may come with its *简称* already written.
	given, name := splitShortName(strings.TrimSpace(ol.Name))
	l := Line{Name: name, TaxCode: ol.TaxCode, Spec: strings.TrimSpace(ol.Spec), Unit: strings.TrimSpace(ol.Unit),
		ZeroRate: ZeroRate(ol.ZeroRate)}

	c.text(p+"name", l.Name, maxPrintedNameBytes, true)
	c.taxCode(p, &l)
	if given != "" && l.ShortName != "" && given != l.ShortName && !c.bad[p+"name"] {
		c.add(p+"name", "name.short_name", ol.Name, Args{"given": given, "code": l.TaxCode, "short": l.ShortName})
	}
	c.text(p+"spec", l.Spec, maxSpecBytes, false)
	c.text(p+"unit", l.Unit, maxUnitBytes, false)
	rateOK := c.rate(p, ol, &l)
	if rateOK && c.o.Type == string(KindSpecial) && (l.ZeroRate == ZeroExempt || l.ZeroRate == ZeroNotTaxable) {
		c.add(p+"zero_rate", "special.exempt", ol.ZeroRate, nil)
		rateOK = false
	}

	// Quantity and unit price come together or not at all.
	var q, price decimal.Decimal
	hasQ, hasP := ol.Quantity != "", ol.UnitPrice != ""
	qOK, pOK := hasQ, hasP
	if hasQ && !c.bad[p+"quantity"] {
		q, qOK = c.positiveDecimal(p+"quantity", ol.Quantity)
	}
	if hasP && !c.bad[p+"unit_price"] {
		price, pOK = c.positiveDecimal(p+"unit_price", ol.UnitPrice)
	}
	if hasQ != hasP {
		missing := p + "unit_price"
		if !hasQ {
			missing = p + "quantity"
		}
		if !c.bad[missing] {
			c.add(missing, "quantity.pair", "", nil)
		}
		qOK, pOK = false, false
	}

	// The gross is the line's amount in the order's own price basis.
	var gross Money
	amountOK := false
	if ol.Amount != "" && !c.bad[p+"amount"] {
		gross, amountOK = c.money(p+"amount", ol.Amount)
	}
	switch {
	case hasQ && hasP && qOK && pOK && !c.bad[p+"amount"]:
		exact := q.Mul(price)
		if exact.GreaterThan(decimal.New(int64(MaxLineAmount), -2)) {
			c.add(p+"amount", "money.range/product", exact.String(), nil)
			amountOK = false
			break
		}
		if ol.Amount != "" {
			if amountOK && decimal.New(int64(gross), -2).Sub(exact).Abs().GreaterThanOrEqual(oneFen) {
				c.add(p+"amount", "amount.mismatch", ol.Amount,
					Args{"quantity": ol.Quantity, "price": ol.UnitPrice, "product": exact.String()})
				amountOK = false
			}
			break
		}
		gross, amountOK = Money(exact.Shift(2).Round(0).IntPart()), true
	case ol.Amount == "" && !hasQ && !hasP && !c.bad[p+"amount"]:
		c.add(p+"amount", "amount.required", "", nil)
	}
	if amountOK && gross <= 0 {
		c.add(p+"amount", "amount.positive", gross.String(), nil)
		amountOK = false
	}
	if !amountOK || !rateOK {
		c.skipTax(p, ol)
		return lines
	}

	// Tax: computed, or stated and within the device's tolerance.
	expected := l.Rate.TaxOn(gross)
	if inclusive {
		expected = l.Rate.TaxIn(gross)
	}
	tax := expected
	if ol.Tax != "" && !c.bad[p+"tax"] {
		stated, ok := c.money(p+"tax", ol.Tax)
		if !ok {
			return lines
		}
		tol := c.cfg.Limits.LineTaxTolerance
		switch dev := stated - expected; {
		case l.Rate == 0 && stated != 0:
			c.add(p+"tax", "tax.zero_rate", ol.Tax, nil)
			return lines
		case dev.Abs() > tol:
			c.add(p+"tax", "tax.tolerance", ol.Tax,
				Args{"expected": expected.String(), "diff": dev.String(), "max": tol.String()})
			return lines
		}
		tax = stated
	}
	l.Amount, l.Tax = gross, tax
	if inclusive {
		l.Amount = gross - tax
	}
	if hasQ {
		l.Quantity = q
		l.UnitPrice = price
		if inclusive {
			// The invoice prints the price before tax: amount ÷ quantity, with the digits
			// it takes for quantity × price to give the amount (docs/rules.md).
			l.GrossUnitPrice = price
			net, err := PrintedPrice(l.Amount, q, decimal.Decimal{})
			if err != nil {
				c.printedPriceError(p+"unit_price", l.Amount, q)
				return lines
			}
			l.UnitPrice = net
		}
	}
	lines = append(lines, l)

	if ol.Discount != "" && !c.bad[p+"discount"] {
		d, ok := c.money(p+"discount", ol.Discount)
		switch {
		case !ok:
		case d <= 0:
			c.add(p+"discount", "discount.positive", ol.Discount, nil)
		case d > gross:
			c.add(p+"discount", "discount.exceeds", ol.Discount, Args{"discount": d.String(), "amount": gross.String()})
		default:
			lines = append(lines, discountLine(&l, d, inclusive))
		}
	}
	return lines
}

// discountLine makes the 折扣行 for a discount d given in the order's price basis: a
// negative amount, the same rate and code. With prices before tax its tax is
// round2(amount × rate); with prices including tax, d is split as a goods line's gross
// is — tax = round2(d × rate ÷ (1 + rate)), amount = d − tax — which is within one fen
// of round2(amount × rate) (docs/rules.md "Discount lines": for a small d no split of d
// meets it exactly, e.g. 0.04 at 13 %).
func discountLine(of *Line, d Money, inclusive bool) Line {
	dl := Line{Name: of.Name, TaxCode: of.TaxCode, ShortName: of.ShortName, Rate: of.Rate,
		ZeroRate: of.ZeroRate, Discount: true}
	if inclusive {
		t := of.Rate.TaxIn(d)
		dl.Amount, dl.Tax = -(d - t), -t
	} else {
		dl.Amount, dl.Tax = -d, -of.Rate.TaxOn(d)
	}
	return dl
}

// skipTax still reports a malformed tax when the line's amount could not be computed, so
// that one pass shows every error.
func (c *checker) skipTax(p string, ol *OrderLine) {
	if ol.Tax != "" && !c.bad[p+"tax"] {
		c.money(p+"tax", ol.Tax)
	}
	if ol.Discount != "" && !c.bad[p+"discount"] {
		c.money(p+"discount", ol.Discount)
	}
}

// taxCode checks the line's code: 19 digits, in the table, not superseded.
func (c *checker) taxCode(p string, l *Line) {
	f := p + "tax_code"
	if c.bad[f] {
		return
	}
	code := l.TaxCode
	switch {
	case code == "":
		c.required(f)
		return
	case !isDigits(code, 19):
		c.add(f, "tax_code.format", code, Args{"n": fmt.Sprint(len([]rune(code)))})
		return
	case c.cfg.Codes == nil:
		return
	}
	tc, ok := c.cfg.Codes.Lookup(code)
	switch {
	case !ok:
		c.add(f, "tax_code.unknown", code, Args{"version": c.cfg.Codes.Version})
		return
	case c.cfg.Codes.IsSummary(code):
		leaves, _ := c.cfg.Codes.Leaves(code, 3)
		var named []string
		for _, lc := range leaves {
			lt, _ := c.cfg.Codes.Lookup(lc)
			named = append(named, fmt.Sprintf("%s（%s）", lc, lt.ShortName))
		}
		c.add(f, "tax_code.summary", code, Args{"name": tc.Name, "named": strings.Join(named, "、"), "leaves": strings.Join(leaves, ", ")})
		return
	case tc.ShortName == "":
		c.add(f, "tax_code.superseded", code, Args{"name": tc.Name})
		return
	}
	l.ShortName = tc.ShortName
	if l.Name == "" {
		return
	}
	if n, _, ok := GBKLen(l.PrintedName()); ok && n > maxPrintedNameBytes {
		c.add(p+"name", "gbk.length/printed", l.Name,
			Args{"printed": l.PrintedName(), "max": fmt.Sprint(maxPrintedNameBytes), "n": fmt.Sprint(n)})
	}
}

// rate checks the tax rate and the zero-rate flag together and sets the line's rate.
func (c *checker) rate(p string, ol *OrderLine, l *Line) bool {
	f := p + "tax_rate"
	if c.bad[f] {
		return false
	}
	if ol.TaxRate == "" {
		c.required(f)
		return false
	}
	r, err := ParseRate(ol.TaxRate)
	if err != nil || !ValidRate(r) {
		c.add(f, "tax_rate.unknown", ol.TaxRate, nil)
		return false
	}
	l.Rate = r
	z := p + "zero_rate"
	switch {
	case c.bad[z]:
		return false
	case r == 0 && ol.ZeroRate == "":
		c.add(z, "zero_rate.required", "", nil)
		return false
	case ol.ZeroRate != "" && ZeroRate(ol.ZeroRate).Code() < 0:
		c.add(z, "zero_rate.unknown", ol.ZeroRate, nil)
		return false
	case ol.ZeroRate != "" && r != 0:
		c.add(z, "zero_rate.unexpected", ol.ZeroRate, Args{"percent": r.Percent(), "rate": r.String()})
		return false
	}
	return true
}

// splitShortName separates a *简称* the clerk already wrote before a name: "*信息技术服务*
// 软件开发服务" gives "信息技术服务" and "软件开发服务". A name without one is returned as
// it is, with an empty short name.
func splitShortName(s string) (short, name string) {
	if !strings.HasPrefix(s, "*") {
		return "", s
	}
	short, rest, ok := strings.Cut(s[1:], "*")
	if !ok || strings.TrimSpace(short) == "" {
		return "", s
	}
	return strings.TrimSpace(short), strings.TrimSpace(rest)
}
