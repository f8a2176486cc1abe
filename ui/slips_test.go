package ui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
)

// selectSlip selects the slip id in the list, as the arrow keys would.
func selectSlip(t *testing.T, s *slipScreen, id string) {
	t.Helper()
	for i := range s.slips {
		if s.slips[i].ID == id {
			s.table.Select(widget.TableCellID{Row: i, Col: 0})
			return
		}
	}
	t.Fatalf("slip %s not listed", id)
}

// enabled lists which of the slip actions are on.
func enabled(s *slipScreen) string {
	var on []string
	for _, b := range []*button{s.confirmBtn, s.refuseBtn, s.withdrawBtn, s.redBtn} {
		if !b.Disabled() {
			on = append(on, b.Text)
		}
	}
	return strings.Join(on, ",")
}

// Issue 18, the 红字确认单 screen: incoming slips are confirmed or refused, the seller
// issues the red invoice of a confirmed one; an outgoing request (as buyer: an amount of
// another enterprise's invoice) is made and withdrawn — by keyboard, each action offered
// only where it applies, with the reason beside it where it does not.
func TestSlipScreenAnswersRequestsAndIssuesRed(t *testing.T) {
	ws, _, slips := newDigitalWorkstation(t)
	// The buyer of our invoice asks to reverse it; another seller asks us, its buyer.
	ofOurs := slips.incoming("26357000000000000003", false, 500_00, SlipBuyerAsked)
	ofTheirs := slips.incoming("26117000000000000777", true, 200_00, SlipSellerAsked)
	u, w := newTestUISized(t, ws)
	s := u.slips
	if !u.ShowSlips(true) {
		t.Fatal("no slip screen")
	}
	eventually(t, "the incoming slips", func() bool { return len(s.slips) == 2 })
	if w.Canvas().Focused() != s.table {
		t.Error("the list must have the focus: the arrows go through the slips at once")
	}
	selectSlip(t, s, ofOurs.ID)
	if got := enabled(s); got != "确认,拒绝" {
		t.Fatalf("a slip waiting for us: %q on", got)
	}
	if !strings.Contains(s.detail.Text, "购方录入待购方确认") && !strings.Contains(s.detail.Text, "购方录入待销方确认") {
		t.Errorf("details %q", s.detail.Text)
	}
	if !strings.Contains(s.detail.Text, "2026-12-02 09:30 前未确认即作废") {
		t.Errorf("the details must say when the slip expires: %q", s.detail.Text)
	}
	screenshot(t, w, "digital-3-slips")

	// Confirm: asked first, Enter confirms; the slip stays selected, and we, the seller,
	// may issue its red invoice now.
	w.Canvas().Focus(s.confirmBtn)
	key(w, fyne.KeyReturn)
	if !strings.Contains(dialogText(w), ofOurs.ID) {
		t.Fatalf("the confirmation names the slip: %q", dialogText(w))
	}
	key(w, fyne.KeyReturn)
	eventually(t, "confirmed", func() bool { return slips.slip(t, ofOurs.ID).State == SlipConfirmed })
	dismissDialogs(w)
	eventually(t, "the list read again", func() bool { return s.selected != nil && s.selected.State == SlipConfirmed })
	if got := enabled(s); got != "开具红字发票" {
		t.Fatalf("a confirmed slip of our invoice: %q on", got)
	}
	w.Canvas().Focus(s.redBtn)
	key(w, fyne.KeyReturn)
	if txt := dialogText(w); !strings.Contains(txt, "26357000000000000003") || !strings.Contains(txt, "¥530.00") {
		t.Fatalf("the red confirmation %q", txt)
	}
	key(w, fyne.KeyReturn)
	eventually(t, "the red invoice", func() bool { return slips.slip(t, ofOurs.ID).Red != "" })
	red := slips.slip(t, ofOurs.ID).Red
	eventually(t, "the red invoice told", func() bool { return strings.Contains(dialogText(w), "红字发票 "+red) })
	dismissDialogs(w)
	eventually(t, "the red invoice shown", func() bool { return s.selected != nil && s.selected.Red == red })
	if enabled(s) != "" || !strings.Contains(s.note.Text, "已开具红字发票 "+red) {
		t.Fatalf("a slip used: %q on, note %q", enabled(s), s.note.Text)
	}

	// Refuse the other seller's: void, nothing to do with it any more.
	selectSlip(t, s, ofTheirs.ID)
	s.askAnswer(SlipRefuse)
	key(w, fyne.KeyReturn)
	eventually(t, "refused", func() bool { return slips.slip(t, ofTheirs.ID).State == SlipBuyerRefused })
	dismissDialogs(w)
	eventually(t, "the refusal shown", func() bool { return s.selected != nil && s.selected.State == SlipBuyerRefused })
	if enabled(s) != "" || !strings.Contains(s.note.Text, "已作废") {
		t.Fatalf("a void slip: %q on, note %q", enabled(s), s.note.Text)
	}

	// As buyer, request a slip for ¥300 of another enterprise's invoice, by keyboard: a
	// wrong number is refused naming it and the rule; the request lands among ours.
	u.ShowSlips(false)
	eventually(t, "our slips", func() bool { return s.status.Text == "" && len(s.slips) == 0 })
	w.Canvas().Focus(s.requestBtn)
	key(w, fyne.KeyReturn)
	number := focusedEntry(t, w)
	typeText(w, "2611700000000000012")
	key(w, fyne.KeyReturn)
	if txt := dialogText(w); !strings.Contains(txt, "蓝字发票号码“2611700000000000012”无效：数电票号码为20位数字") {
		t.Fatalf("the dialog says %q", txt)
	}
	number.SetText("26117000000000000123")
	tab(w, 1) // the scope: → to 部分金额
	key(w, fyne.KeyRight)
	tab(w, 1) // the reason: → 开票有误 … 销售折让
	for range 4 {
		key(w, fyne.KeyRight)
	}
	tab(w, 1) // the amount
	typeText(w, "300")
	key(w, fyne.KeyReturn)
	eventually(t, "the request", func() bool { return len(s.slips) == 1 && s.selected != nil })
	mine := s.slips[0]
	if mine.Blue != "26117000000000000123" || mine.Amount != 300_00 || mine.Reason != invoice.ReasonDiscount ||
		mine.State != SlipBuyerAsked || mine.Whole {
		t.Fatalf("the slip made: %+v", mine)
	}
	if !strings.Contains(dialogText(w), "已提交红字确认单 "+mine.ID) {
		t.Fatalf("the request told %q", dialogText(w))
	}
	dismissDialogs(w)
	if got := enabled(s); got != "撤销" || s.note.Text != "等待对方确认" {
		t.Fatalf("our slip waiting for the seller: %q on, note %q", got, s.note.Text)
	}
	s.askAnswer(SlipWithdraw)
	key(w, fyne.KeyReturn)
	eventually(t, "withdrawn", func() bool { return slips.slip(t, mine.ID).State == SlipWithdrawn })
}

func TestSlipFormNamesFieldValueAndRule(t *testing.T) {
	blue := &invoice.Invoice{Issued: invoice.Issued{Number: "26357000000000000003"},
		Lines: []invoice.Line{{Name: "软件", Amount: 1000_00}, {Name: "服务", Amount: 500_00}}}
	for _, c := range []struct {
		f    slipForm
		want string
	}{
		{slipForm{number: "123", reason: 0}, "蓝字发票号码“123”无效"},
		{slipForm{number: "26357000000000000003", reason: -1}, "请选择冲红原因"},
		{slipForm{number: "26357000000000000003", scope: scopeLines}, "请选择要冲红的商品行"},
		{slipForm{number: "26357000000000000003", scope: scopeAmount, amount: "0"}, "红冲金额“0”无效"},
		{slipForm{number: "26357000000000000003", scope: scopeAmount, amount: "1500.01"}, "超过蓝字发票的金额 ¥1,500.00"},
	} {
		if _, err := c.f.request(blue); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.f, err, c.want)
		}
	}
	r, err := slipForm{number: "26357000000000000003", scope: scopeLines, lines: []int{2}, reason: 1}.request(blue)
	if err != nil || len(r.Lines) != 1 || r.Lines[0] != 2 || r.Reason != invoice.ReasonReturn || r.Amount != 0 {
		t.Fatalf("%+v %v", r, err)
	}
	r, err = slipForm{number: "26357000000000000003", scope: scopeQuick, reason: 0}.request(blue)
	if err != nil || !r.Quick {
		t.Fatalf("quick: %+v %v", r, err)
	}
}

// The actions follow the slip's state and which side this enterprise is on.
func TestSlipActionsByStateAndSide(t *testing.T) {
	for _, c := range []struct {
		sl   Slip
		want string
	}{
		{Slip{Incoming: true, BySeller: false, State: SlipBuyerAsked}, "confirm,refuse"},
		{Slip{Incoming: false, BySeller: true, State: SlipSellerAsked}, "withdraw"},
		{Slip{Incoming: false, BySeller: true, State: SlipConfirmed}, "withdraw,red"},
		{Slip{Incoming: false, BySeller: true, State: SlipNoConfirm}, "red"},
		{Slip{Incoming: false, BySeller: false, State: SlipConfirmed}, "withdraw"}, // the buyer: no red
		{Slip{Incoming: true, BySeller: true, State: SlipConfirmed}, ""},           // the buyer, who confirmed
		{Slip{Incoming: false, BySeller: true, State: SlipConfirmed, Red: "26357000000000000999"}, ""},
		{Slip{Incoming: true, BySeller: false, State: SlipExpired}, ""},
	} {
		can := slipActions(c.sl)
		var on []string
		for _, a := range []SlipAction{SlipConfirm, SlipRefuse, SlipWithdraw, "red"} {
			if can[a] {
				on = append(on, string(a))
			}
		}
		if got := strings.Join(on, ","); got != c.want {
			t.Errorf("%+v: %q, want %q", c.sl, got, c.want)
		}
	}
}

// storeDigital stores a 数电票 made from blue (issued by the simulator) as the digital
// channel would have issued it: no code, machine or check code, a 20-digit number.
func storeDigital(t *testing.T, ws *Workstation, blue *invoice.Invoice, number string, red *invoice.RedLink) *invoice.Invoice {
	t.Helper()
	inv := *blue
	inv.Lines = slices.Clone(blue.Lines)
	inv.Kind, inv.Code, inv.Number, inv.Machine, inv.CheckCode, inv.Cipher = invoice.KindDigitalOrdinary, "", number, "", "", ""
	inv.RequestID, inv.OrderID = "DIG-"+number, "DIG-"+number
	if red != nil {
		inv.Red = red
		for i := range inv.Lines {
			inv.Lines[i].Amount, inv.Lines[i].Tax = -inv.Lines[i].Amount, -inv.Lines[i].Tax
			inv.Lines[i].Quantity = inv.Lines[i].Quantity.Neg()
		}
	}
	if err := dbOf(t, ws).BeginIssue(invoice.Intent{RequestID: inv.RequestID, OrderID: inv.OrderID, PayloadHash: "h-" + inv.RequestID,
		ExpectedNumber: number, Operator: "张三", Draft: &inv}); err != nil {
		t.Fatal(err)
	}
	if err := dbOf(t, ws).CommitIssued(invoice.Receipt{Invoice: &inv, Counter: 1}); err != nil {
		t.Fatal(err)
	}
	return &inv
}

// Issue 18: a 数电票 in the invoice list — its 20-digit number whole, no code, found by
// its number; its red one names the blue invoice and the slip; reversing it goes
// through a confirmation slip (its lines offered), not straight to a red invoice.
func TestDigitalInvoiceInTheList(t *testing.T) {
	ws, _, slips := newDigitalWorkstation(t)
	blue := issueBlue(t, ws)
	dig := storeDigital(t, ws, blue, "26357000000000000005", nil)
	storeDigital(t, ws, blue, "26357000000000000006", &invoice.RedLink{Number: "26357000000000000005", Reason: invoice.ReasonError,
		Slip: "26350000000000000001"})
	u, w := newTestUISized(t, ws)
	u.ShowInvoices()
	eventually(t, "the list", func() bool { return len(u.list.records) == 3 })
	test.Type(u.list.number, "2635700000000000000")
	eventually(t, "found by its number", func() bool { return len(u.list.records) == 2 })
	u.list.number.SetText("26357000000000000005")
	eventually(t, "found by its whole number", func() bool { return len(u.list.records) == 1 })
	u.list.table.Select(widgetCell(0))
	if got := listColumns[1].cell(u.list.records[0]) + "|" + listColumns[2].cell(u.list.records[0]); got != "数电|26357000000000000005" {
		t.Fatalf("code and number cells %q", got)
	}
	if d := u.list.detail.Text; !strings.HasPrefix(d, "电子发票（普通发票）  号码 26357000000000000005\n") || strings.Contains(d, "校验码") {
		t.Fatalf("details %q", d)
	}
	u.list.number.SetText("26357000000000000006")
	eventually(t, "the red one", func() bool { return len(u.list.records) == 1 })
	u.list.table.Select(widgetCell(0))
	if d := u.list.detail.Text; !strings.Contains(d, "（红字，对应 26357000000000000005，确认单 26350000000000000001）") {
		t.Fatalf("the red one's details %q", d)
	}
	u.list.number.SetText("")
	eventually(t, "all", func() bool { return len(u.list.records) == 3 })
	if !u.list.selectInvoice("", dig.Number) || u.list.partBtn.Disabled() {
		t.Fatalf("the 数电票 selected, partial red off: %q", u.list.redNote.Text)
	}
	screenshot(t, w, "digital-4-invoices")

	// 部分红冲 asks for a slip with the invoice's lines; the clerk ticks the second.
	w.Canvas().Focus(u.list.partBtn)
	key(w, fyne.KeyReturn)
	var checks []*widget.Check
	walkAll(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok {
			checks = append(checks, c)
		}
	})
	if len(checks) != 2 || !strings.Contains(checks[1].Text, "安装服务") {
		t.Fatalf("the lines offered: %d", len(checks))
	}
	checks[1].SetChecked(true)
	screenshot(t, w, "digital-5-slip-request")
	tab(w, 1) // from the scope to the reason: 销货退回
	key(w, fyne.KeyRight)
	key(w, fyne.KeyRight)
	key(w, fyne.KeyReturn)
	eventually(t, "the slip", func() bool { return u.tabs.Selected() == u.slipsTab && len(u.slips.slips) == 1 })
	sl := u.slips.slips[0]
	if sl.Blue != dig.Number || !slices.Equal(sl.Lines, []int{2}) || sl.Reason != invoice.ReasonReturn || sl.State != SlipSellerAsked {
		t.Fatalf("the slip %+v", sl)
	}
	if len(slips.requests) != 1 {
		t.Fatalf("%d requests", len(slips.requests))
	}
}

// The slip screen by keyboard alone, as scripts/gui-digital.sh drives the real window:
// Ctrl+5 focuses the list, Shift+Tab reaches the direction, → shows the incoming slips,
// Tab back to the list, ↓ selects; Tab reaches 确认, Enter asks, Enter confirms, Enter
// closes the message and the focus is on 开具红字发票: Enter asks, Enter issues.
func TestSlipScreenByKeyboard(t *testing.T) {
	ws, _, slips := newDigitalWorkstation(t)
	in := slips.incoming("26357000000000000003", false, 500_00, SlipBuyerAsked)
	u, w := newTestUISized(t, ws)
	ctrl(w, fyne.Key5)
	if u.tabs.Selected() != u.slipsTab {
		t.Fatalf("Ctrl+5 selected tab %d", u.tabs.SelectedIndex())
	}
	focusIs(t, w, u.slips.table, "the list after Ctrl+5")
	for range 3 {
		keyMod(w, fyne.KeyTab, fyne.KeyModifierShift)
	}
	focusIs(t, w, u.slips.dir, "the direction")
	key(w, fyne.KeyRight)
	tab(w, 3)
	focusIs(t, w, u.slips.table, "the list again")
	eventually(t, "the incoming slip", func() bool { return len(u.slips.slips) == 1 })
	key(w, fyne.KeyDown)
	if u.slips.selected == nil || u.slips.selected.ID != in.ID {
		t.Fatal("↓ must select the slip")
	}
	tab(w, 1)
	focusIs(t, w, u.slips.confirmBtn, "确认")
	key(w, fyne.KeyReturn)
	key(w, fyne.KeyReturn)
	eventually(t, "confirmed", func() bool { return strings.Contains(dialogText(w), "购销双方已确认") })
	key(w, fyne.KeyReturn)
	eventually(t, "red enabled", func() bool { return !u.slips.redBtn.Disabled() })
	focusIs(t, w, u.slips.redBtn, "开具红字发票, the next step, after the message")
	key(w, fyne.KeyReturn)
	key(w, fyne.KeyReturn)
	eventually(t, "the red invoice", func() bool { return slips.slip(t, in.ID).Red != "" })
}

// The home screen counts the slips waiting for this enterprise's answer, with the first
// deadline, and leads to them; a slip it started or one already answered is not counted.
func TestHomeCountsTheSlipsWaitingForUs(t *testing.T) {
	ws, _, slips := newDigitalWorkstation(t)
	slips.incoming("26357000000000000003", false, 500_00, SlipBuyerAsked)
	slips.incoming("26117000000000000777", true, 200_00, SlipSellerAsked)
	slips.incoming("26117000000000000778", true, 100_00, SlipConfirmed)
	if _, err := slips.Request(context.Background(), SlipRequest{RequestID: "R1", Of: "26357000000000000004", Reason: invoice.ReasonError}); err != nil {
		t.Fatal(err)
	}
	u, w := newTestUISized(t, ws)
	n := u.home.slips
	eventually(t, "the count", func() bool { return strings.Contains(n.text.Text, "待我方确认的红字确认单 2 张") })
	if !strings.Contains(n.text.Text, "最早须于 2026-12-02 09:30 前处理") || n.show.Hidden {
		t.Fatalf("the notice %q, button hidden %v", n.text.Text, n.show.Hidden)
	}
	screenshot(t, w, "digital-home-slips")
	test.Tap(n.show)
	if u.tabs.Selected() != u.slipsTab || !u.slips.incoming() {
		t.Fatal("the button must open the incoming slips")
	}
	eventually(t, "the incoming slips", func() bool { return len(u.slips.slips) == 3 })
}
