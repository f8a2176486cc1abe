package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// visibleIn reports whether o lies wholly inside the canvas of w.
func visibleIn(w fyne.Window, o fyne.CanvasObject) bool {
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	size, c := o.Size(), w.Canvas().Size()
	return o.Visible() && pos.X >= 0 && pos.Y >= 0 && pos.X+size.Width <= c.Width+0.5 && pos.Y+size.Height <= c.Height+0.5
}

// Issue 15, acceptance 4: at a laptop's 1366 × 728 the grid shows 8 lines with the
// errors of a half-filled form shown, and 开具 is wholly on the screen.
func TestGridShowsEightLinesAt1366x728(t *testing.T) {
	ws := newWorkstation(t)
	u, w := newTestUI(t, ws)
	w.Resize(fyne.NewSize(1366, 728))
	u.ShowIssue()
	f := u.issue
	if f.problems.Text != "" {
		t.Fatalf("a blank form shows errors: %q", f.problems.Text)
	}
	f.buyer["buyer.name"].SetText("厦门示例科技有限公司")
	for i := 0; i < 9; i++ {
		if i > 0 {
			f.addLine()
		}
		l := f.lines[i]
		l.entries["name"].SetText(fmt.Sprintf("商品%d", i+1))
		if i < 7 { // the last two rows incomplete: their errors show once asked
			l.entries["tax_code"].SetText("1090509010000000000")
			l.entries["quantity"].SetText("2")
			l.entries["unit_price"].SetText("1234.5")
		}
	}
	f.reveal()
	if f.problems.Text == "" {
		t.Fatal("the incomplete rows' errors must show once asked")
	}
	f.gridScroll.ScrollToTop()
	w.Canvas().Refresh(f.content)
	grid := f.gridScroll.Size()
	for i := 0; i < 8; i++ {
		row := f.lines[i].row
		if bottom := row.Position().Y + row.Size().Height; bottom > grid.Height+0.5 {
			t.Errorf("row %d ends at %.0f, below the grid's %.0f: fewer than 8 lines show", i+1, bottom, grid.Height)
		}
	}
	if !visibleIn(w, f.issueBtn) {
		t.Errorf("开具 is not wholly on the 1366 × 728 screen: at %v size %v",
			fyne.CurrentApp().Driver().AbsolutePositionForObject(f.issueBtn), f.issueBtn.Size())
	}
	if got := f.lines[0].entries["amount"].Text; got != "2469.00" {
		t.Errorf("the amount cell shows %q for 2 × 1234.5", got)
	}
	if got := f.lines[0].tax.Text; got != "320.97" {
		t.Errorf("the tax cell shows %q for 2469.00 at 13%%", got)
	}
	if min := w.Content().MinSize(); min.Width > 1366 || min.Height > 728 {
		t.Errorf("the window needs %v: more than the screen", min)
	}
	screenshot(t, w, "issue-grid-1366x728")

	// With the no-device banner above the tabs (issuing is off then), the window still fits
	// the screen: the grid gives up rows, keeping 5, and 开具 stays on the screen.
	u.SetLink(LinkState{Port: "/dev/ttyUSB0", Problem: "税控设备未连接", Hint: "请检查USB线"})
	w.Resize(fyne.NewSize(1366, 727)) // lays the window out again, as a driver does when a part grows
	w.Resize(fyne.NewSize(1366, 728))
	f.gridScroll.ScrollToTop()
	grid = f.gridScroll.Size()
	if bottom := f.lines[4].row.Position().Y + f.lines[4].row.Size().Height; bottom > grid.Height+0.5 {
		t.Errorf("with the banner, row 5 ends at %.0f, below the grid's %.0f", bottom, grid.Height)
	}
	if min := w.Content().MinSize(); min.Height > 728 {
		t.Errorf("with the banner the window needs %.0f px: taller than the screen", min.Height)
	}
	if !visibleIn(w, f.issueBtn) {
		t.Error("with the banner, 开具 is not wholly on the screen")
	}
}

// The grid's keys: an error shows once the cell is left, Shift+Tab goes back, Ctrl+Delete
// removes a row, Ctrl+Up moves one, Down and Up go between rows.
func TestGridKeys(t *testing.T) {
	ws := newWorkstation(t)
	u, w := newTestUI(t, ws)
	u.ShowIssue()
	f := u.issue
	tab(w, 5)
	focusIs(t, w, f.lines[0].entries["name"], "the first line's name")
	typeText(w, "甲")
	tab(w, 1)
	typeText(w, "123") // not a tax code
	// (The buyer's name, left empty on the way, already says so.)
	if strings.Contains(f.problems.Text, "税收分类编码") || f.fieldErr[f.lines[0].entries["tax_code"]] != nil {
		t.Fatalf("an error shows while the clerk is still typing: %q", f.problems.Text)
	}
	tab(w, 1)
	if f.fieldErr[f.lines[0].entries["tax_code"]] == nil || !strings.Contains(f.problems.Text, "税收分类编码") {
		t.Fatalf("the tax code's error must show once the cell is left: %q", f.problems.Text)
	}
	keyMod(w, fyne.KeyTab, fyne.KeyModifierShift)
	focusIs(t, w, f.lines[0].entries["tax_code"], "the tax code, after Shift+Tab")
	key(w, fyne.KeyReturn)
	typeText(w, "乙")
	key(w, fyne.KeyReturn)
	typeText(w, "丙")
	if len(f.lines) != 3 {
		t.Fatalf("%d lines", len(f.lines))
	}
	key(w, fyne.KeyUp)
	focusIs(t, w, f.lines[1].entries["name"], "the name of the line above")
	ctrl(w, fyne.KeyDelete) // removes 乙
	if len(f.lines) != 2 || f.lines[1].entries["name"].Text != "丙" {
		t.Fatalf("Ctrl+Delete must remove the row: %d lines", len(f.lines))
	}
	focusIs(t, w, f.lines[1].entries["name"], "the row that took its place")
	ctrl(w, fyne.KeyUp) // 丙 before 甲
	if f.lines[0].entries["name"].Text != "丙" {
		t.Fatalf("Ctrl+Up must move the row up: %q first", f.lines[0].entries["name"].Text)
	}
	focusIs(t, w, f.lines[0].entries["name"], "the moved row")
	// Ctrl+Enter from the grid asks to issue (here: shows the errors instead, at their
	// cells, and puts the focus on the first).
	ctrl(w, fyne.KeyReturn)
	if f.confirm != nil || f.problems.Text == "" {
		t.Fatal("an incomplete form must show its errors, not ask to issue")
	}
	if _, ok := w.Canvas().Focused().(*entry); !ok {
		t.Fatal("the focus must go to the first field with an error")
	}
}

// Enter in the buyer's fields submits the form: on an incomplete one, the errors show and
// the focus goes to the first missing field.
func TestEnterSubmitsTheForm(t *testing.T) {
	ws := newWorkstation(t)
	u, w := newTestUI(t, ws)
	u.ShowIssue()
	f := u.issue
	typeText(w, "厦门示例科技有限公司")
	key(w, fyne.KeyReturn)
	focusIs(t, w, f.lines[0].entries["name"], "the first missing field")
	if !strings.Contains(f.problems.Text, "项目名称") {
		t.Fatalf("the errors must show: %q", f.problems.Text)
	}
}
