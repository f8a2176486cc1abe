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
			return say("mail.retrying", invoice.Args{"to": st.To, "attempts": fmt.Sprint(st.Attempts),
				"next": st.NextAt.In(invoice.Beijing).Format("01-02 15:04"), "err": st.Error})
		}
		return say("mail.queued", invoice.Args{"to": st.To})
	case workstation.MailSent:
		return say("mail.sent", invoice.Args{"to": st.To, "at": st.SentAt.In(invoice.Beijing).Format("2006-01-02 15:04")})
	case workstation.MailFailed:
		return say("mail.failed", invoice.Args{"to": st.To, "err": st.Error})
	}
	return say("mail.not_sent", nil)
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
