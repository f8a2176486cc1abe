package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/shopspring/decimal"
)

// The goods grid works like a spreadsheet: Tab and Shift+Tab go cell to cell and row to
// row, Up and Down go to the same cell of the row above or below (or through the
// suggestions under a name), Enter goes to the next row's name and adds a row after the
// last, Ctrl+Delete removes the row, Ctrl+Up and Ctrl+Down move it. The amount and the
// tax of a row fill in as its quantity and price are typed.

// lineFields are the grid's text cells, left to right.
var lineFields = []struct{ key, label string }{
	{"name", "项目名称"}, {"tax_code", "税收分类编码"}, {"spec", "规格型号"}, {"unit", "单位"},
	{"quantity", "数量"}, {"unit_price", "单价"}, {"amount", "金额"},
}

// lineWeights are the widths of a row's cells: the text cells above, then rate, tax,
// zero-rate flag, discount, and the remove icon. The tax code holds 19 digits.
var lineWeights = columns{2.9, 2.35, 1.3, 0.8, 1.0, 1.3, 1.4, 1.05, 1.15, 1.3, 1.05, 0.35}

// minGridLines is the fewest rows the grid keeps, whatever else the window shows (the
// no-device banner, suggestions): the window's minimum size must stay within a laptop's
// 1366 × 728. The rest of the form is compact enough that at that size, without the
// banner, the grid shows 8 rows (TestGridShowsEightLinesAt1366x728).
const minGridLines = 3

// lineRow is one row of the grid.
type lineRow struct {
	entries  map[string]*entry // the text cells by key, and "discount"
	rate     *gridSelect
	zeroRate *gridSelect
	tax      *widget.Label // computed
	suggest  *suggestBox   // saved goods matching the name being typed
	row      fyne.CanvasObject
	// amountAuto: the amount cell shows quantity × price rather than what the clerk
	// typed, and is not part of the order (the engine computes the same).
	amountAuto bool
}

// zeroRateCode is the zero-rate flag of the choice the clerk made, which the grid shows
// in the screens' language.
func zeroRateCode(chosen string) string {
	for text, code := range zeroRateChoices {
		if localized(text) == chosen {
			return code
		}
	}
	return ""
}

func lineHeader() fyne.CanvasObject {
	var cells []fyne.CanvasObject
	bold := func(s string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(lang.L(s), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	for _, lf := range lineFields {
		cells = append(cells, bold(lf.label))
	}
	cells = append(cells, bold("税率"), bold("税额"), bold("零税率"), bold("折扣"), widget.NewLabel(""))
	return container.New(lineWeights, cells...)
}

func (f *issueForm) addLine() *lineRow {
	l := &lineRow{entries: map[string]*entry{}, suggest: newSuggestBox(f.relayout), amountAuto: true,
		tax: widget.NewLabel("")}
	l.tax.Alignment = fyne.TextAlignTrailing
	var cells []fyne.CanvasObject
	for _, lf := range lineFields {
		e := f.cell(l, lf.key)
		cells = append(cells, e)
	}
	for _, k := range []string{"quantity", "unit_price", "amount"} {
		l.entries[k].TextStyle.Monospace = false
	}
	l.entries["amount"].OnChanged = func(text string) {
		if !f.filling {
			l.amountAuto = strings.TrimSpace(text) == ""
		}
		f.refresh()
	}
	l.rate = f.newGridSelect(l, rateChoices)
	l.rate.SetSelected("13%")
	l.zeroRate = f.newGridSelect(l, []string{"", lang.L("免税"), lang.L("不征税"), lang.L("出口退税"), lang.L("普通零税率")})
	l.zeroRate.PlaceHolder = "—"
	discount := f.cell(l, "discount")
	l.entries["name"].OnChanged = func(text string) { f.refresh(); f.offerGoods(l, text) }
	remove := newTapIcon(theme.DeleteIcon(), func() { f.removeLine(l) })
	cells = append(cells, l.rate, l.tax, l.zeroRate, discount, remove)
	l.row = container.NewVBox(container.New(lineWeights, cells...), l.suggest.box)
	f.lines = append(f.lines, l)
	f.linesBox.Add(l.row)
	return l
}

// cell is a text cell of row l.
func (f *issueForm) cell(l *lineRow, key string) *entry {
	e := f.entry("")
	e.noLeadingSpace = true
	l.entries[key] = e
	e.key = func(ev *fyne.KeyEvent) bool { return f.gridKey(l, key, ev) }
	e.shortcut = func(s fyne.Shortcut) bool { return f.gridShortcut(l, s) }
	return e
}

// gridKey moves through the grid: Up and Down to the row above or below (or through
// the name's suggestions), Enter to the next row's name.
func (f *issueForm) gridKey(l *lineRow, key string, ev *fyne.KeyEvent) bool {
	if key == "name" && l.suggest.visible() {
		if l.suggest.key(ev) {
			return true
		}
	}
	i := f.lineIndex(l)
	switch ev.Name {
	case fyne.KeyUp:
		f.focusCell(i-1, key)
	case fyne.KeyDown:
		f.focusCell(i+1, key)
	case fyne.KeyReturn, fyne.KeyEnter:
		if i == len(f.lines)-1 {
			f.addLine()
			f.refresh()
		}
		f.focusCell(i+1, "name")
	default:
		return false
	}
	return true
}

// gridShortcut: Ctrl+Delete removes the row, Ctrl+Up and Ctrl+Down move it.
func (f *issueForm) gridShortcut(l *lineRow, s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok || cs.Modifier != fyne.KeyModifierShortcutDefault {
		return false
	}
	i := f.lineIndex(l)
	switch cs.KeyName {
	case fyne.KeyDelete:
		f.removeLine(l)
		f.focusCell(min(i, len(f.lines)-1), "name")
	case fyne.KeyUp:
		f.moveLine(l, -1)
		f.focusCell(f.lineIndex(l), "name")
	case fyne.KeyDown:
		f.moveLine(l, +1)
		f.focusCell(f.lineIndex(l), "name")
	default:
		return false
	}
	return true
}

func (f *issueForm) lineIndex(l *lineRow) int {
	for i, x := range f.lines {
		if x == l {
			return i
		}
	}
	return -1
}

// focusCell focuses a row's cell, scrolled into view; nothing happens off the grid.
func (f *issueForm) focusCell(i int, key string) {
	if i < 0 || i >= len(f.lines) {
		return
	}
	var target fyne.Focusable = f.lines[i].entries[key]
	switch key {
	case "rate":
		target = f.lines[i].rate
	case "zero_rate":
		target = f.lines[i].zeroRate
	}
	if c := f.u.win.Canvas(); c != nil { // not CanvasForObject: a tab just shown is not drawn yet
		c.Focus(target)
	}
	f.scrollTo(i)
}

// scrollTo scrolls the grid so that row i shows.
func (f *issueForm) scrollTo(i int) {
	if f.gridScroll == nil || i < 0 || i >= len(f.lines) {
		return
	}
	row := f.lines[i].row
	top := row.Position().Y
	bottom := top + row.Size().Height
	off := f.gridScroll.Offset.Y
	switch h := f.gridScroll.Size().Height; {
	case top < off:
		f.gridScroll.ScrollToOffset(fyne.NewPos(0, top))
	case bottom > off+h:
		f.gridScroll.ScrollToOffset(fyne.NewPos(0, bottom-h))
	}
}

func (f *issueForm) removeLine(l *lineRow) {
	for i, x := range f.lines {
		if x == l {
			f.lines = append(f.lines[:i], f.lines[i+1:]...)
			f.linesBox.Remove(l.row)
			break
		}
	}
	if len(f.lines) == 0 {
		f.addLine()
	}
	f.refresh()
}

// product is quantity × price rounded to the fen, as the amount cell shows it; empty
// when either is missing or not a number.
func product(quantity, price string) string {
	q, err1 := decimal.NewFromString(strings.TrimSpace(quantity))
	p, err2 := decimal.NewFromString(strings.TrimSpace(price))
	if err1 != nil || err2 != nil || q.IsZero() || p.IsZero() {
		return ""
	}
	return q.Mul(p).Round(2).StringFixed(2)
}

// lineFigures checks one row on its own, so that its tax shows as soon as the row is
// complete, whatever the rest of the form lacks.
func (f *issueForm) lineFigures(o *invoice.Order, i int) (tax invoice.Money, lines []invoice.Line, ok bool) {
	one := *o
	one.Buyer = invoice.OrderBuyer{Name: "购买方"}
	one.Lines = []invoice.OrderLine{o.Lines[i]}
	one.Remark = ""
	cfg := f.u.ws.Service.Rules()
	cfg.Limits = invoice.Limits{InvoiceLimit: invoice.MaxLineAmount, LineTaxTolerance: cfg.Limits.LineTaxTolerance,
		RemarkBytes: cfg.Limits.RemarkBytes}
	checked, errs := invoice.Check(&one, cfg)
	if len(errs) > 0 || checked == nil || len(checked.Invoice.Lines) == 0 {
		return 0, nil, false
	}
	return checked.Invoice.Lines[0].Tax, checked.Invoice.Lines, true
}

// gridSelect is a select in the grid: Up and Down go to the row above or below, Enter
// to the next row (Space opens the choices, Left and Right step through them).
type gridSelect struct {
	widget.Select
	f   *issueForm
	row *lineRow
}

func (f *issueForm) newGridSelect(l *lineRow, options []string) *gridSelect {
	s := &gridSelect{f: f, row: l}
	s.Options = options
	s.OnChanged = func(string) { f.refresh() }
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey moves through the grid, or steps through the choices.
func (s *gridSelect) TypedKey(ev *fyne.KeyEvent) {
	key := "rate"
	if s == s.row.zeroRate {
		key = "zero_rate"
	}
	switch ev.Name {
	case fyne.KeyUp, fyne.KeyDown, fyne.KeyReturn, fyne.KeyEnter:
		s.f.gridKey(s.row, key, ev)
	case fyne.KeyEscape:
		if c := fyne.CurrentApp().Driver().CanvasForObject(s); c != nil {
			escape(c)
		}
	default:
		s.Select.TypedKey(ev)
	}
}

// TypedShortcut: the grid's own, else the window's.
func (s *gridSelect) TypedShortcut(sc fyne.Shortcut) {
	if s.f.gridShortcut(s.row, sc) {
		return
	}
	if c, ok := fyne.CurrentApp().Driver().CanvasForObject(s).(fyne.Shortcutable); ok {
		c.TypedShortcut(sc)
	}
}

// tapIcon is an icon to tap, kept out of the Tab order: the keyboard has Ctrl+Delete.
type tapIcon struct {
	widget.BaseWidget
	icon   fyne.Resource
	tapped func()
}

func newTapIcon(icon fyne.Resource, tapped func()) *tapIcon {
	t := &tapIcon{icon: icon, tapped: tapped}
	t.ExtendBaseWidget(t)
	return t
}

func (t *tapIcon) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewCenter(widget.NewIcon(t.icon)))
}

// Tapped runs the icon's action.
func (t *tapIcon) Tapped(*fyne.PointEvent) { t.tapped() }

// Cursor is the pointing hand: the icon is a button.
func (t *tapIcon) Cursor() desktop.Cursor { return desktop.PointerCursor }
