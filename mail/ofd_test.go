package mail

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/ofd"
	"github.com/kaipiao/kaipiao/pdf"
)

// With RenderOFD set, the buyer receives the OFD beside the PDF, byte for byte.
func TestMailCarriesTheOFD(t *testing.T) {
	srv, settings := startServer(t, true)
	db := openStore(t)
	if err := db.SetMailSettings(settings, "张三"); err != nil {
		t.Fatal(err)
	}
	issue(t, db, 1, "finance@buyer.example")
	var sentOFD []byte
	m := &Mailer{DB: db,
		Render: func(inv *invoice.Invoice) ([]byte, error) { return pdf.Render(inv, pdf.Options{Seal: true}) },
		RenderOFD: func(inv *invoice.Invoice) ([]byte, error) {
			doc, err := ofd.Write(inv, ofd.Options{})
			sentOFD = doc
			return doc, err
		}}
	if c, err := m.Once(context.Background()); err != nil || c != (Counts{Sent: 1}) {
		t.Fatalf("Once = %+v, %v", c, err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(srv.received[0]))
	if err != nil {
		t.Fatal(err)
	}
	_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	mr := multipart.NewReader(msg.Body, params["boundary"])
	files := map[string][]byte{}
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		data, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
		if p.FileName() != "" {
			files[p.FileName()] = data
		}
	}
	got := files["035020026011_00000001.ofd"]
	if !bytes.Equal(got, sentOFD) || len(files) != 2 {
		t.Fatalf("attachments %d, the OFD equal to the rendered one: %v", len(files), bytes.Equal(got, sentOFD))
	}
	if f, err := ofd.Unpack(got); err != nil || f["OFD.xml"] == nil {
		t.Errorf("the attached OFD does not open: %v", err)
	}
}
