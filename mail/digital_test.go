package mail

import (
	"bytes"
	"encoding/base64"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/pdf/pdftest"
)

// A 数电 invoice's e-mail names it by its 20-digit number: the subject, the text (no
// 发票代码 line) and the attachment 20-digit-number.pdf.
func TestDigitalMessage(t *testing.T) {
	inv, err := pdftest.DigitalExample("01-software-service.json", pdftest.DigitalNumber(42))
	if err != nil {
		t.Fatal(err)
	}
	from, to := &mail.Address{Name: "开票", Address: "a@seller.example"}, &mail.Address{Address: "b@buyer.example"}
	raw, err := Message(from, to, inv, []byte("%PDF-1.7"), time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if id := msg.Header.Get("Message-Id"); !strings.HasPrefix(id, "<"+inv.Number+".") {
		t.Errorf("Message-Id %q", id)
	}
	if subject != "电子发票 "+inv.Number+"（"+inv.Seller.Name+"）" {
		t.Errorf("subject %q", subject)
	}
	_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var names []string
	var text string
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		if p.FileName() != "" {
			names = append(names, p.FileName())
			continue
		}
		var b bytes.Buffer
		b.ReadFrom(base64.NewDecoder(base64.StdEncoding, p))
		text = b.String()
	}
	if len(names) != 1 || names[0] != inv.Number+".pdf" {
		t.Errorf("attachments %q", names)
	}
	if !strings.Contains(text, "发票号码："+inv.Number) || strings.Contains(text, "发票代码") {
		t.Errorf("the text names a 发票代码:\n%s", text)
	}
}
