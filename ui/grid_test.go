package ui

import (
	"fmt"
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
}
