package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/workstation"
)

// mailText is an invoice's e-mail state for its detail, in the clerk's words.
func mailText(st workstation.MailStatus) string {
	switch st.State {
	case workstation.MailQueued:
		if st.Attempts > 0 {
			return fmt.Sprintf("邮件：待发送至 %s（已尝试 %d 次，下次 %s）：%s", st.To, st.Attempts,
				st.NextAt.In(invoice.Beijing).Format("01-02 15:04"), st.Error)
		}
		return fmt.Sprintf("邮件：待发送至 %s", st.To)
	case workstation.MailSent:
		return fmt.Sprintf("邮件：已于 %s 发送至 %s", st.SentAt.In(invoice.Beijing).Format("2006-01-02 15:04"), st.To)
	case workstation.MailFailed:
		return fmt.Sprintf("邮件：发送至 %s 失败：%s", st.To, st.Error)
	}
	return "邮件：未发送"
}

// askMail asks for the address the selected invoice's PDF goes to, prefilled with the
// buyer's or the last one used, and queues it.
func (l *invoiceList) askMail() {
	r := l.selected
	if r == nil {
		return
	}
	to := newEntry()
	to.SetText(r.Invoice.Buyer.Email)
	if st, err := l.u.ws.Service.MailStatusOf(r.ID); err == nil && st.To != "" {
		to.SetText(st.To)
	}
	to.SetPlaceHolder("finance@example.com")
	form := dialog.NewForm(lang.L("发送邮件"), lang.L("发送"), lang.L("取消"),
		[]*widget.FormItem{widget.NewFormItem(lang.L("收件地址"), to)}, func(ok bool) {
			l.mailForm = nil
			if !ok {
				return
			}
			if err := l.queueMail(r, to.Text); err != nil {
				showError(l.u.win, err)
			}
		}, l.u.win)
	to.OnSubmitted = func(string) { form.Submit() } // Enter sends, as the dialog's default
	l.mailForm = form
	l.mailForm.Resize(fyne.NewSize(480, 0))
	l.mailForm.Show()
	l.u.win.Canvas().Focus(to)
}

// queueMail queues the invoice's PDF for to and shows the new state.
func (l *invoiceList) queueMail(r *workstation.Record, to string) error {
	if err := l.u.ws.Service.QueueMail(r.ID, strings.TrimSpace(to)); err != nil {
		return err
	}
	if l.selected == r {
		l.show(r)
	}
	return nil
}
