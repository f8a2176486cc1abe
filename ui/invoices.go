package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/workstation"
)

// invoiceList is the invoice search: a filter, a page of invoices newest first, the
// selected invoice's details and its actions.
type invoiceList struct {
	u       *UI
	content fyne.CanvasObject

	buyer   *entry
	redOnly *widget.Check
	// The other filters: issue dates (YYYY-MM-DD, both inclusive), the invoice number,
	// the sync state.
	from, to, number *entry
	syncState        *widget.Select
	filterErr        *widget.Label
	table            *selectTable
	records          []*workstation.Record
	cursor           string
	more             *widget.Button
	detail           *widget.Label
	redBtn           *button
	partBtn          *button             // partial red: only for a blue invoice
	redsBtn          *button             // its reds: only for a blue invoice
	actions          []*widget.Button    // those that need a selected invoice
	selected         *workstation.Record // the highlighted row: what the details show and every action acts on
	redNote          *widget.Label       // why the red actions are off for the selected invoice
	lastAction       string              // the last action and the invoice it took (selection.go)
	mailForm         dialog.Dialog       // the address asked for 发送邮件, while open
	partial          *partialStrip       // the partly issued orders, with "issue the rest"
}

var listColumns = []struct {
	title string
	width float32
	cell  func(r *workstation.Record) string
}{
	{"开票日期", 150, func(r *workstation.Record) string {
		return r.Invoice.IssuedAt.In(invoice.Beijing).Format("2006-01-02 15:04")
	}},
	{"发票代码", 120, func(r *workstation.Record) string { return codeCell(r.Invoice) }},
	{"发票号码", 185, func(r *workstation.Record) string { return r.Invoice.Number }}, // 20 digits for a 数电票
	{"购买方", 220, func(r *workstation.Record) string { return r.Invoice.Buyer.Name }},
	{"合计金额", 110, func(r *workstation.Record) string { return yuan(r.Invoice.Totals().Amount, false) }},
	{"合计税额", 100, func(r *workstation.Record) string { return yuan(r.Invoice.Totals().Tax, false) }},
	{"价税合计", 110, func(r *workstation.Record) string { return yuan(r.Invoice.Totals().Total, false) }},
	{"同步", 70, func(r *workstation.Record) string { return lang.L(syncText[r.Sync]) }},
}

var syncText = map[workstation.RecordSync]string{workstation.SyncQueued: "待上传", workstation.SyncAcked: "已上传", workstation.SyncDead: "失败"}

func newInvoiceList(u *UI) *invoiceList {
	l := &invoiceList{u: u, buyer: newEntry(), detail: widget.NewLabel(""), redNote: widget.NewLabel(""), partial: newPartialStrip(u)}
	l.redNote.Importance = widget.WarningImportance
	l.buyer.SetPlaceHolder(lang.L("购买方名称或税号"))
	l.buyer.OnChanged = func(string) { l.reload() }
	l.redOnly = widget.NewCheck(lang.L("只看红字"), func(bool) { l.reload() })
	l.table = newTable(func() int { return len(l.records) }, len(listColumns),
		func(r, c int) string { return listColumns[c].cell(l.records[r]) },
		func(c int) (string, float32) {
			if c == len(listColumns)-1 { // the sync state: as wide as its longest word
				w := listColumns[c].width
				for _, s := range syncText {
					w = max(w, textWidth(lang.L(s)))
				}
				return listColumns[c].title, w
			}
			return listColumns[c].title, listColumns[c].width
		},
		func(r int) { l.show(l.records[r]) })
	l.more = widget.NewButton(lang.L("更多"), l.loadMore)
	l.redBtn = newButton(lang.L("全额红冲"), l.confirmRed)
	l.redBtn.Disable()
	l.partBtn = newButton(lang.L("部分红冲"), func() {
		if l.selected != nil && isDigital(l.selected.Invoice) {
			l.u.requestSlip(l.selected.Invoice, "lines")
			return
		}
		l.showPartialRed()
	})
	l.partBtn.Disable()
	l.redsBtn = newButton(lang.L("查看红字发票"), func() { l.showReds() })
	l.redsBtn.Disable()
	l.actions = []*widget.Button{
		widget.NewButton(lang.L("预览"), func() { l.acted("preview"); showPreview(u.win, lang.L("发票预览"), l.selected.Invoice, nil) }),
		widget.NewButton(lang.L("保存PDF"), func() { l.acted("pdf"); askSavePDF(u.win, u.ws, l.selected.Invoice) }),
		widget.NewButton(lang.L("打印"), func() { l.acted("print"); l.showPrint(false) }),
		widget.NewButton(lang.L("复制代码号码"), func() {
			fyne.CurrentApp().Clipboard().SetContent(invoiceName(l.selected.Invoice.Code, l.selected.Invoice.Number))
		}),
		widget.NewButton(lang.L("发送邮件"), l.askMail),
	}
	for _, b := range l.actions {
		b.Disable()
	}
	l.detail.Wrapping = fyne.TextWrapWord
	// The list above, the selected invoice below, the split movable by the clerk.
	split := container.NewVSplit(
		container.NewBorder(nil, l.more, nil, nil, l.table),
		container.NewBorder(nil, container.NewHBox(append([]fyne.CanvasObject{l.redBtn, l.partBtn, l.redsBtn}, append(buttons(l.actions), l.redNote)...)...), nil, nil,
			container.NewVScroll(l.detail)))
	split.Offset = 0.6
	l.from, l.to, l.number = newEntry(), newEntry(), newEntry()
	l.from.SetPlaceHolder("2026-11-01")
	l.to.SetPlaceHolder("2026-11-30")
	l.number.SetPlaceHolder(lang.L("发票号码"))
	for _, e := range []*entry{l.from, l.to, l.number} {
		e.OnChanged = func(string) { l.reload() }
	}
	l.filterErr = widget.NewLabel("")
	l.filterErr.Importance = widget.DangerImportance
	l.syncState = widget.NewSelect([]string{lang.L("全部"), lang.L("待上传"), lang.L("已上传"), lang.L("失败")}, func(string) { l.reload() })
	l.syncState.SetSelectedIndex(0)
	filters := container.NewHBox(widget.NewLabel(lang.L("开票日期")), sized(l.from, 130), widget.NewLabel("—"), sized(l.to, 130),
		widget.NewLabel(lang.L("号码")), sized(l.number, 130), widget.NewLabel(lang.L("同步")), l.syncState, l.filterErr)
	l.content = container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, widget.NewLabel(lang.L("查找")),
			container.NewHBox(append([]fyne.CanvasObject{l.redOnly, l.printButton()}, l.exportButtons()...)...), l.buyer), filters, l.partial.content),
		nil, nil, nil, split)
	return l
}

func (l *invoiceList) query() workstation.Query {
	q := workstation.Query{Buyer: strings.TrimSpace(l.buyer.Text), Limit: 100, Number: strings.TrimSpace(l.number.Text)}
	if l.redOnly.Checked {
		red := true
		q.Red = &red
	}
	q.Sync = map[int]workstation.RecordSync{1: workstation.SyncQueued, 2: workstation.SyncAcked, 3: workstation.SyncDead}[l.syncState.SelectedIndex()]
	l.filterErr.SetText("")
	for _, d := range []struct {
		e    *entry
		dst  *time.Time
		next bool
	}{{l.from, &q.From, false}, {l.to, &q.To, true}} {
		text := strings.TrimSpace(d.e.Text)
		if text == "" {
			continue
		}
		// Dates are the invoice's own, Beijing time, whatever the computer's zone.
		day, err := time.ParseInLocation("2006-01-02", text, invoice.Beijing)
		if err != nil {
			// Half-typed dates are normal while typing: filter without them, and say so.
			l.filterErr.SetText(lang.L("日期格式应为 2026-11-26"))
			continue
		}
		if d.next {
			day = day.AddDate(0, 0, 1) // the end day is included
		}
		*d.dst = day
	}
	return q
}

// sized gives an entry a fixed width in a row of filters.
func sized(o fyne.CanvasObject, width float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(width, o.MinSize().Height), o)
}

// reload reads the first page again. The selected invoice stays selected, read afresh,
// when it is still listed; otherwise nothing is.
func (l *invoiceList) reload() {
	l.partial.reload()
	var id uint64
	if l.selected != nil {
		id = l.selected.ID
	}
	l.records, l.cursor = nil, ""
	l.fetch(l.query())
	if id == 0 || !l.selectWhere(func(r *workstation.Record) bool { return r.ID == id }) {
		l.clearSelection()
	}
}

func (l *invoiceList) loadMore() {
	if l.cursor == "" {
		return
	}
	q := l.query()
	q.Before = l.cursor
	l.fetch(q)
}

func (l *invoiceList) fetch(q workstation.Query) {
	page, err := l.u.ws.Service.List(q)
	if err != nil {
		showError(l.u.win, err)
		return
	}
	l.records = append(l.records, page.Records...)
	l.cursor = page.Cursor
	if l.cursor == "" {
		l.more.Disable()
	} else {
		l.more.Enable()
	}
	l.table.Refresh()
}

// show puts an invoice's details under the list.
func (l *invoiceList) show(r *workstation.Record) {
	l.selected = r
	inv := r.Invoice
	t := inv.Totals()
	var b strings.Builder
	if isDigital(inv) {
		b.WriteString(digitalHeading(inv))
	} else {
		title := lang.L(inv.Kind.Title())
		if inv.IsRed() {
			title += lang.L("（红字，对应 {{.Code}} {{.Number}}）", map[string]any{"Code": inv.Red.Code, "Number": inv.Red.Number})
		}
		b.WriteString(lang.L("{{.Title}}  代码 {{.Code}}  号码 {{.Number}}  校验码 {{.Check}}", map[string]any{
			"Title": title, "Code": inv.Code, "Number": inv.Number, "Check": inv.CheckCode}) + "\n")
	}
	b.WriteString(lang.L("购买方 {{.Name}} {{.TaxID}}", map[string]any{"Name": inv.Buyer.Name, "TaxID": inv.Buyer.TaxID}) + "\n")
	for _, ln := range inv.Lines {
		fmt.Fprintf(&b, "  %s  %s  %s  %s\n", ln.PrintedName(), yuan(ln.Amount, false), ln.RateText(), ln.TaxText())
	}
	// The total in capitals stays Chinese in English too: it is the invoice's own wording
	// of the amount, which the clerk checks against the printed invoice.
	b.WriteString(lang.L("合计 {{.Amount}}  税额 {{.Tax}}  价税合计 {{.Total}}（{{.Words}}）", map[string]any{
		"Amount": yuan(t.Amount, true), "Tax": yuan(t.Tax, true), "Total": yuan(t.Total, true), "Words": invoice.Words(t.Total)}))
	if st, err := l.u.ws.Service.MailStatusOf(r.ID); err == nil {
		b.WriteString("\n" + mailText(st))
		if m, err := l.u.ws.Service.MailSettings(); err == nil && m.Host == "" && st.State == workstation.MailQueued {
			b.WriteString(lang.L("（尚未设置邮件服务器，邮件不会发出：请管理员在“设置 → 电子邮件”中填写）"))
		}
	}
	l.detail.SetText(b.String())
	l.enableActions(r)
}

func (l *invoiceList) confirmRed() {
	r := l.selected
	if r == nil {
		return
	}
	if isDigital(r.Invoice) { // a 数电票 is reversed through a confirmation slip
		l.u.requestSlip(r.Invoice, "whole")
		return
	}
	msg := lang.L("对发票 {{.Code}} {{.Number}} 尚未冲红的全部余额开具红字发票？", map[string]any{"Code": r.Invoice.Code, "Number": r.Invoice.Number})
	// The reason is the clerk's to choose (it is printed and reported): none is preset.
	reason := newKeySelect(nil)
	for _, rs := range redReasons {
		reason.Options = append(reason.Options, fmt.Sprintf("%d %s", rs, lang.L(rs.Text())))
	}
	reason.PlaceHolder = lang.L("请选择冲红原因（←→ 选择）")
	problem := message("")
	problem.Importance = widget.DangerImportance
	var kd *keyDialog
	ok := newButton(lang.L("开具红字发票"), func() {
		i := reason.SelectedIndex()
		if i < 0 {
			problem.SetText(lang.L("请选择冲红原因"))
			l.u.win.Canvas().Focus(reason)
			return
		}
		kd.d.Hide()
		l.red(r, redReasons[i])
	})
	ok.Importance = widget.HighImportance
	reason.onEnter = ok.OnTapped
	cancel := newButton(lang.L("取消"), nil)
	kd = showKeyDialog(l.u.win, lang.L("红冲"), container.NewVBox(sizedMessage(msg),
		widget.NewForm(widget.NewFormItem(lang.L("冲红原因"), reason)), problem), reason, nil, cancel, ok)
	cancel.OnTapped = kd.d.Hide
}

// red issues a full red invoice in the background.
func (l *invoiceList) red(r *workstation.Record, reason invoice.RedReason) {
	o := &invoice.Order{OrderID: "UI-RED-" + r.Invoice.Code + r.Invoice.Number + "-" + l.u.ws.Now().Format("20060102150405"),
		RedOf:  &invoice.RedRequest{Code: r.Invoice.Code, Number: r.Invoice.Number, Reason: int(reason)},
		Issuer: l.u.ws.Operator, Payee: r.Invoice.Payee, Reviewer: r.Invoice.Reviewer}
	l.redBtn.Disable()
	go func() {
		outs, err := l.u.ws.Service.Issue(context.Background(), o)
		onUI(func() {
			if err != nil {
				showError(l.u.win, failed("red.failed", err))
				if l.selected != nil {
					l.enableActions(l.selected)
				}
				return
			}
			showInfo(l.u.win, lang.L("红冲成功"), lang.L("红字发票 {{.Code}} {{.Number}}", map[string]any{"Code": outs[0].Invoice.Code, "Number": outs[0].Invoice.Number}))
			l.reload()
			// The new red invoice is what the clerk looks at next: select it, so that the
			// details and every action are the red one's.
			l.selectInvoice(outs[0].Invoice.Code, outs[0].Invoice.Number)
		})
	}()
}

func buttons(bs []*widget.Button) []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, len(bs))
	for i, b := range bs {
		out[i] = b
	}
	return out
}
