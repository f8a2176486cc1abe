package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
)

// showPartlyIssued tells the clerk which invoices of an order were issued before it
// stopped, and that the rest is issued from the invoice list once the cause is gone.
func showPartlyIssued(u *UI, outs []invoice.Outcome, err error) {
	var lines []string
	for _, o := range outs {
		lines = append(lines, say("partial.line", invoice.Args{"code": o.Invoice.Code, "number": o.Invoice.Number,
			"total": o.Invoice.Totals().Total.String()}))
	}
	msg := say("partial.issued", invoice.Args{"n": fmt.Sprint(len(outs)), "lines": strings.Join(lines, "\n"),
		"err": clerkMessage(err)})
	showInfo(u.win, lang.L("部分开具"), msg)
	u.list.partial.reload()
}

// partialStrip lists, above the invoice list, the orders that were partly issued, each
// with "issue the rest".
type partialStrip struct {
	u       *UI
	content *fyne.Container
}

func newPartialStrip(u *UI) *partialStrip {
	p := &partialStrip{u: u, content: container.NewVBox()}
	p.content.Hide()
	return p
}

// reload reads the partly issued orders from the store.
func (p *partialStrip) reload() {
	orders, err := p.u.ws.Service.PartlyIssuedOrders()
	p.content.RemoveAll()
	if err != nil {
		p.content.Add(widget.NewLabel(say("partial.read_failed", invoice.Args{"err": clerkMessage(err)})))
	}
	for _, o := range orders {
		text := widget.NewLabel(say("partial.order", invoice.Args{"order": o.OrderID, "issued": fmt.Sprint(o.Issued),
			"parts": fmt.Sprint(o.Parts), "reason": o.Reason}))
		text.Importance = widget.WarningImportance
		text.Wrapping = fyne.TextWrapWord
		id := o.OrderID
		rest := widget.NewButton(lang.L("开具剩余"), func() { p.issueRest(id) })
		if !p.u.deviceReady() {
			rest.Disable()
		}
		p.content.Add(container.NewBorder(nil, nil, nil, rest, text))
	}
	if len(p.content.Objects) == 0 {
		p.content.Hide()
	} else {
		p.content.Show()
	}
	// The strip's height changed: the list around it must be laid out again.
	if p.u.list != nil && p.u.list.content != nil {
		p.u.list.content.Refresh()
	}
}

// issueRest issues what remains of an order: its issued invoices are replayed, never
// issued again.
func (p *partialStrip) issueRest(orderID string) {
	go func() {
		outs, err := p.u.ws.Service.IssueRest(context.Background(), orderID)
		onUI(func() {
			p.reload()
			p.u.list.reload()
			switch {
			case err != nil && len(outs) > 0 && errors.Is(err, invoice.ErrPartlyIssued):
				showPartlyIssued(p.u, outs, err)
			case err != nil:
				showError(p.u.win, failed("issue_rest.failed", err))
			default:
				issued := 0
				for _, o := range outs {
					if !o.Replayed {
						issued++
					}
				}
				showInfo(p.u.win, lang.L("开具剩余"), lang.L("订单 {{.Order}} 已全部开具：本次开具 {{.Now}} 张，共 {{.All}} 张。", map[string]any{"Order": orderID, "Now": issued, "All": len(outs)}))
			}
		})
	}()
}
