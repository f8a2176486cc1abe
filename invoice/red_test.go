package invoice

import (
	"testing"
)

// issuedBlue is a blue invoice as the device would have issued it: two goods lines (the
// first discounted) and an amount-only line.
func issuedBlue(t *testing.T) *Invoice {
	t.Helper()
	o := validOrder()
	o.Lines = []OrderLine{
		{Name: "鼠标", TaxCode: "1090509010000000000", Unit: "个", Quantity: "10", UnitPrice: "33.9", TaxRate: "0.13", Discount: "39.00"},
		{Name: "键盘", TaxCode: "1090509010000000000", Unit: "个", Quantity: "3", UnitPrice: "99", TaxRate: "0.13"},
		{Name: "软件开发服务", TaxCode: "3040201010000000000", Amount: "1000.00", TaxRate: "0.06"},
	}
	c := passes(t, o)
	blue := c.Parts[0]
	blue.Code, blue.Number = "035020026011", "00000042"
	return blue
}

func redOrder(id string, lines ...RedLineRequest) *Order {
	return &Order{OrderID: id, RedOf: &RedRequest{Code: "035020026011", Number: "00000042", Lines: lines}}
}

func reverse(t *testing.T, blue *Invoice, earlier []*Invoice, o *Order) *Invoice {
	t.Helper()
	red, errs := Reverse(blue, earlier, o, testConfig())
	if errs != nil {
		t.Fatalf("Reverse: %v", errs)
	}
	return red
}

func reverseRefused(t *testing.T, blue *Invoice, earlier []*Invoice, o *Order, field, rule string) {
	t.Helper()
	red, errs := Reverse(blue, earlier, o, testConfig())
	if red != nil || !errs.Has(field, rule) {
		t.Fatalf("want %s on %s, got %v", rule, field, errs)
	}
}

func TestFullRedReversesEverythingWithoutDiscountLines(t *testing.T) {
	blue := issuedBlue(t)
	red := reverse(t, blue, nil, redOrder("R-1"))
	bt, rt := blue.Totals(), red.Totals()
	if rt.Amount != -bt.Amount || rt.Tax != -bt.Tax || rt.Total != -bt.Total {
		t.Errorf("red totals %+v, blue %+v", rt, bt)
	}
	if len(red.Lines) != 3 {
		t.Fatalf("red lines %d, want 3 (the discount merged)", len(red.Lines))
	}
	for i, l := range red.Lines {
		if l.Discount || l.Amount >= 0 || l.Tax > 0 || l.UnitPrice.IsNegative() || l.Of != i+1 {
			t.Errorf("red line %d: %+v", i+1, l)
		}
		if l.HasQuantity() && !l.Quantity.IsNegative() {
			t.Errorf("red line %d: quantity %s must be negative", i+1, l.Quantity)
		}
	}
	// The discounted line carries its net price: (339.00 − 39.00) ÷ 10 = 30.
	if red.Lines[0].UnitPrice.String() != "30" || red.Lines[0].Amount != -30000 {
		t.Errorf("net line: price %s amount %s", red.Lines[0].UnitPrice, red.Lines[0].Amount)
	}
	if red.Remark != "对应正数发票代码:035020026011号码:00000042" {
		t.Errorf("remark %q", red.Remark)
	}
	if red.Red.Reason != ReasonError || Words(rt.Total)[:len("(负数)")] != "(负数)" {
		t.Errorf("reason %d words %s", red.Red.Reason, Words(rt.Total))
	}
	// Nothing remains after a full reversal.
	reverseRefused(t, blue, []*Invoice{red}, redOrder("R-2"), "red_of", "red.nothing_left")
}

func TestRedRemarkThenTheUsersOnANewLine(t *testing.T) {
	o := redOrder("R-1")
	o.Remark = "退货"
	red := reverse(t, issuedBlue(t), nil, o)
	if red.Remark != "对应正数发票代码:035020026011号码:00000042\n退货" {
		t.Errorf("remark %q", red.Remark)
	}
	o.Remark = "对应正数发票代码:1"
	reverseRefused(t, issuedBlue(t), nil, o, "remark", "remark.reserved")
}

func TestPartialRedByQuantityNeverBeyondWhatRemains(t *testing.T) {
	blue := issuedBlue(t)
	// Line 2: 3 keyboards at 99. Reverse 2, then 1 more passes, then nothing is left.
	r1 := reverse(t, blue, nil, redOrder("R-1", RedLineRequest{Line: 2, Quantity: "2"}))
	if l := r1.Lines[0]; l.Quantity.String() != "-2" || l.Amount != -19800 || l.Tax != -2574 || l.Of != 2 {
		t.Errorf("2 keyboards: %+v", l)
	}
	reverseRefused(t, blue, []*Invoice{r1}, redOrder("R-2", RedLineRequest{Line: 2, Quantity: "1.00000001"}),
		"red_of.lines[0].quantity", "red.quantity_exceeds")
	r2 := reverse(t, blue, []*Invoice{r1}, redOrder("R-2", RedLineRequest{Line: 2, Quantity: "1"}))
	// The last reversal takes exactly what remains, so the reds sum to the blue line.
	bl := blue.Lines[2]
	if r1.Lines[0].Amount+r2.Lines[0].Amount != -bl.Amount || r1.Lines[0].Tax+r2.Lines[0].Tax != -bl.Tax {
		t.Errorf("reds %s/%s + %s/%s do not reverse %s/%s", r1.Lines[0].Amount, r1.Lines[0].Tax,
			r2.Lines[0].Amount, r2.Lines[0].Tax, bl.Amount, bl.Tax)
	}
	reverseRefused(t, blue, []*Invoice{r1, r2}, redOrder("R-3", RedLineRequest{Line: 2, Quantity: "1"}),
		"red_of.lines[0].quantity", "red.quantity_exceeds")
}

func TestPartialRedByAmount(t *testing.T) {
	blue := issuedBlue(t)
	// Line 3 is amount-only, 1000.00: reversing 1000.00 passes, 1000.01 is refused.
	reverseRefused(t, blue, nil, redOrder("R-1", RedLineRequest{Line: 3, Amount: "1000.01"}),
		"red_of.lines[0].amount", "red.amount_exceeds")
	red := reverse(t, blue, nil, redOrder("R-1", RedLineRequest{Line: 3, Amount: "1000.00"}))
	if l := red.Lines[0]; l.Amount != -100000 || l.Tax != -6000 || l.HasQuantity() {
		t.Errorf("line 3 reversed: %+v", l)
	}
	// A price reduction (销售折让) on a line with a quantity: amount only.
	o := redOrder("R-2", RedLineRequest{Line: 2, Amount: "50.00"})
	o.RedOf.Reason = 4
	red = reverse(t, blue, nil, o)
	if l := red.Lines[0]; l.Amount != -5000 || l.Tax != -650 || l.HasQuantity() || red.Red.Reason != ReasonDiscount {
		t.Errorf("reduction: %+v", l)
	}
}

func TestPartialRedQuantityAndAmountMustAgree(t *testing.T) {
	blue := issuedBlue(t)
	reverse(t, blue, nil, redOrder("R-1", RedLineRequest{Line: 2, Quantity: "1", Amount: "99.00"}))
	reverseRefused(t, blue, nil, redOrder("R-1", RedLineRequest{Line: 2, Quantity: "1", Amount: "99.01"}),
		"red_of.lines[0].amount", "amount.mismatch")
}

func TestRedRequestForm(t *testing.T) {
	blue := issuedBlue(t)
	reverseRefused(t, blue, nil, redOrder("R-1", RedLineRequest{Line: 4, Quantity: "1"}), "red_of.lines[0].line", "red.line")
	reverseRefused(t, blue, nil, redOrder("R-1", RedLineRequest{Line: 3, Quantity: "1"}), "red_of.lines[0].quantity", "red.no_quantity")
	reverseRefused(t, blue, nil, redOrder("R-1", RedLineRequest{Line: 2}), "red_of.lines[0].quantity", "red.quantity_or_amount")
	reverseRefused(t, blue, nil, redOrder("R-1", RedLineRequest{Line: 2, Quantity: "1"}, RedLineRequest{Line: 2, Quantity: "1"}),
		"red_of.lines[1].line", "red.duplicate_line")
	for reason, ok := range map[int]bool{0: true, 1: true, 4: true, 5: false, -1: false} {
		o := redOrder("R-1")
		o.RedOf.Reason = reason
		_, errs := Reverse(blue, nil, o, testConfig())
		if ok != (errs == nil) {
			t.Errorf("reason %d: %v", reason, errs)
		}
	}
	o := redOrder("R-1")
	o.RedOf.Number = "42"
	reverseRefused(t, blue, nil, o, "red_of.number", "red.number")
	red := reverse(t, blue, nil, redOrder("R-1"))
	red.Code, red.Number = "035020026011", "00000043"
	o = redOrder("R-2")
	o.RedOf.Number = "00000043"
	reverseRefused(t, red, nil, o, "red_of", "red.of_red")
}

func TestRedSpecialInvoiceNeedsANotice(t *testing.T) {
	blue := issuedBlue(t)
	blue.Kind = KindSpecial
	o := redOrder("R-1")
	reverseRefused(t, blue, nil, o, "red_of.notice", "field.required")
	o.RedOf.Notice = "1234567890123455" // 1+…+5 = 60 → check digit 0, not 5
	reverseRefused(t, blue, nil, o, "red_of.notice", "red.notice_check")
	o.RedOf.Notice = "1234567890123450"
	red := reverse(t, blue, nil, o)
	if red.Remark != "开具红字增值税专用发票信息表编号1234567890123450" {
		t.Errorf("remark %q", red.Remark)
	}
}

func TestRedOrderIsCheckedForFormOnly(t *testing.T) {
	o := redOrder("R-1", RedLineRequest{Line: 1, Quantity: "1"})
	if c, errs := check(t, o); c != nil || errs != nil {
		t.Errorf("a valid red order: %v %v", c, errs)
	}
	o.Lines = []OrderLine{{Name: "x"}}
	refused(t, o, "lines", "red.lines_given")
}

func TestRemainingIsWhatReverseEnforces(t *testing.T) {
	blue := issuedBlue(t)
	r1 := reverse(t, blue, nil, redOrder("R-1", RedLineRequest{Line: 1, Quantity: "4"}))
	left := Remaining(blue, []*Invoice{r1})
	if len(left) != 3 || left[0].Line != 1 || left[0].Quantity.String() != "6" || left[0].Amount != 30000+r1.Lines[0].Amount {
		t.Fatalf("line 1 after 4 of 10 reversed: %+v", left[0])
	}
	// Reversing exactly what Remaining shows passes; a fen more is refused.
	reverse(t, blue, []*Invoice{r1}, redOrder("R-2", RedLineRequest{Line: 1, Amount: left[0].Amount.String()}))
	reverseRefused(t, blue, []*Invoice{r1}, redOrder("R-2", RedLineRequest{Line: 1, Amount: (left[0].Amount + 1).String()}),
		"red_of.lines[0].amount", "red.amount_exceeds")
}
