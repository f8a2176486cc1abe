package ui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/workstation"
)

// redReasons are the 冲红原因 in the order of their codes 1–4.
var redReasons = []invoice.RedReason{invoice.ReasonError, invoice.ReasonReturn, invoice.ReasonStopped, invoice.ReasonDiscount}

// describe is the line as the clerk chooses it: the goods, what it was, what is left.
func describe(r invoice.LineLeft) string {
	s := fmt.Sprintf("%d. %s  ", r.Line, r.Goods.PrintedName()) + lang.L("原金额 ¥{{.Amount}}", map[string]any{"Amount": yuan(r.Goods.Amount, false)})
	if r.Goods.HasQuantity() {
		s += lang.L("（{{.Quantity}}{{.Unit}}）  剩余 {{.Left}}{{.Unit}}  ¥{{.Amount}}", map[string]any{"Quantity": r.Goods.Quantity.String(),
			"Unit": r.Goods.Unit, "Left": r.Quantity.String(), "Amount": yuan(r.Amount, false)})
	} else {
		s += lang.L("  剩余 ¥{{.Amount}}", map[string]any{"Amount": yuan(r.Amount, false)})
	}
	return s
}

// redRow is one goods line in the partial-red dialog.
type redRow struct {
	left             invoice.LineLeft
	pick             *widget.Check
	quantity, amount *entry
}

// redDialog lets the clerk reverse part of a blue invoice: which lines, how many units or
// how much of each, and why.
type redDialog struct {
	l       *invoiceList
	blue    *workstation.Record
	rows    []*redRow
	reason  *widget.Select
	notice  *entry // 红字信息表编号, for a 专票 only
	problem *widget.Label
	ok      *button
	d       *dialog.CustomDialog
	// orderID is fixed for the dialog: issuing again after an unknown outcome replays
	// the same red invoice instead of reversing twice.
	orderID string
}

// showPartialRed opens the partial-red dialog for the selected blue invoice.
func (l *invoiceList) showPartialRed() *redDialog {
	r := l.selected
	if r == nil || r.Invoice.IsRed() {
		return nil
	}
	reds, err := l.u.ws.Service.RedsOf(r.Invoice.Code, r.Invoice.Number)
	if err != nil {
		showError(l.u.win, err)
		return nil
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	rd := &redDialog{l: l, blue: r, problem: widget.NewLabel(""), notice: newEntry(),
		orderID: fmt.Sprintf("UI-RED-%s%s-%s-%s", r.Invoice.Code, r.Invoice.Number, l.u.ws.Now().Format("20060102150405"), hex.EncodeToString(b[:]))}
	rd.problem.Importance = widget.DangerImportance
	rd.problem.Wrapping = fyne.TextWrapWord
	var reasons []string
	for _, rs := range redReasons {
		reasons = append(reasons, fmt.Sprintf("%d %s", rs, lang.L(rs.Text())))
	}
	rd.reason = widget.NewSelect(reasons, nil)
	rd.reason.SetSelectedIndex(0)
	// Each row: the line and what is left on the left, the two amounts in fixed columns.
	cell := fyne.NewSize(150, widget.NewEntry().MinSize().Height)
	row := func(left fyne.CanvasObject, q, a fyne.CanvasObject) fyne.CanvasObject {
		return container.NewBorder(nil, nil, nil, container.NewHBox(container.NewGridWrap(cell, q), container.NewGridWrap(cell, a)), left)
	}
	rowsBox := container.NewVBox(row(widget.NewLabel(lang.L("商品行（勾选要冲红的行）")), widget.NewLabel(lang.L("冲红数量")), widget.NewLabel(lang.L("或冲红金额"))))
	// The engine's own accounting, so the clerk sees the remainder it will enforce.
	for _, left := range invoice.Remaining(r.Invoice, reds) {
		rr := &redRow{left: left, pick: widget.NewCheck(describe(left), func(bool) { rd.problem.SetText("") }),
			quantity: newEntry(), amount: newEntry()}
		rr.quantity.OnSubmitted = func(string) { rd.submit() }
		rr.amount.OnSubmitted = func(string) { rd.submit() }
		rr.quantity.SetPlaceHolder(lang.L("数量"))
		rr.amount.SetPlaceHolder(lang.L("不含税金额"))
		if !left.Goods.HasQuantity() {
			rr.quantity.Disable()
		}
		if left.Amount <= 0 {
			rr.pick.Disable() // nothing left of this line
		}
		rd.rows = append(rd.rows, rr)
		rowsBox.Add(row(rr.pick, rr.quantity, rr.amount))
	}
	form := widget.NewForm(widget.NewFormItem(lang.L("冲红原因"), rd.reason))
	if r.Invoice.Kind == invoice.KindSpecial {
		rd.notice.SetPlaceHolder(lang.L("16位数字"))
		form.Append(lang.L("红字信息表编号"), rd.notice)
	}
	head := widget.NewLabel(lang.L("蓝字发票 {{.Code}} {{.Number}}  {{.Buyer}}  已开红字 {{.Reds}} 张。数量与金额都不填的行，冲红其全部剩余。",
		map[string]any{"Code": r.Invoice.Code, "Number": r.Invoice.Number, "Buyer": r.Invoice.Buyer.Name, "Reds": len(reds)}))
	head.Wrapping = fyne.TextWrapWord
	content := container.NewBorder(container.NewVBox(head, form), rd.problem, nil, nil, container.NewVScroll(rowsBox))
	rd.notice.OnSubmitted = func(string) { rd.submit() }
	rd.ok = newButton(lang.L("开具红字发票"), rd.submit)
	rd.ok.Importance = widget.HighImportance
	cancel := newButton(lang.L("取消"), nil)
	// The focus starts on the first line that has something left: Space ticks it, Tab
	// goes to its quantity, Enter issues, Escape cancels.
	var first fyne.Focusable = rd.reason
	for _, row := range rd.rows {
		if !row.pick.Disabled() {
			first = row.pick
			break
		}
	}
	kd := showKeyDialog(l.u.win, lang.L("部分红冲"), content, nil, nil, cancel, rd.ok)
	rd.d = kd.d
	cancel.OnTapped = rd.d.Hide
	size := l.u.win.Canvas().Size()
	rd.d.Resize(fyne.NewSize(min(900, size.Width-40), min(520, size.Height-40)))
	l.u.win.Canvas().Focus(first)
	return rd
}

// order is the red order the dialog describes, or why there is none yet.
func (rd *redDialog) order() (*invoice.Order, string) {
	inv := rd.blue.Invoice
	req := &invoice.RedRequest{Code: inv.Code, Number: inv.Number, Reason: int(redReasons[rd.reason.SelectedIndex()]),
		Notice: strings.TrimSpace(rd.notice.Text)}
	for _, row := range rd.rows {
		if !row.pick.Checked {
			continue
		}
		rl := invoice.RedLineRequest{Line: row.left.Line, Quantity: strings.TrimSpace(row.quantity.Text),
			Amount: strings.TrimSpace(row.amount.Text)}
		if rl.Quantity == "" && rl.Amount == "" {
			if row.left.Goods.HasQuantity() {
				rl.Quantity = row.left.Quantity.String()
			} else {
				rl.Amount = row.left.Amount.String()
			}
		}
		req.Lines = append(req.Lines, rl)
	}
	if len(req.Lines) == 0 {
		return nil, lang.L("请勾选要冲红的商品行")
	}
	// 收款人 and 复核 are the blue invoice's: the same people answer for the reversal.
	return &invoice.Order{OrderID: rd.orderID, RedOf: req, Issuer: rd.l.u.ws.Operator,
		Payee: inv.Payee, Reviewer: inv.Reviewer}, ""
}

// submit issues the red invoice in the background; a refusal stays in the dialog, next
// to the choice that caused it.
func (rd *redDialog) submit() {
	o, why := rd.order()
	if o == nil {
		rd.problem.SetText(why)
		return
	}
	rd.problem.SetText(lang.L("正在开具…"))
	rd.ok.Disable()
	go func() {
		outs, err := rd.l.u.ws.Service.Issue(context.Background(), o)
		onUI(func() {
			rd.ok.Enable()
			if err != nil {
				rd.problem.SetText(lang.L("红冲失败：") + clerkMessage(err))
				return
			}
			rd.d.Hide()
			red := outs[0].Invoice
			showInfo(rd.l.u.win, lang.L("红冲成功"), lang.L("红字发票 {{.Code}} {{.Number}}，价税合计 ¥{{.Total}}", map[string]any{
				"Code": red.Code, "Number": red.Number, "Total": red.Totals().Total.String()}))
			rd.l.reload()
			rd.l.selectInvoice(red.Code, red.Number)
		})
	}()
}

// showReds lists the red invoices issued against the selected blue one.
func (l *invoiceList) showReds() string {
	r := l.selected
	if r == nil {
		return ""
	}
	reds, err := l.u.ws.Service.RedsOf(r.Invoice.Code, r.Invoice.Number)
	if err != nil {
		showError(l.u.win, err)
		return ""
	}
	text := redsText(r.Invoice, reds)
	msg := widget.NewLabel(text)
	d := dialog.NewCustom(lang.L("{{.Code}} {{.Number}} 的红字发票", map[string]any{"Code": r.Invoice.Code, "Number": r.Invoice.Number}), lang.L("关闭"),
		container.NewVScroll(msg), l.u.win)
	d.Resize(fyne.NewSize(760, 320))
	d.Show()
	return text
}

// redsText is one line per red invoice, then what is left of the blue one.
func redsText(blue *invoice.Invoice, reds []*invoice.Invoice) string {
	if len(reds) == 0 {
		return lang.L("尚未开具红字发票")
	}
	var b strings.Builder
	var sum invoice.Money
	for _, red := range reds {
		t := red.Totals()
		sum += t.Total
		fmt.Fprintf(&b, "%s  %s %s  %s  %s\n", red.IssuedAt.In(invoice.Beijing).Format("2006-01-02 15:04"), red.Code, red.Number,
			lang.L(red.Red.Reason.Text()), lang.L("价税合计 ¥{{.Total}}", map[string]any{"Total": yuan(t.Total, false)}))
	}
	b.WriteString(lang.L("共 {{.N}} 张，合计 ¥{{.Sum}}；蓝字发票剩余 ¥{{.Left}}", map[string]any{"N": len(reds), "Sum": yuan(sum, false),
		"Left": yuan(blue.Totals().Total+sum, false)}))
	return b.String()
}
