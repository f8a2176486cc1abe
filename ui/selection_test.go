package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// Issue 15, item 1: after a red invoice the highlighted row, the details and every action
// are the red one's; back on the fully reversed blue one, red is off and says why.
func TestSelectionIsWhatActionsActOn(t *testing.T) {
	ws := newWorkstation(t)
	u, w := newTestUI(t, ws)
	blue := issueBlue(t, ws)
	u.ShowInvoices()
	eventually(t, "the list", func() bool { return len(u.list.records) == 1 })
	l := u.list
	if l.selected != nil || !l.redBtn.Disabled() {
		t.Fatal("nothing is selected yet, and nothing may be acted on")
	}
	w.Canvas().Focus(l.table)
	key(w, fyne.KeyDown) // the arrow selects the first row itself
	if l.selected == nil || l.selected.Invoice.Number != blue.Number || l.redBtn.Disabled() {
		t.Fatalf("the arrow key must select the row: %+v", l.selected)
	}
	l.confirmRed()
	key(w, fyne.KeyReturn) // no reason chosen yet: refused, in the dialog
	if n, _ := dbOf(t, ws).Count(); n != 1 {
		t.Fatal("a red invoice was issued without a reason chosen")
	}
	key(w, fyne.KeyRight)  // the reason select has the focus: 1 开票有误
	key(w, fyne.KeyReturn) // and Enter issues
	eventually(t, "the red invoice", func() bool { n, _ := dbOf(t, ws).Count(); return n == 2 })
	eventually(t, "the red selected", func() bool { return l.selected != nil && l.selected.Invoice.IsRed() })
	red := l.selected.Invoice
	if l.table.row < 0 || l.records[l.table.row] != l.selected {
		t.Fatalf("the highlighted row %d is not the selected invoice", l.table.row)
	}
	if !strings.Contains(l.detail.Text, red.Number) || strings.Contains(l.detail.Text, "号码 "+blue.Number) {
		t.Fatalf("the details must be the red invoice's: %q", l.detail.Text)
	}
	if !l.redBtn.Disabled() || !l.partBtn.Disabled() || l.redNote.Text != "红字发票不能再冲红" {
		t.Fatalf("a red invoice is not reversed: red %v, note %q", l.redBtn.Disabled(), l.redNote.Text)
	}
	for _, b := range l.actions {
		if b.Disabled() {
			t.Errorf("%s must act on the red invoice", b.Text)
		}
	}
	dismissDialogs(w)

	// Back on the blue one: reversed in full, nothing is left, and the screen says so.
	w.Canvas().Focus(l.table)
	for i := 0; i < 2 && l.selected.Invoice.IsRed(); i++ {
		key(w, fyne.KeyDown)
	}
	if l.selected.Invoice.Number != blue.Number {
		t.Fatalf("the arrow keys must reach the blue invoice: %s", l.selected.Invoice.Number)
	}
	if !l.redBtn.Disabled() || !l.partBtn.Disabled() || !strings.Contains(l.redNote.Text, "已全额冲红") {
		t.Fatalf("a fully reversed invoice must not offer red: %v %q", l.redBtn.Disabled(), l.redNote.Text)
	}
	if l.redsBtn.Disabled() {
		t.Error("its reds can still be looked at")
	}

	// A filter that hides the selected invoice leaves nothing selected.
	l.buyer.SetText("没有这个购买方")
	if l.selected != nil || !l.actions[0].Disabled() || l.detail.Text != "" {
		t.Fatalf("a hidden invoice stays acted on: %+v", l.selected)
	}
}

// Issue 15, item 7: a mail waiting for a server that is not set says so.
func TestMailWaitingSaysNoServerIsSet(t *testing.T) {
	ws := newWorkstation(t)
	u, _ := newTestUI(t, ws)
	issueFor(t, ws, "M-1", "厦门示例科技有限公司", "ap@example.com")
	u.ShowInvoices()
	eventually(t, "the list", func() bool { return len(u.list.records) == 1 })
	u.list.selectRow(0)
	if !strings.Contains(u.list.detail.Text, "待发送") || !strings.Contains(u.list.detail.Text, "尚未设置邮件服务器") {
		t.Fatalf("detail: %q", u.list.detail.Text)
	}
}
