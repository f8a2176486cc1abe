package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/workstation"
)

// selectTable is a table whose highlighted row is its selection: the arrow keys move the
// selection itself, not a separate keyboard cursor, so that what the clerk sees
// highlighted is what the details show and what every action acts on.
type selectTable struct {
	widget.Table
	row int // the selected row, -1 for none
}

func newSelectTable(rows func() int, cols int, cell func(r, c int) string, head func(c int) (string, float32),
	selected func(r int)) *selectTable {
	t := &selectTable{row: -1}
	t.ExtendBaseWidget(t)
	setupTable(&t.Table, rows, cols, cell, head, func(r int) { t.row = r; t.Refresh(); selected(r) })
	t.OnUnselected = func(widget.TableCellID) { t.row = -1; t.Refresh() }
	// The whole selected row is highlighted, not only the cell that was clicked.
	t.CreateCell = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return container.NewStack(canvas.NewRectangle(color.Transparent), l)
	}
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		c := o.(*fyne.Container)
		bg := c.Objects[0].(*canvas.Rectangle)
		bg.FillColor = color.Transparent
		if id.Row == t.row {
			bg.FillColor = theme.Color(theme.ColorNameSelection)
		}
		bg.Refresh()
		c.Objects[1].(*widget.Label).SetText(cell(id.Row, id.Col))
	}
	return t
}

// TypedKey moves the selection with the arrow keys, Home and End.
func (t *selectTable) TypedKey(ev *fyne.KeyEvent) {
	rows, _ := t.Length()
	row := t.row
	switch ev.Name {
	case fyne.KeyDown:
		row++
	case fyne.KeyUp:
		row--
	case fyne.KeyHome:
		row = 0
	case fyne.KeyEnd:
		row = rows - 1
	case fyne.KeyPageDown:
		row += 10
	case fyne.KeyPageUp:
		row -= 10
	default:
		t.Table.TypedKey(ev)
		return
	}
	row = max(0, min(row, rows-1))
	if rows > 0 && row != t.row {
		t.Select(widget.TableCellID{Row: row, Col: 0})
	}
}

// selectRow selects a row, and shows it even when it was selected already (its record may
// have been read again).
func (l *invoiceList) selectRow(i int) {
	if i < 0 || i >= len(l.records) {
		l.clearSelection()
		return
	}
	l.table.Select(widget.TableCellID{Row: i, Col: 0})
	l.show(l.records[i])
}

// selectWhere selects the first record that matches and reports whether there was one.
func (l *invoiceList) selectWhere(match func(*workstation.Record) bool) bool {
	for i, r := range l.records {
		if match(r) {
			l.selectRow(i)
			return true
		}
	}
	return false
}

// selectInvoice selects an invoice by its code and number.
func (l *invoiceList) selectInvoice(code, number string) bool {
	return l.selectWhere(func(r *workstation.Record) bool { return r.Invoice.Code == code && r.Invoice.Number == number })
}

// clearSelection leaves nothing selected: no details, no action enabled.
func (l *invoiceList) clearSelection() {
	l.selected = nil
	l.table.UnselectAll()
	l.table.row = -1
	l.detail.SetText("")
	for _, b := range l.actions {
		b.Disable()
	}
	for _, b := range []*button{l.redBtn, l.partBtn, l.redsBtn} {
		b.Disable()
	}
	l.redNote.SetText("")
}

// enableActions enables what applies to the selected invoice and says why the red
// actions do not, when they do not: a red invoice is not reversed again, and a blue one
// reversed in full has nothing left.
func (l *invoiceList) enableActions(r *workstation.Record) {
	for _, b := range l.actions {
		b.Enable()
	}
	why := ""
	reds, err := l.u.ws.Service.RedsOf(r.Invoice.Code, r.Invoice.Number)
	switch {
	case r.Invoice.IsRed():
		why = lang.L("红字发票不能再冲红")
	case err != nil:
		why = clerkMessage(err)
	default:
		var left invoice.Money
		for _, ll := range invoice.Remaining(r.Invoice, reds) {
			left += ll.Amount
		}
		if left <= 0 {
			why = lang.L("已全额冲红，没有可冲红的余额")
		}
	}
	l.redNote.SetText(why)
	for _, b := range []*button{l.redBtn, l.partBtn} {
		if why == "" {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	if r.Invoice.IsRed() {
		l.redsBtn.Disable()
	} else {
		l.redsBtn.Enable()
	}
}

// acted records which invoice an action took ("pdf 012345678901 00000001"): the
// selection is the single source of what is acted on, and the tests check it.
func (l *invoiceList) acted(action string) {
	if l.selected != nil {
		l.lastAction = action + " " + l.selected.Invoice.Code + " " + l.selected.Invoice.Number
	}
}
