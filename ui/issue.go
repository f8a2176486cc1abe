package ui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
)

// rateChoices are the rates a line may take, as the clerk reads them.
var rateChoices = []string{"13%", "9%", "6%", "5%", "3%", "1.5%", "1%", "0%"}

var zeroRateChoices = map[string]string{"": "", "免税": "exempt", "不征税": "not_taxable", "出口退税": "export", "普通零税率": "zero_rate"}

// issueForm is the issue screen, laid out as the invoice: the buyer's box, the goods
// grid, the totals with 价税合计 in words, the remark and 收款人, 复核, 开票人. A field's
// errors show once the clerk has left it, or asked to issue: never on a blank form.
type issueForm struct {
	u       *UI
	content fyne.CanvasObject

	orderID    string // the request ID: fixed for this form, so a double issue replays
	kind       *widget.Select
	inclusive  *widget.Check
	buyer      map[string]*entry // by field path
	remark     *entry
	payee      *entry // 收款人
	reviewer   *entry // 复核
	issuer     *widget.Label
	lines      []*lineRow
	linesBox   *fyne.Container
	gridScroll *container.Scroll

	amount, tax, total, words, split *widget.Label
	// problems is the compact summary of the errors shown, in a scroll of fixed height
	// under the totals: it never takes the grid's room, and the layout never jumps.
	problems *widget.Label
	// fieldErr is each entry's current rule error, shown at the field.
	fieldErr map[*entry]error
	// left are the fields the clerk has left since the form was new; asked is set once
	// the clerk asked to preview or issue. Errors show for those only.
	left       map[*entry]bool
	asked      bool
	issueBtn   *button
	previewBtn *button
	busy       bool
	// filling is set while a chosen buyer or goods, or a computed amount, fills the form,
	// so that filling does not offer suggestions again or count as typed.
	filling      bool
	buyerSuggest *suggestBox
	checked      *invoice.Checked // the form as last checked, nil when invalid
	confirm      *keyDialog       // the confirmation before issuing, while open
}

func newIssueForm(u *UI) *issueForm {
	f := &issueForm{u: u, buyer: map[string]*entry{}, fieldErr: map[*entry]error{}, left: map[*entry]bool{}}
	// The kinds in the screens' language; order reads the choice by its index.
	kinds := []string{lang.L("电子普通发票"), lang.L("电子专用发票")}
	if channelOf(u.ws) == ChannelDigital { // the digital channel issues its own kinds of the same types
		kinds = []string{lang.L(invoice.KindDigitalOrdinary.Title()), lang.L(invoice.KindDigitalSpecial.Title())}
	}
	f.kind = widget.NewSelect(kinds, func(string) { f.refresh() })
	f.kind.SetSelectedIndex(0)
	f.inclusive = widget.NewCheck(lang.L("含税"), func(bool) { f.refresh() })
	buyerFields := []struct{ path, label, hint string }{
		{"buyer.name", "购买方名称", "必填"},
		{"buyer.tax_id", "纳税人识别号", "统一社会信用代码；个人可不填"},
		{"buyer.address_phone", "地址、电话", ""},
		{"buyer.bank_account", "开户行及账号", ""},
		{"buyer.email", "邮箱", "发送电子发票"},
	}
	// The labels' column is as wide as the widest label, 100 at least: English labels
	// ("Bank and account") are wider than the Chinese.
	labelWidth := float32(100)
	for _, b := range buyerFields {
		labelWidth = max(labelWidth, textWidth(lang.L(b.label)))
	}
	labelled := func(label string, o fyne.CanvasObject) fyne.CanvasObject {
		l := widget.NewLabel(lang.L(label))
		return container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(labelWidth, l.MinSize().Height), l), nil, o)
	}
	box := []fyne.CanvasObject{labelled("发票类型", container.NewBorder(nil, nil, nil, f.inclusive, f.kind))}
	for _, b := range buyerFields {
		e := f.entry(localized(b.hint))
		e.noLeadingSpace = true
		f.buyer[b.path] = e
		box = append(box, labelled(b.label, e))
	}
	f.buyerSuggest = newSuggestBox(f.relayout)
	name := f.buyer["buyer.name"]
	name.OnChanged = func(text string) { f.refresh(); f.offerBuyers(text) }
	name.key = func(ev *fyne.KeyEvent) bool { return f.buyerSuggest.visible() && f.buyerSuggest.key(ev) }
	f.remark = f.entry(lang.L("备注"))
	f.payee, f.reviewer = f.entry(""), f.entry("")
	f.payee.noLeadingSpace, f.reviewer.noLeadingSpace = true, true
	// Enter in a field of the form submits it, as Ctrl+Enter does: the confirmation, or
	// the errors with the focus on the first (the grid's cells keep Enter for the rows).
	for _, e := range append([]*entry{f.remark, f.payee, f.reviewer}, f.buyerEntries()...) {
		e.OnSubmitted = func(string) { f.askIssue() }
	}
	f.issuer = widget.NewLabel("")
	f.linesBox = container.NewVBox()
	addLine := newButton(lang.L("添加商品行 (Enter)"), func() { f.addLine(); f.refresh(); f.focusCell(len(f.lines)-1, "name") })
	addLine.Icon = theme.ContentAddIcon()
	f.amount, f.tax, f.total = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	f.words, f.split = widget.NewLabel(""), widget.NewLabel("")
	f.problems = message("")
	f.problems.Importance = widget.DangerImportance
	f.issueBtn = newButton(lang.L("开具 (Ctrl+Enter)"), f.askIssue)
	f.issueBtn.Icon = theme.ConfirmIcon()
	f.issueBtn.Importance = widget.HighImportance
	newBtn := newButton(lang.L("新建 (Ctrl+N)"), func() { f.reset(); f.focusFirst() })
	newBtn.Icon = theme.ContentClearIcon()
	f.previewBtn = newButton(lang.L("预览"), f.preview)
	f.previewBtn.Icon = theme.VisibilityIcon()

	f.gridScroll = container.NewVScroll(f.linesBox)
	top := container.NewVBox(container.NewGridWithColumns(2, box...), f.buyerSuggest.box, lineHeader())
	totals := container.NewGridWithColumns(4, f.amount, f.tax, f.total, f.words)
	small := func(label string, e *entry, w float32) fyne.CanvasObject {
		return container.NewHBox(widget.NewLabel(lang.L(label)), container.NewGridWrap(fyne.NewSize(w, e.MinSize().Height), e))
	}
	bottomRow := container.NewBorder(nil, nil, widget.NewLabel(lang.L("备注")),
		container.NewHBox(small("收款人", f.payee, 90), small("复核", f.reviewer, 90), f.issuer,
			layout.NewSpacer(), addLine, newBtn, f.previewBtn, f.issueBtn), f.remark)
	summary := container.NewVScroll(container.NewVBox(f.split, f.problems))
	summary.SetMinSize(fyne.NewSize(0, 2*widget.NewLabel("").MinSize().Height-8))
	bottom := container.NewVBox(widget.NewSeparator(), totals, summary, bottomRow)
	grid := container.New(minHeight{rows: minGridLines, row: f}, f.gridScroll)
	// Objects in reading order, so that Tab goes from the buyer to the grid to the
	// remark (container.NewBorder would put the centre first).
	f.content = container.New(layout.NewBorderLayout(top, bottom, nil, nil), top, grid, bottom)
	f.reset()
	return f
}

// minHeight keeps room for a number of grid rows, so the grid never collapses.
type minHeight struct {
	rows int
	row  *issueForm
}

func (m minHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := (newEntry().MinSize().Height + theme.Padding()) * float32(m.rows)
	return fyne.NewSize(objs[0].MinSize().Width, h)
}

func (m minHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) { objs[0].Resize(size) }

// relayout lays the form out again after a part of it changed height.
func (f *issueForm) relayout() {
	if f.content != nil {
		f.content.Refresh()
	}
}

// entry is one of the form's text fields: checked as typed, its errors shown once left.
func (f *issueForm) entry(hint string) *entry {
	e := newEntry()
	e.SetPlaceHolder(hint)
	// The form sets each field's error itself (no validator: a validator would also put
	// a tick in every valid cell, taking the room of the 19-digit tax code).
	e.AlwaysShowValidationError = true
	e.OnChanged = func(string) { f.refresh() }
	e.left = func() {
		if !f.left[e] {
			f.left[e] = true
			f.refresh()
		}
	}
	return e
}

// buyerEntries are the buyer's fields.
func (f *issueForm) buyerEntries() []*entry {
	out := make([]*entry, 0, len(f.buyer))
	for _, e := range f.buyer {
		out = append(out, e)
	}
	return out
}

// focusFirst puts the focus in the buyer's name, where a new invoice starts.
func (f *issueForm) focusFirst() {
	if c := f.u.win.Canvas(); c != nil { // not CanvasForObject: a tab just shown is not drawn yet
		c.Focus(f.buyer["buyer.name"])
	}
}

// reset starts a new invoice with a fresh request ID.
func (f *issueForm) reset() {
	var b [6]byte
	rand.Read(b[:])
	f.orderID = fmt.Sprintf("UI-%s-%s", f.u.ws.Now().Format("20060102150405"), hex.EncodeToString(b[:]))
	f.filling = true
	for _, e := range f.buyer {
		e.SetText("")
	}
	f.remark.SetText("")
	f.filling = false
	// 收款人 and 复核 stay: the same people answer for a day's invoices.
	for len(f.lines) > 0 {
		f.linesBox.Remove(f.lines[0].row)
		f.lines = f.lines[1:]
	}
	f.addLine()
	f.left = map[*entry]bool{}
	f.asked = false
	f.issuer.SetText(lang.L("开票人：{{.Name}}", map[string]any{"Name": f.u.ws.Operator}))
	f.refresh()
}

// order reads the form as an order, trimmed where a space cannot be meant.
func (f *issueForm) order() *invoice.Order {
	get := func(path string) string { return f.buyer[path].trimmed() }
	o := &invoice.Order{OrderID: f.orderID, PriceIncludesTax: f.inclusive.Checked, Remark: strings.TrimSpace(f.remark.Text),
		Payee: f.payee.trimmed(), Reviewer: f.reviewer.trimmed(), Issuer: f.u.ws.Operator,
		Buyer: invoice.OrderBuyer{Name: get("buyer.name"), TaxID: get("buyer.tax_id"),
			AddressPhone: get("buyer.address_phone"), BankAccount: get("buyer.bank_account"), Email: get("buyer.email")}}
	if f.kind.SelectedIndex() == 1 {
		o.Type = string(invoice.KindSpecial)
	}
	for _, l := range f.lines {
		get := func(k string) string { return l.entries[k].trimmed() }
		ol := invoice.OrderLine{Name: get("name"), TaxCode: get("tax_code"), Spec: get("spec"),
			Unit: get("unit"), Quantity: get("quantity"), UnitPrice: get("unit_price"), Amount: get("amount"),
			Discount: get("discount"), TaxRate: l.rate.Selected, ZeroRate: zeroRateCode(l.zeroRate.Selected)}
		if l.amountAuto {
			ol.Amount = "" // the engine computes quantity × price, as the cell shows
		}
		o.Lines = append(o.Lines, ol)
	}
	return o
}

// issueOrder is the order to issue: an untouched last row (Enter adds one) is not part
// of it.
func (f *issueForm) issueOrder() *invoice.Order {
	o := f.order()
	if n := len(o.Lines); n > 1 && blankLine(f.lines[n-1]) {
		o.Lines = o.Lines[:n-1]
	}
	return o
}

// entries are all the form's text fields.
func (f *issueForm) entries() []*entry {
	es := []*entry{f.remark, f.payee, f.reviewer}
	for _, e := range f.buyer {
		es = append(es, e)
	}
	for _, l := range f.lines {
		for _, e := range l.entries {
			es = append(es, e)
		}
	}
	return es
}

// field finds the entry for an error's field path, or nil.
func (f *issueForm) field(path string) *entry {
	if e, ok := f.buyer[path]; ok {
		return e
	}
	switch path {
	case "remark":
		return f.remark
	case "payee":
		return f.payee
	case "reviewer":
		return f.reviewer
	}
	var i int
	if _, err := fmt.Sscanf(path, "lines[%d].", &i); err == nil && i < len(f.lines) {
		return f.lines[i].entries[path[strings.Index(path, ".")+1:]]
	}
	return nil
}

// blankLine reports whether a row is untouched: an empty row at the end is left out
// of the order, as a spreadsheet's empty last row is.
func blankLine(l *lineRow) bool {
	for _, e := range l.entries {
		if e.trimmed() != "" {
			return false
		}
	}
	return true
}

// refresh checks the form as it stands: the amount and tax of each complete row, the
// totals, and the errors of the fields the clerk has left (all of them once asked).
func (f *issueForm) refresh() {
	if f.issueBtn == nil || f.previewBtn == nil || f.filling {
		return // still being built, or being filled
	}
	o := f.order()
	// Rows: the amount cell shows quantity × price until the clerk types an amount;
	// the tax cell shows the row's tax as soon as the row is complete.
	var sum invoice.Totals
	for i, l := range f.lines {
		if l.amountAuto {
			f.filling = true
			l.entries["amount"].SetText(product(o.Lines[i].Quantity, o.Lines[i].UnitPrice))
			f.filling = false
		}
		tax, lines, ok := f.lineFigures(o, i)
		l.tax.SetText("")
		if ok {
			l.tax.SetText(yuan(tax, false))
			for _, x := range lines {
				sum.Amount += x.Amount
				sum.Tax += x.Tax
			}
		}
	}
	sum.Total = sum.Amount + sum.Tax
	checked, errs := invoice.Check(f.issueOrder(), f.u.ws.Service.Rules())
	marked := map[*entry]error{}
	var shown []string
	for _, e := range errs {
		w := f.field(e.Field)
		if !f.asked && (w == nil || !f.left[w]) {
			continue // not reached yet: a blank form shows no errors
		}
		text := e.Text(msgLang) // the language of the screens: English rule errors in English
		if w != nil && marked[w] == nil {
			marked[w] = errors.New(text)
		}
		shown = append(shown, text)
	}
	for _, w := range f.entries() {
		f.fieldErr[w] = marked[w]
		w.SetValidationError(marked[w])
	}
	f.problems.SetText(strings.Join(shown, "\n"))
	f.checked = checked
	t := sum
	if checked != nil {
		t = checked.Invoice.Totals()
	}
	f.amount.SetText(lang.L("合计金额") + " " + yuan(t.Amount, true))
	f.tax.SetText(lang.L("合计税额") + " " + yuan(t.Tax, true))
	f.total.SetText(lang.L("价税合计") + " " + yuan(t.Total, true))
	f.words.SetText("")
	if t.Total != 0 {
		// The words stay Chinese: they are the invoice's own wording of the total.
		f.words.SetText(lang.L("（大写）{{.Words}}", map[string]any{"Words": invoice.Words(t.Total)}))
	}
	f.split.SetText("")
	f.split.Hide()
	if checked != nil && len(checked.Parts) > 1 {
		f.split.SetText(lang.L("超过单张限额 {{.Limit}}，将拆分为 {{.N}} 张发票", map[string]any{
			"Limit": yuan(f.u.ws.Service.Limits().InvoiceLimit, true), "N": len(checked.Parts)}))
		f.split.Show()
	}
	if !f.busy && f.u.deviceReady() { // without the device the banner says why
		f.issueBtn.Enable()
	} else {
		f.issueBtn.Disable()
	}
}

// reveal shows every error, as asking to issue does, and puts the focus on the first
// field with one; it reports whether the form is valid.
func (f *issueForm) reveal() bool {
	f.asked = true
	f.refresh()
	if f.checked != nil {
		return true
	}
	for _, path := range f.errorPaths() {
		if w := f.field(path); w != nil {
			if c := f.u.win.Canvas(); c != nil { // not CanvasForObject: a tab just shown is not drawn yet
				c.Focus(w)
			}
			break
		}
	}
	return false
}

// errorPaths are the fields of the form's errors, in the order the checker found them.
func (f *issueForm) errorPaths() []string {
	_, errs := invoice.Check(f.issueOrder(), f.u.ws.Service.Rules())
	var out []string
	for _, e := range errs {
		out = append(out, e.Field)
	}
	return out
}

// preview shows the first invoice the form will become, as it will print; its 开具
// goes on to the confirmation.
func (f *issueForm) preview() {
	if !f.reveal() {
		return
	}
	showPreview(f.u.win, lang.L("开具前预览"), f.u.draftPreview(f.checked.Parts[0]), f.askIssue)
}

// askIssue shows what is about to be issued — buyer, total, how many invoices — with
// 开具 focused: Enter issues, Escape goes back to the form.
func (f *issueForm) askIssue() {
	if f.busy || f.confirm != nil || !f.reveal() {
		return
	}
	t := f.checked.Invoice.Totals()
	text := lang.L("购买方：{{.Buyer}}", map[string]any{"Buyer": f.checked.Invoice.Buyer.Name}) + "\n" +
		lang.L("价税合计：{{.Total}}", map[string]any{"Total": yuan(t.Total, true)}) + "\n" +
		lang.L("发票张数：{{.N}}", map[string]any{"N": len(f.checked.Parts)})
	f.confirm = showConfirm(f.u.win, lang.L("确认开具"), text, lang.L("开具 (Enter)"), nil, f.submit)
	f.confirm.onClosed = func() { f.confirm = nil }
}

// submit issues the form's order in the background, keeping the window responsive.
func (f *issueForm) submit() {
	if f.busy || f.checked == nil || !f.u.deviceReady() {
		return
	}
	f.busy = true
	f.issueBtn.Disable()
	o := f.issueOrder()
	go func() {
		outs, err := f.u.ws.Service.Issue(context.Background(), o)
		onUI(func() {
			f.busy = false
			f.issued(outs, err)
		})
	}()
}

func (f *issueForm) issued(outs []invoice.Outcome, err error) {
	if err != nil && len(outs) > 0 {
		showPartlyIssued(f.u, outs, err) // never hide an issued invoice
		f.refresh()
		return
	}
	if err != nil {
		showError(f.u.win, failed("issue.failed", err))
		f.refresh()
		return
	}
	var lines []string
	for _, o := range outs {
		t := o.Invoice.Totals()
		lines = append(lines, lang.L("{{.Invoice}}  价税合计 {{.Total}}", map[string]any{"Invoice": issuedName(o.Invoice), "Total": yuan(t.Total, true)}))
	}
	done := showInfo(f.u.win, lang.L("开票成功"), strings.Join(lines, "\n"))
	f.reset()
	// The next invoice starts in the buyer's name once 开票成功 is closed (the cell that
	// had the focus is gone with its row).
	done.onClosed = f.focusFirst
	f.u.ws.Service.SyncNow()
	f.u.home.refresh()
}

// yuan is an amount as the screen shows it: thousands separated, with ¥ when sign is
// set (exports that machines read keep Money.String).
func yuan(m invoice.Money, sign bool) string {
	s := m.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	dot := strings.IndexByte(s, '.')
	var b strings.Builder
	for i, c := range s[:dot] {
		if i > 0 && (dot-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String() + s[dot:]
	if neg {
		out = "-" + out
	}
	if sign {
		out = "¥" + out // ¥-5.00, as the PDF prints it
	}
	return out
}
