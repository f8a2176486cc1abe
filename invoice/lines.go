package invoice

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

var (
	oneFen   = decimal.New(1, -2)
	rateList = "0.13、0.09、0.06、0.05、0.03、0.015、0.01 或 0"
)

// lines checks and computes every line, then the invoice-wide tax tolerance.
func (c *checker) lines(inv *Invoice) {
	o := c.o
	if !c.bad["lines"] {
		switch n := len(o.Lines); {
		case n == 0:
			c.add("lines", "lines.count", "0",
				"订单至少需要1个商品行", "an order needs at least one line")
		case n > MaxLines:
			c.add("lines", "lines.count", fmt.Sprint(n),
				fmt.Sprintf("一张订单最多%d个商品行，现有%d行，请拆分订单", MaxLines, n),
				fmt.Sprintf("an order holds at most %d lines, this one has %d", MaxLines, n))
		}
	}
	inv.Lines = make([]Line, 0, len(o.Lines)+4)
	for i := range o.Lines {
		inv.Lines = c.line(inv.Lines, i, &o.Lines[i], o.PriceIncludesTax)
	}
	if len(c.errs.es) == 0 {
		c.invoiceTolerance(inv, "")
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
// the computed ones by more than ±1.27 in all (docs/rules.md "Amounts and tax"). which names the invoice in
// the message when it is one part of a split order.
func (c *checker) invoiceTolerance(inv *Invoice, which string) {
	var dev Money
	for i := range inv.Lines {
		dev += inv.Lines[i].Tax - expectedTax(&inv.Lines[i], inv.PriceIncludesTax)
	}
	if dev.Abs() > InvoiceTaxTolerance {
		c.add("totals.tax", "tax.invoice_tolerance", dev.String(),
			fmt.Sprintf("%s各行税额与“金额×税率”的误差合计为%s，超过整张发票允许的±%s", which, dev, InvoiceTaxTolerance),
			fmt.Sprintf("the stated line taxes of the invoice%s differ from amount × rate by %s in all, beyond ±%s",
				which, dev, InvoiceTaxTolerance))
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
		c.add(p+"name", "name.short_name", ol.Name,
			fmt.Sprintf("%s“%s”中的简称“*%s*”与税收分类编码%s的简称“*%s*”不符：请去掉简称或改用相符的编码", Label(p+"name"), ol.Name, given, l.TaxCode, l.ShortName),
			fmt.Sprintf("%s %q carries the short name *%s*, but tax code %s has *%s*", p+"name", ol.Name, given, l.TaxCode, l.ShortName))
	}
	c.text(p+"spec", l.Spec, maxSpecBytes, false)
	c.text(p+"unit", l.Unit, maxUnitBytes, false)
	rateOK := c.rate(p, ol, &l)
	if rateOK && c.o.Type == string(KindSpecial) && (l.ZeroRate == ZeroExempt || l.ZeroRate == ZeroNotTaxable) {
		c.add(p+"zero_rate", "special.exempt", ol.ZeroRate,
			fmt.Sprintf("%s：免税、不征税项目不能开具增值税专用发票，请改开电子普通发票", Label(p+"zero_rate")),
			fmt.Sprintf("%s %s: a VAT special invoice may not be issued for exempt or not-taxable sales", p+"zero_rate", ol.ZeroRate))
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
			c.add(missing, "quantity.pair", "",
				fmt.Sprintf("%s：数量和单价须同时填写或同时不填", Label(missing)),
				fmt.Sprintf("%s: quantity and unit_price go together or not at all", missing))
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
			c.add(p+"amount", "money.range", exact.String(),
				fmt.Sprintf("%s：数量×单价=%s，超出可开具的范围", Label(p+"amount"), exact),
				fmt.Sprintf("%s: quantity × unit_price = %s is out of range", p+"amount", exact))
			amountOK = false
			break
		}
		if ol.Amount != "" {
			if amountOK && decimal.New(int64(gross), -2).Sub(exact).Abs().GreaterThanOrEqual(oneFen) {
				c.add(p+"amount", "amount.mismatch", ol.Amount,
					fmt.Sprintf("%s“%s”与数量×单价（%s×%s=%s）不符，相差须小于0.01", Label(p+"amount"), ol.Amount, ol.Quantity, ol.UnitPrice, exact),
					fmt.Sprintf("%s %s does not match quantity × unit_price = %s within 0.01", p+"amount", ol.Amount, exact))
				amountOK = false
			}
			break
		}
		gross, amountOK = Money(exact.Shift(2).Round(0).IntPart()), true
	case ol.Amount == "" && !hasQ && !hasP && !c.bad[p+"amount"]:
		c.add(p+"amount", "amount.required", "",
			fmt.Sprintf("%s：未填写数量和单价时必须填写金额", Label(p+"amount")),
			fmt.Sprintf("%s is required when there is no quantity and unit_price", p+"amount"))
	}
	if amountOK && gross <= 0 {
		c.add(p+"amount", "amount.positive", gross.String(),
			fmt.Sprintf("%s必须大于0，现为%s", Label(p+"amount"), gross),
			fmt.Sprintf("%s must be positive, got %s", p+"amount", gross))
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
			c.add(p+"tax", "tax.zero_rate", ol.Tax,
				fmt.Sprintf("%s：税率为0时税额必须为0，现为%s", Label(p+"tax"), ol.Tax),
				fmt.Sprintf("%s must be 0 at a zero rate, got %s", p+"tax", ol.Tax))
			return lines
		case dev.Abs() > tol:
			c.add(p+"tax", "tax.tolerance", ol.Tax,
				fmt.Sprintf("%s“%s”与金额×税率（%s）相差%s，超过税控设备允许的±%s", Label(p+"tax"), ol.Tax, expected, dev, tol),
				fmt.Sprintf("%s %s differs from amount × rate = %s by %s, beyond the device's ±%s", p+"tax", ol.Tax, expected, dev, tol))
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
			c.add(p+"discount", "discount.positive", ol.Discount,
				fmt.Sprintf("%s必须为正数，现为“%s”", Label(p+"discount"), ol.Discount),
				fmt.Sprintf("%s must be a positive amount, got %q", p+"discount", ol.Discount))
		case d > gross:
			c.add(p+"discount", "discount.exceeds", ol.Discount,
				fmt.Sprintf("%s%s超过该行金额%s", Label(p+"discount"), d, gross),
				fmt.Sprintf("%s %s exceeds the line's amount %s", p+"discount", d, gross))
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
		c.add(f, "tax_code.format", code,
			fmt.Sprintf("税收分类编码应为19位数字，“%s”为%d位", code, len([]rune(code))),
			fmt.Sprintf("%s %q must be 19 digits", f, code))
		return
	case c.cfg.Codes == nil:
		return
	}
	tc, ok := c.cfg.Codes.Lookup(code)
	switch {
	case !ok:
		c.add(f, "tax_code.unknown", code,
			fmt.Sprintf("税收分类编码“%s”不在编码表（版本%s）中", code, c.cfg.Codes.Version),
			fmt.Sprintf("%s %s is not in the code table version %s", f, code, c.cfg.Codes.Version))
		return
	case c.cfg.Codes.IsSummary(code):
		leaves, _ := c.cfg.Codes.Leaves(code, 3)
		var named []string
		for _, lc := range leaves {
			lt, _ := c.cfg.Codes.Lookup(lc)
			named = append(named, fmt.Sprintf("%s（%s）", lc, lt.ShortName))
		}
		c.add(f, "tax_code.summary", code,
			fmt.Sprintf("税收分类编码“%s”（%s）是汇总项，不能用于开票，请选用其下的具体编码，如%s", code, tc.Name, strings.Join(named, "、")),
			fmt.Sprintf("%s %s (%s) is a summary node of the code table, not for invoices; codes under it: %s", f, code, tc.Name, strings.Join(leaves, ", ")))
		return
	case tc.ShortName == "":
		c.add(f, "tax_code.superseded", code,
			fmt.Sprintf("税收分类编码“%s”（%s）已停用，编码表中没有简称，请改用现行编码", code, tc.Name),
			fmt.Sprintf("%s %s (%s) is superseded: it has no short name", f, code, tc.Name))
		return
	}
	l.ShortName = tc.ShortName
	if l.Name == "" {
		return
	}
	if n, _, ok := GBKLen(l.PrintedName()); ok && n > maxPrintedNameBytes {
		c.add(p+"name", "gbk.length", l.Name,
			fmt.Sprintf("打印名称“%s”最多%d字节（GBK编码，汉字占2字节），现为%d字节，请缩短项目名称", l.PrintedName(), maxPrintedNameBytes, n),
			fmt.Sprintf("%sname: the printed name %q is %d GBK bytes, at most %d allowed", p, l.PrintedName(), n, maxPrintedNameBytes))
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
		c.add(f, "tax_rate.unknown", ol.TaxRate,
			fmt.Sprintf("税率“%s”不可用：应为 %s", ol.TaxRate, rateList),
			fmt.Sprintf("%s %q is not a rate in use (%s)", f, ol.TaxRate, strings.ReplaceAll(rateList, "、", ", ")))
		return false
	}
	l.Rate = r
	z := p + "zero_rate"
	switch {
	case c.bad[z]:
		return false
	case r == 0 && ol.ZeroRate == "":
		c.add(z, "zero_rate.required", "",
			fmt.Sprintf("%s：税率为0时必须填写零税率标识（export 出口退税、exempt 免税、not_taxable 不征税、zero_rate 普通零税率）", Label(z)),
			fmt.Sprintf("%s is required when the rate is 0: export, exempt, not_taxable or zero_rate", z))
		return false
	case ol.ZeroRate != "" && ZeroRate(ol.ZeroRate).Code() < 0:
		c.add(z, "zero_rate.unknown", ol.ZeroRate,
			fmt.Sprintf("%s“%s”无效：应为 export、exempt、not_taxable 或 zero_rate", Label(z), ol.ZeroRate),
			fmt.Sprintf("%s %q must be export, exempt, not_taxable or zero_rate", z, ol.ZeroRate))
		return false
	case ol.ZeroRate != "" && r != 0:
		c.add(z, "zero_rate.unexpected", ol.ZeroRate,
			fmt.Sprintf("%s：税率为%s时不能填写零税率标识", Label(z), r.Percent()),
			fmt.Sprintf("%s is only for a zero rate, the rate is %s", z, r))
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
