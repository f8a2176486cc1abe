package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// newTable is a table of rows and text cells under translated headers, whose
// highlighted row is its selection (selection.go).
func newTable(rows func() int, cols int, cell func(r, c int) string, head func(c int) (string, float32),
	selected func(r int)) *selectTable {
	return newSelectTable(rows, cols, cell, head, selected)
}

// setupTable configures t, which may be embedded in another widget, as newTable does.
func setupTable(t *widget.Table, rows func() int, cols int, cell func(r, c int) string, head func(c int) (string, float32),
	selected func(r int)) {
	t.Length = func() (int, int) { return rows(), cols }
	t.CreateCell = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis // a long name must not run into the next column
		return l
	}
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(cell(id.Row, id.Col)) }
	t.ShowHeaderRow = true
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 {
			title, _ := head(id.Col)
			o.(*widget.Label).SetText(lang.L(title))
		}
	}
	for c := 0; c < cols; c++ {
		title, w := head(c)
		t.SetColumnWidth(c, max(w, textWidth(lang.L(title))))
	}
	t.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < rows() {
			selected(id.Row)
		}
	}
}

// textWidth is how wide a label showing s is: a column or a select at least that wide
// shows it whole (the widths are the Chinese texts'; English ones are often longer).
func textWidth(s string) float32 { return widget.NewLabel(s).MinSize().Width }
