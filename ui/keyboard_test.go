package ui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/workstation"
)

// focusIs fails the test unless the focus is on want.
func focusIs(t *testing.T, w fyne.Window, want fyne.Focusable, what string) {
	t.Helper()
	if got := w.Canvas().Focused(); got != want {
		t.Fatalf("the focus should be on %s, is on %T %v", what, got, label(got))
	}
}

// label is a focused widget's text, to say where the focus went.
func label(o fyne.Focusable) string {
	switch x := o.(type) {
	case *entry:
		return x.Text + " / " + x.PlaceHolder
	case *button:
		return x.Text
	case *widget.Button:
		return x.Text
	}
	return ""
}

// topButton is the focused button of the dialog on top, or fails the test.
func focusedButton(t *testing.T, w fyne.Window) *button {
	t.Helper()
	b, ok := w.Canvas().Focused().(*button)
	if !ok {
		t.Fatalf("no button has the focus: %T", w.Canvas().Focused())
	}
	return b
}

// Issue 15, acceptance 1: a clerk's day with the keyboard alone — typed keys and
// shortcuts, no tap — through the first run, the log-in, a 5-line invoice with a
// discount, its preview, issuing it, the list, a partial red and the red's PDF.
func TestKeyboardOnlyDay(t *testing.T) {
	ws := newWorkstation(t)
	ws.Role, ws.Operator = "", ""
	app := test.NewTempApp(t)
	app.Settings().SetTheme(NewTheme(false, true))
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1366, 728))
	var u *UI
	Start(w, ws, func(built *UI) { u = built })

	// First run: the focus starts in the administrator's name (filled in); Tab goes
	// down the form; Space on 完成设置 sets up.
	admin := focusedEntry(t, w)
	if admin.Text != "管理员" {
		t.Fatalf("the first field is %q", admin.Text)
	}
	tab(w, 1)
	typeText(w, "secret-pass")
	tab(w, 1)
	typeText(w, "secret-pass")
	tab(w, 1)
	typeText(w, "  厦门开票示范科技有限公司 ") // spaces around a name are not meant
	tab(w, 1)
	typeText(w, testSeller)
	tab(w, 4) // address, bank, device, platform
	focusedEntry(t, w)
	tab(w, 1)
	if b := focusedButton(t, w); b.Text != "完成设置" {
		t.Fatalf("after the platform: %q", b.Text)
	}
	// The Space that presses the button is also typed, into whatever has the focus
	// next: the log-in's operator field (item 4 of the issue).
	space(w)
	if s, _ := dbOf(t, ws).Seller(); s.Name != "厦门开票示范科技有限公司" {
		t.Fatalf("the seller's name is not trimmed: %q", s.Name)
	}

	// Log-in: the operator's name is filled in and has the focus; Tab, password, Enter.
	name := focusedEntry(t, w)
	if strings.TrimSpace(name.Text) != "管理员" {
		t.Fatalf("the log-in's name field holds %q", name.Text)
	}
	tab(w, 1)
	typeText(w, "secret-pass")
	key(w, fyne.KeyReturn)
	if u == nil || ws.Operator != "管理员" {
		t.Fatalf("the log-in failed after the first run: operator %q", ws.Operator)
	}
	audit, _ := dbOf(t, ws).AuditLog(0, 1000)
	for _, e := range audit {
		if strings.TrimSpace(e.Operator) != e.Operator || strings.Contains(e.Subject, " 管理员") {
			t.Errorf("the audit log records an untrimmed name: %+v", e)
		}
	}

	// Ctrl+N: the issue form, the focus in the buyer's name.
	ctrl(w, fyne.KeyN)
	f := u.issue
	if u.tabs.Selected() != u.issueTab {
		t.Fatal("Ctrl+N must show the issue form")
	}
	focusIs(t, w, f.buyer["buyer.name"], "the buyer's name")
	if f.problems.Text != "" {
		t.Fatalf("a blank form shows errors: %q", f.problems.Text)
	}
	typeText(w, "厦门示例科技有限公司")
	tab(w, 1)
	typeText(w, "91350200776049653A")
	tab(w, 3) // address, bank, e-mail
	focusIs(t, w, f.buyer["buyer.email"], "the e-mail")
	tab(w, 1)
	focusIs(t, w, f.lines[0].entries["name"], "the first line's name (not the remark)")

	// Five lines: Tab cell to cell, Enter to the next line.
	lines := []struct{ name, code, unit, qty, price, rightsOnRate, discount, amount, tax string }{
		{"软件开发服务", "3040201010000000000", "项", "1", "10000", "2", "500", "10000.00", "600.00"},
		{"工作站", "1090509010000000000", "台", "2", "4999.5", "", "", "9999.00", "1,299.87"},
		{"显示器", "1090509010000000000", "台", "3", "1200", "", "", "3600.00", "468.00"},
		{"键盘", "1090509010000000000", "个", "10", "99.9", "", "", "999.00", "129.87"},
		{"安装服务", "3040201010000000000", "次", "1", "800", "2", "", "800.00", "48.00"},
	}
	for i, ln := range lines {
		row := f.lines[i]
		focusIs(t, w, row.entries["name"], "a line's name")
		typeText(w, ln.name)
		tab(w, 1)
		focusIs(t, w, row.entries["tax_code"], "the tax code")
		typeText(w, ln.code)
		tab(w, 2) // spec
		focusIs(t, w, row.entries["unit"], "the unit")
		typeText(w, ln.unit)
		tab(w, 1)
		typeText(w, ln.qty)
		tab(w, 1)
		typeText(w, ln.price)
		tab(w, 1)
		focusIs(t, w, row.entries["amount"], "the amount")
		if row.entries["amount"].Text != ln.amount {
			t.Errorf("line %d: the amount cell shows %q, want %s", i+1, row.entries["amount"].Text, ln.amount)
		}
		tab(w, 1)
		focusIs(t, w, row.rate, "the rate")
		if ln.rightsOnRate != "" {
			key(w, fyne.KeyRight) // 13% → 9%
			key(w, fyne.KeyRight) // → 6%
		}
		tab(w, 2) // zero rate, discount
		focusIs(t, w, row.entries["discount"], "the discount")
		typeText(w, ln.discount)
		if row.tax.Text != ln.tax {
			t.Errorf("line %d: the tax cell shows %q, want %s", i+1, row.tax.Text, ln.tax)
		}
		if i < len(lines)-1 {
			key(w, fyne.KeyReturn) // a new line, its name focused
			if len(f.lines) != i+2 {
				t.Fatalf("Enter in the last cell must add a line: %d lines", len(f.lines))
			}
		}
	}
	// The arrows go up and down the grid.
	key(w, fyne.KeyUp)
	focusIs(t, w, f.lines[3].entries["discount"], "the discount of the line above")
	key(w, fyne.KeyDown)
	tab(w, 1)
	focusIs(t, w, f.remark, "the remark after the grid")
	tab(w, 1)
	typeText(w, "李四")
	tab(w, 1)
	typeText(w, "王五")
	if f.total.Text != "价税合计 ¥27,413.74" || f.amount.Text != "合计金额 ¥24,898.00" || f.tax.Text != "合计税额 ¥2,515.74" {
		t.Fatalf("totals: %q %q %q", f.amount.Text, f.tax.Text, f.total.Text)
	}
	if f.problems.Text != "" {
		t.Fatalf("a complete form shows errors: %q", f.problems.Text)
	}

	// Preview: Tab to it, Enter; the preview's 开具 has the focus; Escape closes it.
	tab(w, 3) // add line, new, preview
	if b := focusedButton(t, w); b != f.previewBtn {
		t.Fatalf("the focus is on %q, not 预览", b.Text)
	}
	key(w, fyne.KeyReturn)
	if b := focusedButton(t, w); !strings.HasPrefix(b.Text, "开具") {
		t.Fatalf("the preview's focused button is %q", b.Text)
	}
	key(w, fyne.KeyEscape)
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape must close the preview")
	}
	// Again, and issue from the preview: its 开具 asks first, with the buyer, the total
	// and the number of invoices, 开具 focused; Escape goes back, nothing issued.
	w.Canvas().Focus(f.previewBtn) // the focus is back where it was before the preview
	key(w, fyne.KeyReturn)
	key(w, fyne.KeyReturn)
	if f.confirm == nil {
		t.Fatal("the preview's 开具 must ask before issuing")
	}
	if b := focusedButton(t, w); !strings.HasPrefix(b.Text, "开具") {
		t.Fatalf("the confirmation's focused button is %q", b.Text)
	}
	key(w, fyne.KeyEscape)
	if n, _ := dbOf(t, ws).Count(); n != 0 || f.confirm != nil {
		t.Fatalf("Escape must cancel: %d invoices", n)
	}
	// Ctrl+Enter from a text field asks the same; Enter issues.
	w.Canvas().Focus(f.remark)
	ctrl(w, fyne.KeyReturn)
	if f.confirm == nil {
		t.Fatal("Ctrl+Enter in a text field must ask to issue")
	}
	text := dialogText(w)
	for _, want := range []string{"厦门示例科技有限公司", "¥27,413.74", "发票张数：1"} {
		if !strings.Contains(text, want) {
			t.Errorf("the confirmation must show %q: %q", want, text)
		}
	}
	key(w, fyne.KeyReturn)
	eventually(t, "the invoice issued", func() bool { n, _ := dbOf(t, ws).Count(); return n == 1 })
	// Not 价税合计 alone: the confirmation says it too.
	eventually(t, "开票成功", func() bool { return strings.Contains(dialogText(w), "开票成功") })
	key(w, fyne.KeyReturn) // 确定 has the focus
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Enter must close the information")
	}
	focusIs(t, w, f.buyer["buyer.name"], "the next invoice's buyer")
	page, _ := dbOf(t, ws).List(workstation.Query{})
	blue := page.Records[0].Invoice
	if blue.Payee != "李四" || blue.Reviewer != "王五" || blue.Issuer != "管理员" || len(blue.Lines) != 6 {
		t.Fatalf("issued: payee %q reviewer %q issuer %q, %d lines", blue.Payee, blue.Reviewer, blue.Issuer, len(blue.Lines))
	}

	// The list (Ctrl+4): the table has the focus; Down selects the invoice.
	ctrl(w, fyne.Key4)
	l := u.list
	eventually(t, "the list", func() bool { return len(l.records) == 1 })
	focusIs(t, w, l.table, "the invoice table")
	key(w, fyne.KeyDown)
	if l.selected == nil || l.selected.Invoice.Number != blue.Number {
		t.Fatal("Down must select the invoice")
	}
	// Partial red: Tab to 部分红冲, Enter; the first line has the focus: Space ticks it,
	// Tab to its quantity, 1, Enter issues (reason 1 开票有误 is the dialog's default).
	tab(w, 2) // 全额红冲, 部分红冲
	if b := focusedButton(t, w); b != l.partBtn {
		t.Fatalf("the focus is on %q, not 部分红冲", b.Text)
	}
	key(w, fyne.KeyReturn)
	check, ok := w.Canvas().Focused().(*widget.Check)
	if !ok {
		t.Fatalf("the partial red starts on %T", w.Canvas().Focused())
	}
	space(w)
	if !check.Checked {
		t.Fatal("Space must tick the line")
	}
	tab(w, 1)
	typeText(w, "0.5")
	key(w, fyne.KeyReturn)
	eventually(t, "the red invoice", func() bool { n, _ := dbOf(t, ws).Count(); return n == 2 })
	eventually(t, "the red selected", func() bool { return l.selected != nil && l.selected.Invoice.IsRed() })
	red := l.selected.Invoice
	if l.records[l.table.row] != l.selected || !strings.Contains(l.detail.Text, red.Number) {
		t.Fatal("the highlighted row, the details and the selection must be the red invoice")
	}
	eventually(t, "红冲成功", func() bool { return strings.Contains(dialogText(w), "红冲成功") })
	eventually(t, "the red's actions", func() bool { return l.redBtn.Disabled() && !l.actions[1].Disabled() })
	key(w, fyne.KeyReturn) // close 红冲成功
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Enter must close 红冲成功")
	}

	// The red's PDF: 保存PDF acts on the highlighted red invoice.
	w.Canvas().Focus(l.table)
	tab(w, 2) // the red actions are off for a red invoice: 预览, 保存PDF
	if b, ok := w.Canvas().Focused().(*widget.Button); !ok || b.Text != "保存PDF" {
		t.Fatalf("the focus is on %T %v", w.Canvas().Focused(), label(w.Canvas().Focused()))
	}
	space(w)
	if want := "pdf " + red.Code + " " + red.Number; l.lastAction != want {
		t.Fatalf("保存PDF acted on %q, want %q", l.lastAction, want)
	}
	key(w, fyne.KeyEscape) // the file dialog
	file := filepath.Join(t.TempDir(), "red.pdf")
	if err := savePDF(ws, l.selected.Invoice, file); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils, make deps): %v", err)
	}
	pdfText := string(out)
	// Half of line 1: 5000.00 less half its 500.00 discount, at 6 %.
	for _, want := range []string{red.Number, "-0.5", "-4750.00", "-285.00", "¥-5035.00", "负数", "李四", "王五", "管理员",
		// The reference to the blue invoice, left of the seal: it breaks before 号码.
		"对应正数发票代码:" + blue.Code, "号码:" + blue.Number} {
		if !strings.Contains(pdfText, want) {
			t.Errorf("the red's PDF lacks %q", want)
		}
	}
	_ = os.Remove(file)
}

// dialogText is the text of the labels in the dialog on top.
func dialogText(w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	walkAll(top, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	})
	return b.String()
}

// walkAll walks every object, widgets' rendered children too.
func walkAll(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	f(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, child := range c.Objects {
			walkAll(child, f)
		}
	case fyne.Widget:
		for _, child := range test.WidgetRenderer(c).Objects() {
			walkAll(child, f)
		}
	}
}

// Every text field of the window passes the window's shortcuts on, not only the issue
// form's: Ctrl+1 typed in the statistics' month field goes to the first tab, Ctrl+N to a
// new invoice with the focus in the buyer's name.
func TestWindowShortcutsFromAnyTextField(t *testing.T) {
	ws := newWorkstationAt(t, &sim.Clock{})
	u, w := newTestUI(t, ws)
	u.tabs.Select(u.statsTab)
	w.Canvas().Focus(u.stats.month)
	focusIs(t, w, u.stats.month, "the month field")
	ctrl(w, fyne.Key1)
	if u.tabs.SelectedIndex() != 0 {
		t.Fatalf("Ctrl+1 in the month field: tab %d selected, want 0", u.tabs.SelectedIndex())
	}
	u.tabs.Select(u.statsTab)
	w.Canvas().Focus(u.stats.month)
	focusIs(t, w, u.stats.month, "the month field")
	ctrl(w, fyne.KeyN)
	settle()
	if u.tabs.Selected() != u.issueTab {
		t.Fatal("Ctrl+N in the month field must open the issue form")
	}
	focusIs(t, w, u.issue.buyer["buyer.name"], "the buyer's name after Ctrl+N")
}
