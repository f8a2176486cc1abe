package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
)

// slipNotice is the home screen's line about the slips waiting for this enterprise's
// answer: a slip left 72 hours is void, so the clerk sees them without looking.
type slipNotice struct {
	u       *UI
	content fyne.CanvasObject
	text    *widget.Label
	show    *button
	pass    int
}

func newSlipNotice(u *UI) *slipNotice {
	n := &slipNotice{u: u, text: message("")}
	n.show = newButton(lang.L("处理红字确认单"), func() { u.ShowSlips(true) })
	n.show.Hide()
	n.content = widget.NewCard(lang.L("红字确认单"), "", container.NewVBox(n.text, container.NewHBox(n.show)))
	return n
}

// refresh counts the incoming slips waiting for an answer, in the background.
func (n *slipNotice) refresh() {
	n.pass++
	pass, slips := n.pass, n.u.ws.Slips
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		list, err := slips.List(ctx, true)
		cancel()
		onUI(func() {
			if pass != n.pass {
				return
			}
			if err != nil {
				n.text.SetText(lang.L("无法读取确认单：") + clerkMessage(err))
				n.show.Hide()
				return
			}
			waiting, first := 0, time.Time{}
			for _, sl := range list {
				if slipActions(sl)[SlipConfirm] {
					waiting++
					if d := slipDeadline(sl); first.IsZero() || d.Before(first) {
						first = d
					}
				}
			}
			if waiting == 0 {
				n.text.SetText(lang.L("没有待我方确认的红字确认单"))
				n.show.Hide()
				return
			}
			n.text.SetText(lang.L("待我方确认的红字确认单 {{.N}} 张，最早须于 {{.At}} 前处理（超过72小时未确认即作废）",
				map[string]any{"N": waiting, "At": first.In(invoice.Beijing).Format("2006-01-02 15:04")}))
			n.show.Show()
		})
	}()
}
