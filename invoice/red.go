package invoice

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// redRequest checks the form of a red order: which blue invoice, why, and what to reverse.
func (c *checker) redRequest(kind Kind) {
	r := c.o.RedOf
	if len(c.o.Lines) > 0 && !c.bad["lines"] {
		c.add("lines", "red.lines_given", "", nil)
	}
	// The blue invoice is a device's (CODE:NUMBER) or a 数电票 (no code, 20 digits);
	// which one decides the rest of the form, whatever the data folder's channel.
	digital := r.Code == "" && !c.bad["red_of.code"]
	switch {
	case digital:
		if !c.bad["red_of.number"] && !ValidDigitalNumber(r.Number) {
			c.add("red_of.number", "red.number/digital", r.Number, nil)
		}
		if r.Notice != "" && !c.bad["red_of.notice"] {
			c.add("red_of.notice", "red.notice_digital", r.Notice, nil)
		}
		switch {
		case c.bad["red_of.slip"]:
		case r.Slip == "":
			// The platform takes a red 数电票 only under a slip (docs/digital.md): one
			// issued without would be refused there after the fact.
			c.add("red_of.slip", "red.slip_required", "", nil)
		case !isDigits(r.Slip, 20):
			c.add("red_of.slip", "red.slip_format", r.Slip, nil)
		}
	default:
		if !c.bad["red_of.code"] && !isDigits(r.Code, 12) && !isDigits(r.Code, 10) {
			c.add("red_of.code", "red.code", r.Code, nil)
		}
		if !c.bad["red_of.number"] && !isDigits(r.Number, 8) {
			c.add("red_of.number", "red.number", r.Number, nil)
		}
		if r.Slip != "" && !c.bad["red_of.slip"] {
			c.add("red_of.slip", "red.slip_device", r.Slip, nil)
		}
	}
	if !c.bad["red_of.reason"] && (r.Reason < 0 || r.Reason > 4) {
		c.add("red_of.reason", "red.reason", fmt.Sprint(r.Reason), nil)
	}
	if !digital && kind == KindSpecial && !c.bad["red_of.notice"] {
		c.notice("red_of.notice", r.Notice)
	}
	seen := map[int]bool{}
	for i, rl := range r.Lines {
		p := fmt.Sprintf("red_of.lines[%d].", i)
		if !c.bad[p+"line"] {
			switch {
			case rl.Line < 1:
				c.add(p+"line", "red.line", fmt.Sprint(rl.Line), nil)
			case seen[rl.Line]:
				c.add(p+"line", "red.duplicate_line", fmt.Sprint(rl.Line), nil)
			}
			seen[rl.Line] = true
		}
		if rl.Quantity == "" && rl.Amount == "" {
			c.add(p+"quantity", "red.quantity_or_amount", "", nil)
		}
		if rl.Quantity != "" && !c.bad[p+"quantity"] {
			c.positiveDecimal(p+"quantity", strings.TrimPrefix(rl.Quantity, "-"))
		}
		if rl.Amount != "" && !c.bad[p+"amount"] {
			if m, ok := c.money(p+"amount", rl.Amount); ok && m == 0 {
				c.add(p+"amount", "amount.positive/red", rl.Amount, nil)
			}
		}
	}
}

// notice checks a 红字信息表编号: 16 digits, the last the sum of the first 15 mod 10.
func (c *checker) notice(path, n string) {
	switch {
	case n == "":
		c.add(path, "field.required/notice", "", nil)
	case !isDigits(n, 16):
		c.add(path, "red.notice_format", n, nil)
	default:
		sum := 0
		for i := 0; i < 15; i++ {
			sum += int(n[i] - '0')
		}
		if want := byte('0' + sum%10); n[15] != want {
			c.add(path, "red.notice_check", n, Args{"want": string(want)})
		}
	}
}

// Reverse derives the red invoice that a red order asks for against blue, given the red
// invoices already issued against it (docs/rules.md "Red invoices"). Without red_of.lines it reverses all
// that remains of every goods line; with them, the quantities or amounts they name. It
// never reverses more than remains of a line (quantity, amount and tax), a reversal of
// all that remains takes the remaining amount and tax exactly, and discount lines are
// merged into their goods line (a red invoice has none). The remark starts with the
// phrase docs/rules.md "Red invoices" prescribes, then the order's remark on a new line.
func Reverse(blue *Invoice, earlier []*Invoice, o *Order, cfg Config) (*Invoice, Errors) {
	c := &checker{o: o, cfg: cfg, bad: map[string]bool{}}
	for _, e := range o.DecodeErrors {
		c.bad[e.Field] = true
	}
	c.errs.es = append(c.errs.es, o.DecodeErrors...)
	if o.RedOf == nil {
		c.add("red_of", "field.required/red_of", "", nil)
		return nil, c.result()
	}
	c.redRequest(blue.Kind)
	switch {
	case blue.IsRed():
		c.add("red_of", "red.of_red", Ref(blue.Code, blue.Number), Args{"ref": Ref(blue.Code, blue.Number)})
	case blue.Code != o.RedOf.Code || blue.Number != o.RedOf.Number:
		c.add("red_of", "red.blue_mismatch", Ref(o.RedOf.Code, o.RedOf.Number), Args{"blue": Ref(blue.Code, blue.Number)})
	}
	if len(c.errs.es) > 0 {
		return nil, c.result()
	}

	rest := remaining(blue, earlier)
	reason := RedReason(o.RedOf.Reason)
	if reason == 0 {
		reason = ReasonError
	}
	red := &Invoice{
		RequestID: o.OrderID, OrderID: o.OrderID, Kind: blue.Kind,
		Seller: blue.Seller, Buyer: blue.Buyer,
		Payee: o.Payee, Reviewer: o.Reviewer, Issuer: o.Issuer,
		Red:            &RedLink{Code: blue.Code, Number: blue.Number, Reason: reason, Notice: o.RedOf.Notice, Slip: o.RedOf.Slip},
		TaxCodeVersion: blue.TaxCodeVersion,
	}
	if red.Issuer == "" {
		red.Issuer = cfg.Operator
	}
	if o.OrderID == "" {
		c.required("order_id")
	}
	c.remark("remark", o.Remark)
	red.Remark = redRemark(red, o.Remark)
	c.textLimit("remark", red.Remark, cfg.Limits.RemarkBytes, false, true)

	if len(o.RedOf.Lines) == 0 {
		for n, r := range rest {
			if r.amount != 0 || r.tax != 0 || r.quantity.IsPositive() {
				l, err := r.reverseAll(n + 1)
				if err != nil {
					c.printedPriceError(fmt.Sprintf("red_of.lines[%d].quantity", n), r.amount, r.quantity)
				}
				red.Lines = append(red.Lines, l)
			}
		}
		if len(red.Lines) == 0 {
			c.add("red_of", "red.nothing_left", blue.Code+":"+blue.Number, Args{"code": blue.Code, "number": blue.Number})
		}
	}
	for i, rl := range o.RedOf.Lines {
		p := fmt.Sprintf("red_of.lines[%d].", i)
		if rl.Line < 1 || rl.Line > len(rest) {
			c.add(p+"line", "red.line/missing", fmt.Sprint(rl.Line), Args{"lines": fmt.Sprint(len(rest))})
			continue
		}
		if l, ok := c.reversePart(p, rest[rl.Line-1], rl); ok {
			l.Of = rl.Line
			red.Lines = append(red.Lines, l)
		}
	}
	if len(c.errs.es) > 0 {
		return nil, c.result()
	}
	return red, nil
}

// redRemark is the printed remark of a red invoice: the prescribed phrase, then the
// user's own remark on a new line.
func redRemark(red *Invoice, user string) string {
	var phrase string
	if red.Kind.Digital() {
		phrase = redRemarkDigital + red.Red.Number
		if red.Red.Slip != "" {
			phrase += " " + redRemarkSlip + red.Red.Slip
		}
	} else if red.Kind == KindSpecial {
		phrase = redRemarkSpecial + red.Red.Notice
	} else {
		phrase = fmt.Sprintf("%s%s号码:%s", redRemarkOrdinary, red.Red.Code, red.Red.Number)
	}
	if user == "" {
		return phrase
	}
	return phrase + "\n" + user
}

// lineRest is what remains to reverse of one goods line of a blue invoice, its discount
// merged in.
type lineRest struct {
	goods    Line            // the blue goods line
	quantity decimal.Decimal // remaining quantity; zero when the line has none
	amount   Money           // remaining amount before tax, net of discount
	tax      Money           // remaining tax, net of discount
	netPrice decimal.Decimal // net amount ÷ quantity, the price a partial reversal uses
}

// LineLeft is what remains to reverse of one goods line of a blue invoice after the red
// invoices already issued against it, its discount line merged in.
type LineLeft struct {
	Line     int             // 1-based goods line, as red_of.lines counts them
	Goods    Line            // the blue goods line
	Quantity decimal.Decimal // remaining quantity; zero when the line has none
	Amount   Money           // remaining amount before tax, net of discount
	Tax      Money           // remaining tax, net of discount
}

// Remaining is, per goods line of blue, what the earlier red invoices left to reverse:
// the same accounting Reverse enforces, for a screen to show before the clerk chooses.
func Remaining(blue *Invoice, earlier []*Invoice) []LineLeft {
	rest := remaining(blue, earlier)
	out := make([]LineLeft, len(rest))
	for i, r := range rest {
		out[i] = LineLeft{Line: i + 1, Goods: r.goods, Quantity: r.quantity, Amount: r.amount, Tax: r.tax}
	}
	return out
}

// remaining computes, per goods line of blue, what the earlier red invoices left.
func remaining(blue *Invoice, earlier []*Invoice) []lineRest {
	var rest []lineRest
	for i := 0; i < len(blue.Lines); i++ {
		l := blue.Lines[i]
		r := lineRest{goods: l, quantity: l.Quantity, amount: l.Amount, tax: l.Tax}
		if i+1 < len(blue.Lines) && blue.Lines[i+1].Discount {
			r.amount += blue.Lines[i+1].Amount
			r.tax += blue.Lines[i+1].Tax
			i++
		}
		if l.HasQuantity() {
			// The blue line's own price when undiscounted; else net amount ÷ quantity with
			// the places it takes to give the net amount (docs/rules.md "Printed unit
			// price"), so that a partial reversal by quantity stays proportional.
			var prefer decimal.Decimal
			if r.amount == l.Amount {
				prefer = l.UnitPrice
			}
			p, err := PrintedPrice(r.amount, l.Quantity, prefer)
			if err != nil {
				p = decimal.New(int64(r.amount), -2).DivRound(l.Quantity, MaxPricePlaces)
			}
			r.netPrice = p
		}
		rest = append(rest, r)
	}
	for _, red := range earlier {
		for _, rl := range red.Lines {
			if rl.Of < 1 || rl.Of > len(rest) {
				continue
			}
			r := &rest[rl.Of-1]
			r.quantity = r.quantity.Add(rl.Quantity) // red quantities are negative
			r.amount += rl.Amount
			r.tax += rl.Tax
		}
	}
	return rest
}

// reverseAll reverses everything that remains of a goods line.
func (r lineRest) reverseAll(n int) (Line, error) {
	l := r.redLine(n)
	if r.quantity.IsPositive() {
		l.Quantity = r.quantity.Neg()
	} else {
		l.Quantity, l.UnitPrice = decimal.Decimal{}, decimal.Decimal{}
	}
	l.Amount, l.Tax = -r.amount, -r.tax
	if l.HasQuantity() {
		// What remains may no longer be quantity × the blue price: print one that gives it.
		p, err := PrintedPrice(l.Amount, l.Quantity, l.UnitPrice)
		if err != nil {
			return l, err
		}
		l.UnitPrice = p
	}
	return l, nil
}

// redLine starts the red line for goods line n: same name, code, rate and price.
func (r lineRest) redLine(n int) Line {
	g := r.goods
	l := Line{Name: g.Name, TaxCode: g.TaxCode, ShortName: g.ShortName, Spec: g.Spec, Unit: g.Unit,
		Rate: g.Rate, ZeroRate: g.ZeroRate, UnitPrice: g.UnitPrice, Of: n}
	if r.amount != g.Amount && g.HasQuantity() { // discounted: the net price
		l.UnitPrice = r.netPrice
	}
	return l
}

// reversePart reverses the quantity or amount a red order names, within what remains.
func (c *checker) reversePart(p string, r lineRest, rl RedLineRequest) (Line, bool) {
	l := r.redLine(0)
	var q decimal.Decimal
	if rl.Quantity != "" {
		if !r.goods.HasQuantity() {
			c.add(p+"quantity", "red.no_quantity", rl.Quantity, Args{"line": fmt.Sprint(rl.Line)})
			return l, false
		}
		q, _ = decimal.NewFromString(strings.TrimPrefix(rl.Quantity, "-"))
		if q.GreaterThan(r.quantity) {
			c.add(p+"quantity", "red.quantity_exceeds", rl.Quantity,
				Args{"quantity": q.String(), "line": fmt.Sprint(rl.Line), "left": r.quantity.String()})
			return l, false
		}
	}
	var amount Money
	switch {
	case rl.Amount != "":
		a, _ := ParseMoney(strings.TrimPrefix(rl.Amount, "-"))
		amount = a
		if !q.IsZero() {
			exact := q.Mul(r.netPrice)
			if decimal.New(int64(a), -2).Sub(exact).Abs().GreaterThanOrEqual(oneFen) && !(q.Equal(r.quantity) && a == r.amount) {
				c.add(p+"amount", "amount.mismatch/red", rl.Amount,
					Args{"amount": a.String(), "product2": exact.StringFixed(2), "product": exact.String()})
				return l, false
			}
		}
	case q.Equal(r.quantity):
		amount = r.amount
	default:
		amount = Money(q.Mul(r.netPrice).Shift(2).Round(0).IntPart())
	}
	if amount > r.amount {
		c.add(p+"amount", "red.amount_exceeds", amount.String(),
			Args{"line": fmt.Sprint(rl.Line), "left": r.amount.String()})
		return l, false
	}
	tax := r.goods.Rate.TaxOn(amount)
	if amount == r.amount || tax > r.tax {
		tax = r.tax // the last reversal takes exactly what is left
	}
	if q.IsZero() {
		l.UnitPrice = decimal.Decimal{}
	} else {
		l.Quantity = q.Neg()
		price, err := PrintedPrice(amount, q, l.UnitPrice)
		if err != nil {
			c.printedPriceError(p+"quantity", amount, q)
			return l, false
		}
		l.UnitPrice = price
	}
	l.Amount, l.Tax = -amount, -tax
	return l, true
}
