// Package mail delivers invoice PDFs to buyers by e-mail: the store's mail outbox is
// drained through an SMTP server with STARTTLS (never in clear), a temporary failure is
// retried with growing waits like the sync, and a permanent refusal is recorded on the
// invoice for the clerk with the server's reason.
package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
)

// Render makes an invoice's PDF.
type Render func(inv *invoice.Invoice) ([]byte, error)

// Backoff is the wait before each retry of a temporary failure; after the last the mail
// is failed and waits for the clerk.
var Backoff = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour, 24 * time.Hour}

// Mailer sends the store's due mails.
type Mailer struct {
	DB     *store.DB
	Render Render
	// RenderOFD, when set, makes the invoice's OFD, attached beside the PDF as
	// 发票代码_发票号码.ofd: the archival layout buyers' accountants ask for.
	RenderOFD Render
	Now       func() time.Time // default time.Now
	// Dial opens the connection to the server; default net.Dialer with a 30 s timeout.
	Dial func(ctx context.Context, addr string) (net.Conn, error)
}

// Counts are what one pass did.
type Counts struct {
	Sent    int `json:"sent"`
	Retry   int `json:"retry"`
	Failed  int `json:"failed"`
	Pending int `json:"pending"`
}

// Once sends every mail that is due and returns what happened. An error is for a pass
// that could not run at all (no settings, the store); each mail's own failure is
// recorded on it.
func (m *Mailer) Once(ctx context.Context) (Counts, error) {
	var c Counts
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	settings, err := m.DB.MailSettings()
	if err != nil {
		return c, err
	}
	if settings.Host == "" {
		return c, invoice.NewProblem(nil, "mail.no_server", nil, nil)
	}
	jobs, err := m.DB.DueMail(now(), 100)
	if err != nil {
		return c, err
	}
	for _, job := range jobs {
		if ctx.Err() != nil {
			break
		}
		err := m.send(ctx, settings, job)
		failure, next := "", time.Time{}
		switch {
		case err == nil:
			c.Sent++
		case permanent(err) || job.Status.Attempts >= len(Backoff):
			failure = invoice.Explain(invoice.Chinese, err) // kept for the clerk to read
			c.Failed++
		default:
			failure, next = invoice.Explain(invoice.Chinese, err), now().Add(Backoff[job.Status.Attempts])
			c.Retry++
		}
		if err := m.DB.MailResult(job.Record.ID, failure, next); err != nil {
			return c, err
		}
	}
	c.Pending, _, _, err = m.DB.MailCounts()
	return c, err
}

// permanent reports whether the server refused for good (a 5xx reply): a wrong address
// does not get better by retrying.
func permanent(err error) bool {
	var se *smtp.SMTPError
	return errors.As(err, &se) && se.Code >= 500
}

func (m *Mailer) send(ctx context.Context, s store.MailSettings, job store.MailJob) error {
	inv := job.Record.Invoice
	doc, err := m.Render(inv)
	if err != nil {
		return invoice.NewProblem(nil, "mail.pdf_failed", nil, err)
	}
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return invoice.NewProblem(nil, "mail.from_invalid", invoice.Args{"value": s.From}, err)
	}
	to, err := mail.ParseAddress(job.Status.To)
	if err != nil {
		return &smtp.SMTPError{Code: 553, Message: invoice.Say(invoice.Chinese, "mail.to_invalid", invoice.Args{"value": job.Status.To, "err": err.Error()})}
	}
	var extra []Attachment
	if m.RenderOFD != nil {
		o, err := m.RenderOFD(inv)
		if err != nil {
			return invoice.NewProblem(nil, "mail.ofd_failed", nil, err)
		}
		extra = append(extra, Attachment{Name: fileStem(inv) + ".ofd", Type: "application/ofd", Data: o})
	}
	msg, err := Message(from, to, inv, doc, m.now(), extra...)
	if err != nil {
		return err
	}
	tlsConf := &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	if s.CACertPEM != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(s.CACertPEM)) {
			return invoice.NewProblem(nil, "mail.ca_unreadable", nil, nil)
		}
		tlsConf.RootCAs = pool
	}
	dial := m.Dial
	if dial == nil {
		dial = func(ctx context.Context, addr string) (net.Conn, error) {
			return (&net.Dialer{Timeout: 30 * time.Second}).DialContext(ctx, "tcp", addr)
		}
	}
	conn, err := dial(ctx, net.JoinHostPort(s.Host, strconv.Itoa(s.Port)))
	if err != nil {
		return invoice.NewProblem(nil, "mail.connect_failed", nil, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	} else {
		conn.SetDeadline(time.Now().Add(2 * time.Minute))
	}
	// NewClientStartTLS refuses a server that does not offer STARTTLS: the PDF and the
	// password never travel in clear.
	c, err := smtp.NewClientStartTLS(conn, tlsConf)
	if err != nil {
		conn.Close()
		return invoice.NewProblem(nil, "mail.starttls_failed", nil, err)
	}
	defer c.Close()
	if s.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.Username, s.Password)); err != nil {
			return invoice.NewProblem(nil, "mail.login_failed", nil, err)
		}
	}
	// The envelope carries the bare addresses; the names are in the headers, encoded.
	if err := c.SendMail(from.Address, []string{to.Address}, bytes.NewReader(msg)); err != nil {
		return err
	}
	return c.Quit()
}

func (m *Mailer) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Attachment is a further file of an e-mail: the invoice's OFD.
type Attachment struct {
	Name, Type string
	Data       []byte
}

// Message builds the e-mail: a short Chinese text and the PDF attached as
// 发票代码_发票号码.pdf, then any extra attachments, in MIME with base64 bodies (a PDF
// is binary; 8-bit transport cannot be assumed).
func Message(from, to *mail.Address, inv *invoice.Invoice, pdf []byte, date time.Time, extra ...Attachment) ([]byte, error) {
	boundary := "kaipiao-" + inv.Code + "-" + inv.Number
	t := inv.Totals()
	subject := fmt.Sprintf("电子发票 %s（%s）", strings.TrimSpace(inv.Code+" "+inv.Number), inv.Seller.Name)
	codeLine := "" // a 数电 invoice has no 发票代码
	if inv.Code != "" {
		codeLine = "发票代码：" + inv.Code + "\r\n"
	}
	body := fmt.Sprintf("%s：\r\n\r\n您好！附件是%s开具的%s。\r\n\r\n%s发票号码：%s\r\n开票日期：%s\r\n价税合计：%s（%s）\r\n\r\n此邮件由开票系统自动发送。\r\n",
		inv.Buyer.Name, inv.Seller.Name, inv.Kind.Title(), codeLine, inv.Number, inv.IssuedAt.In(invoice.Beijing).Format("2006年01月02日"),
		t.Total, invoice.Words(t.Total))
	name := fileStem(inv) + ".pdf"
	var b bytes.Buffer
	h := textproto.MIMEHeader{}
	h.Set("From", from.String()) // RFC 2047-encodes a Chinese display name
	h.Set("To", to.String())
	h.Set("Subject", mime.BEncoding.Encode("UTF-8", subject))
	h.Set("Date", date.Format(time.RFC1123Z))
	h.Set("Message-Id", fmt.Sprintf("<%s.%d@kaipiao>", strings.TrimPrefix(inv.Code+"."+inv.Number, "."), date.UnixNano()))
	h.Set("MIME-Version", "1.0")
	h.Set("Content-Type", `multipart/mixed; boundary="`+boundary+`"`)
	writeHeader(&b, h)
	fmt.Fprintf(&b, "\r\n--%s\r\n", boundary)
	writeHeader(&b, textproto.MIMEHeader{"Content-Type": {"text/plain; charset=UTF-8"}, "Content-Transfer-Encoding": {"base64"}})
	b.WriteString("\r\n")
	writeBase64(&b, []byte(body))
	fmt.Fprintf(&b, "--%s\r\n", boundary)
	writeHeader(&b, textproto.MIMEHeader{"Content-Type": {`application/pdf; name="` + name + `"`},
		"Content-Disposition": {`attachment; filename="` + name + `"`}, "Content-Transfer-Encoding": {"base64"}})
	b.WriteString("\r\n")
	writeBase64(&b, pdf)
	for _, a := range extra {
		fmt.Fprintf(&b, "--%s\r\n", boundary)
		writeHeader(&b, textproto.MIMEHeader{"Content-Type": {a.Type + `; name="` + a.Name + `"`},
			"Content-Disposition": {`attachment; filename="` + a.Name + `"`}, "Content-Transfer-Encoding": {"base64"}})
		b.WriteString("\r\n")
		writeBase64(&b, a.Data)
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes(), nil
}

func writeHeader(b *bytes.Buffer, h textproto.MIMEHeader) {
	for _, k := range []string{"From", "To", "Subject", "Date", "Message-Id", "MIME-Version", "Content-Type",
		"Content-Disposition", "Content-Transfer-Encoding"} {
		if v := h.Get(k); v != "" {
			fmt.Fprintf(b, "%s: %s\r\n", k, v)
		}
	}
}

// writeBase64 writes data in base64 lines of 76 characters (RFC 2045).
func writeBase64(b *bytes.Buffer, data []byte) {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
}

// fileStem names an invoice's attachments: 发票代码_发票号码, or a 数电 invoice's 20-digit
// number alone.
func fileStem(inv *invoice.Invoice) string {
	if inv.Code == "" {
		return inv.Number
	}
	return inv.Code + "_" + inv.Number
}
