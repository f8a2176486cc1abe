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
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
)

// rateChoices are the rates a line may take, as the clerk reads them.
var rateChoices = []string{"13%", "9%", "6%", "5%", "3%", "1.5%", "1%", "0%"}

var zeroRateChoices = map[string]string{"": "", "免税": "exempt", "不征税": "not_taxable", "出口退税": "export", "普通零税率": "zero_rate"}

// issueForm is the issue screen: buyer, lines, live totals and every rule's error at its
// field as the clerk types.
type issueForm struct {
	u       *UI
	content fyne.CanvasObject

	orderID   string // the request ID: fixed for this form, so a double issue replays
	kind      *widget.Select
	inclusive *widget.Check
	buyer     map[string]*widget.Entry // by field path
	remark    *widget.Entry
	lines     []*lineRow
	linesBox  *fyne.Container

	amount, tax, total, words, split *widget.Label
	problems                         *widget.Label
	// fieldErr is each entry's current rule error; the entries' validators read it, so
	// Fyne marks the field (and a form shows the message under it).
	fieldErr   map[*widget.Entry]error
	issueBtn   *widget.Button
	previewBtn *widget.Button
	busy       bool
	// filling is set while a chosen buyer or goods fills the form, so that filling does
	// not offer suggestions again.
	filling      bool
	buyerSuggest *suggestBox
	checked      *invoice.Checked // the form as last checked, nil when invalid
}

// lineRow is one line of the form.
type lineRow struct {
	entries  map[string]*widget.Entry // name, tax_code, spec, unit, quantity, unit_price, amount, discount
	rate     *widget.Select
	zeroRate *widget.Select
	suggest  *suggestBox // saved goods matching the name being typed
	row      fyne.CanvasObject
}

func newIssueForm(u *UI) *issueForm {
	f := &issueForm{u: u, buyer: map[string]*widget.Entry{}, fieldErr: map[*widget.Entry]error{}}
	f.kind = widget.NewSelect([]string{"电子普通发票", "电子专用发票"}, func(string) { f.refresh() })
	f.kind.SetSelectedIndex(0)
	f.inclusive = widget.NewCheck(lang.L("单价和金额含税"), func(bool) { f.refresh() })
	buyerForm := widget.NewForm()
	for _, b := range []struct{ path, label, hint string }{
		{"buyer.name", "购买方名称", "必填"},
		{"buyer.tax_id", "纳税人识别号", "统一社会信用代码；个人可不填"},
		{"buyer.address_phone", "地址、电话", ""},
		{"buyer.bank_account", "开户行及账号", ""},
		{"buyer.email", "邮箱", "发送电子发票"},
	} {
		e := f.entry(localized(b.hint))
		f.buyer[b.path] = e
		buyerForm.Append(lang.L(b.label), e)
	}
	f.buyerSuggest = newSuggestBox(f.relayout)
	name := f.buyer["buyer.name"]
	name.OnChanged = func(text string) { f.refresh(); f.offerBuyers(text) }
	f.remark = f.entry(lang.L("备注"))
	f.linesBox = container.NewVBox()
	addLine := widget.NewButtonWithIcon(lang.L("添加商品行"), theme.ContentAddIcon(), func() { f.addLine(); f.refresh() })
	f.amount, f.tax, f.total = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	f.words, f.split = widget.NewLabel(""), widget.NewLabel("")
	f.problems = widget.NewLabel("")
	f.problems.Wrapping = fyne.TextWrapWord
	f.problems.Importance = widget.DangerImportance
	f.issueBtn = widget.NewButtonWithIcon(lang.L("开具 (Ctrl+Enter)"), theme.ConfirmIcon(), f.submit)
	f.issueBtn.Importance = widget.HighImportance
	newBtn := widget.NewButtonWithIcon(lang.L("新建 (Ctrl+N)"), theme.ContentClearIcon(), f.reset)
	f.previewBtn = widget.NewButtonWithIcon(lang.L("预览"), theme.VisibilityIcon(), f.preview)

	header := container.NewHBox(widget.NewLabel(lang.L("发票类型")), f.kind, f.inclusive)
	totals := container.NewGridWithColumns(3, f.amount, f.tax, f.total)
	f.content = container.NewBorder(
		container.NewVBox(header, buyerForm, f.buyerSuggest.box, widget.NewSeparator(), lineHeader()),
		container.NewVBox(widget.NewSeparator(), totals, f.words, f.split, f.problems,
			container.NewBorder(nil, nil, widget.NewLabel(lang.L("备注")), nil, f.remark),
			container.NewHBox(layout.NewSpacer(), newBtn, f.previewBtn, f.issueBtn)),
		nil, nil,
		container.NewVScroll(container.NewVBox(f.linesBox, container.NewHBox(addLine))),
	)
	f.reset()
	return f
}

// relayout lays the form out again after a part of it changed height.
func (f *issueForm) relayout() {
	if f.content != nil {
		f.content.Refresh()
	}
}

func (f *issueForm) entry(hint string) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder(hint)
	e.Validator = func(string) error { return f.fieldErr[e] }
	e.OnChanged = func(string) { f.refresh() }
	return e
}

// lineFields are the columns of a line, with their widths in the grid.
var lineFields = []struct{ key, label string }{
	{"name", "项目名称"}, {"tax_code", "税收分类编码"}, {"spec", "规格型号"}, {"unit", "单位"},
	{"quantity", "数量"}, {"unit_price", "单价"}, {"amount", "金额"}, {"discount", "折扣"},
}

func lineHeader() fyne.CanvasObject {
	var cells []fyne.CanvasObject
	for _, lf := range lineFields {
		cells = append(cells, widget.NewLabelWithStyle(lang.L(lf.label), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	cells = append(cells, widget.NewLabelWithStyle(lang.L("税率"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle(lang.L("零税率"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), widget.NewLabel(""),
		widget.NewLabel(""), widget.NewLabel(""))
	return container.New(lineWeights, cells...)
}

func (f *issueForm) addLine() *lineRow {
	l := &lineRow{entries: map[string]*widget.Entry{}, suggest: newSuggestBox(f.relayout)}
	var cells []fyne.CanvasObject
	for _, lf := range lineFields {
		e := f.entry("")
		l.entries[lf.key] = e
		cells = append(cells, e)
	}
	l.rate = widget.NewSelect(rateChoices, func(string) { f.refresh() })
	l.rate.SetSelected("13%")
	l.zeroRate = widget.NewSelect([]string{"", "免税", "不征税", "出口退税", "普通零税率"}, func(string) { f.refresh() })
	l.zeroRate.PlaceHolder = "—"
	l.entries["name"].OnChanged = func(text string) { f.refresh(); f.offerGoods(l, text) }
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { f.removeLine(l) })
	up := widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { f.moveLine(l, -1) })
	down := widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { f.moveLine(l, +1) })
	cells = append(cells, l.rate, l.zeroRate, up, down, remove)
	l.row = container.NewVBox(container.New(lineWeights, cells...), l.suggest.box)
	f.lines = append(f.lines, l)
	f.linesBox.Add(l.row)
	return l
}

func (f *issueForm) removeLine(l *lineRow) {
	for i, x := range f.lines {
		if x == l {
			f.lines = append(f.lines[:i], f.lines[i+1:]...)
			f.linesBox.Remove(l.row)
			break
		}
	}
	f.refresh()
}

// reset starts a new invoice with a fresh request ID.
func (f *issueForm) reset() {
	var b [6]byte
	rand.Read(b[:])
	f.orderID = fmt.Sprintf("UI-%s-%s", f.u.ws.Now().Format("20060102150405"), hex.EncodeToString(b[:]))
	for _, e := range f.buyer {
		e.SetText("")
	}
	f.remark.SetText("")
	for len(f.lines) > 0 {
		f.linesBox.Remove(f.lines[0].row)
		f.lines = f.lines[1:]
	}
	f.addLine()
	f.refresh()
}

// order reads the form as an order.
func (f *issueForm) order() *invoice.Order {
	o := &invoice.Order{OrderID: f.orderID, PriceIncludesTax: f.inclusive.Checked, Remark: f.remark.Text,
		Issuer: f.u.ws.Operator,
		Buyer: invoice.OrderBuyer{Name: f.buyer["buyer.name"].Text, TaxID: f.buyer["buyer.tax_id"].Text,
			AddressPhone: f.buyer["buyer.address_phone"].Text, BankAccount: f.buyer["buyer.bank_account"].Text,
			Email: f.buyer["buyer.email"].Text}}
	if f.kind.SelectedIndex() == 1 {
		o.Type = string(invoice.KindSpecial)
	}
	for _, l := range f.lines {
		get := func(k string) string { return strings.TrimSpace(l.entries[k].Text) }
		o.Lines = append(o.Lines, invoice.OrderLine{Name: get("name"), TaxCode: get("tax_code"), Spec: get("spec"),
			Unit: get("unit"), Quantity: get("quantity"), UnitPrice: get("unit_price"), Amount: get("amount"),
			Discount: get("discount"), TaxRate: l.rate.Selected, ZeroRate: zeroRateChoices[l.zeroRate.Selected]})
	}
	return o
}

// entries are all the form's text fields.
func (f *issueForm) entries() []*widget.Entry {
	es := []*widget.Entry{f.remark}
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
func (f *issueForm) field(path string) *widget.Entry {
	if e, ok := f.buyer[path]; ok {
		return e
	}
	if path == "remark" {
		return f.remark
	}
	var i int
	var key string
	if _, err := fmt.Sscanf(path, "lines[%d].", &i); err == nil && i < len(f.lines) {
		key = path[strings.Index(path, ".")+1:]
		return f.lines[i].entries[key]
	}
	return nil
}

// refresh checks the form as it stands: totals when it is valid, otherwise every error
// at its field and, for errors no field shows, in the list under the totals.
func (f *issueForm) refresh() {
	if f.issueBtn == nil || f.previewBtn == nil {
		return // still being built
	}
	cfg := f.u.ws.Engine.Codes
	checked, errs := invoice.Check(f.order(), invoice.Config{Codes: cfg, Limits: f.u.ws.Limits,
		Seller: f.u.ws.Engine.Seller, Operator: f.u.ws.Operator})
	// Every error is listed under the totals; those with a field the clerk has typed in
	// also mark that field (an empty one would be marked before it was reached).
	marked := map[*widget.Entry]error{}
	var all []string
	for _, e := range errs {
		if w := f.field(e.Field); w != nil && w.Text != "" && marked[w] == nil {
			marked[w] = errors.New(e.Message)
		}
		all = append(all, e.Message)
	}
	for _, w := range f.entries() {
		f.fieldErr[w] = marked[w]
		w.SetValidationError(marked[w])
	}
	f.problems.SetText(strings.Join(all, "\n"))
	f.checked = checked
	if checked == nil {
		f.previewBtn.Disable()
		f.amount.SetText("合计金额 —")
		f.tax.SetText("合计税额 —")
		f.total.SetText("价税合计 —")
		f.words.SetText("")
		f.split.SetText("")
		f.issueBtn.Disable()
		return
	}
	t := checked.Invoice.Totals()
	f.amount.SetText("合计金额 ¥" + t.Amount.String())
	f.tax.SetText("合计税额 ¥" + t.Tax.String())
	f.total.SetText("价税合计 ¥" + t.Total.String())
	f.words.SetText("价税合计（大写）" + invoice.Words(t.Total))
	f.split.SetText("")
	if n := len(checked.Parts); n > 1 {
		f.split.SetText(fmt.Sprintf("超过单张限额 ¥%s，将拆分为 %d 张发票", f.u.ws.Limits.InvoiceLimit, n))
	}
	f.previewBtn.Enable()
	if !f.busy && f.u.deviceReady() { // without the device the banner says why
		f.issueBtn.Enable()
	} else {
		f.issueBtn.Disable()
	}
}

// preview shows the first invoice the form will become, as it will print.
func (f *issueForm) preview() {
	if f.checked == nil {
		return
	}
	showPreview(f.u.win, "开具前预览", draftForPreview(f.checked.Parts[0]))
}

// submit issues the form's order in the background, keeping the window responsive.
func (f *issueForm) submit() {
	if f.busy || f.issueBtn.Disabled() || !f.u.deviceReady() {
		return
	}
	f.busy = true
	f.issueBtn.Disable()
	o := f.order()
	go func() {
		outs, err := f.u.ws.Engine.Issue(context.Background(), o)
		fyne.Do(func() {
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
		dialog.ShowError(fmt.Errorf("开票失败：%s", clerkMessage(err)), f.u.win)
		f.refresh()
		return
	}
	var lines []string
	for _, o := range outs {
		t := o.Invoice.Totals()
		lines = append(lines, fmt.Sprintf("发票代码 %s  号码 %s  价税合计 ¥%s", o.Invoice.Code, o.Invoice.Number, t.Total))
	}
	dialog.ShowInformation(lang.L("开票成功"), strings.Join(lines, "\n"), f.u.win)
	f.reset()
	if f.u.ws.SyncNow != nil {
		f.u.ws.SyncNow()
	}
	f.u.home.refresh()
}

// clerkMessage is an error as the clerk should read it: rule errors' Chinese messages,
// the device's Chinese text where it gave one.
func clerkMessage(err error) string {
	var errs invoice.Errors
	if errors.As(err, &errs) {
		var m []string
		for _, e := range errs {
			m = append(m, e.Message)
		}
		return strings.Join(m, "；")
	}
	switch {
	case errors.Is(err, invoice.ErrOutcomeUnknown):
		return "税控设备没有应答，结果未知；恢复连接后系统会自动核对，请勿重复开具。（" + err.Error() + "）"
	case errors.Is(err, invoice.ErrOrderChanged):
		return "该订单已开具过发票，且内容与本次不同。"
	}
	return err.Error()
}
