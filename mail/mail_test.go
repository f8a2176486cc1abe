package mail

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf"
	"github.com/kaipiao/kaipiao/store"
)

// testCert is a self-signed certificate for 127.0.0.1, the test server's.
func testCert(t *testing.T) (tls.Certificate, string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kaipiao test smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// server is a real SMTP server (go-smtp) on loopback that wants STARTTLS and PLAIN auth
// and keeps what it receives. Rcpt answers per address: refuse maps an address to a
// reply code.
type server struct {
	mu       sync.Mutex
	received [][]byte
	tlsSeen  []bool
	refuse   map[string]int
}

type session struct {
	srv  *server
	conn *smtp.Conn
	auth bool
}

func (s *server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{srv: s, conn: c}, nil
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "kaipiao" || pass != "秘密pw" {
			return errors.New("bad credentials")
		}
		s.auth = true
		return nil
	}), nil
}
func (s *session) Mail(string, *smtp.MailOptions) error {
	if !s.auth {
		return &smtp.SMTPError{Code: 530, Message: "authentication required"}
	}
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if code := s.srv.refuse[to]; code != 0 {
		return &smtp.SMTPError{Code: code, Message: "mailbox " + to + " unavailable"}
	}
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	_, tlsOn := s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	s.srv.received = append(s.srv.received, b)
	s.srv.tlsSeen = append(s.srv.tlsSeen, tlsOn)
	return err
}
func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }

func startServer(t *testing.T, withTLS bool) (*server, store.MailSettings) {
	cert, caPEM := testCert(t)
	srv := &server{refuse: map[string]int{}}
	s := smtp.NewServer(srv)
	s.Domain = "localhost"
	if withTLS {
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	s.AllowInsecureAuth = false
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return srv, store.MailSettings{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, Username: "kaipiao", Password: "秘密pw",
		From: "开票 <invoices@seller.example>", CACertPEM: caPEM}
}

// issue stores a checked, issued invoice for a buyer with the given address.
func issue(t *testing.T, db *store.DB, n int, email string) *invoice.Invoice {
	codes, err := invoice.ParseTaxCodes(bytes.NewReader(assets.TaxCodesCSV()), assets.TaxCodesVersion)
	if err != nil {
		t.Fatal(err)
	}
	o := &invoice.Order{OrderID: "MAIL-" + string(rune('0'+n)), Buyer: invoice.OrderBuyer{Name: "厦门示例科技有限公司",
		TaxID: "91350200776049653A", Email: email},
		Lines: []invoice.OrderLine{{Name: "软件开发服务", TaxCode: "3040201010000000000", Quantity: "1", UnitPrice: "10000", TaxRate: "0.06"}}}
	c, errs := invoice.Check(o, invoice.Config{Codes: codes, Limits: invoice.DefaultLimits, Operator: "张三",
		Seller: invoice.Party{Name: "厦门开票示范科技有限公司", TaxID: "91350200MA2XYQ0X1C"}})
	if errs != nil {
		t.Fatal(errs)
	}
	inv := c.Parts[0]
	inv.Code, inv.Number, inv.Machine = "035020026011", "0000000"+string(rune('0'+n)), "661234567890"
	inv.IssuedAt, inv.CheckCode = time.Date(2026, 11, 26, 10, 0, 0, 0, time.Local), "12345678901234567890"
	inv.Cipher = strings.Repeat("0123456789+-*/<>", 7)[:108]
	if err := db.ImportIssued(invoice.Receipt{Invoice: inv, Counter: uint64(n)}); err != nil {
		t.Fatal(err)
	}
	return inv
}

func openStore(t *testing.T) *store.DB {
	db, err := store.Open(filepath.Join(t.TempDir(), "kaipiao.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// attachment parses a received message and returns its PDF attachment's name and bytes.
func attachment(t *testing.T, raw []byte) (map[string]string, string, []byte) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	head := map[string]string{"From": msg.Header.Get("From"), "To": msg.Header.Get("To"), "Subject": subject}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatalf("no PDF part: %v", err)
		}
		if p.Header.Get("Content-Type") == "text/plain; charset=UTF-8" {
			text, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
			head["Body"] = string(text)
			continue
		}
		data, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
		if err != nil {
			t.Fatal(err)
		}
		return head, p.FileName(), data
	}
}

// Acceptance: an issued invoice whose buyer has an address is queued with it; the
// mailer sends it through a real SMTP server over STARTTLS with a password, and the
// server receives the PDF byte for byte.
func TestMailDeliversThePDFIntact(t *testing.T) {
	srv, settings := startServer(t, true)
	db := openStore(t)
	if err := db.SetMailSettings(settings, "张三"); err != nil {
		t.Fatal(err)
	}
	inv := issue(t, db, 1, "finance@buyer.example")
	issue(t, db, 2, "") // no address: never queued
	var sentPDF []byte
	m := &Mailer{DB: db, Render: func(inv *invoice.Invoice) ([]byte, error) {
		doc, err := pdf.Render(inv, pdf.Options{Seal: true})
		sentPDF = doc
		return doc, err
	}}
	c, err := m.Once(context.Background())
	if err != nil || c != (Counts{Sent: 1}) {
		t.Fatalf("Once = %+v, %v", c, err)
	}
	if len(srv.received) != 1 || !srv.tlsSeen[0] {
		t.Fatalf("the server received %d messages, TLS %v", len(srv.received), srv.tlsSeen)
	}
	head, name, data := attachment(t, srv.received[0])
	if name != "035020026011_00000001.pdf" || !bytes.Equal(data, sentPDF) || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("attachment %q: %d bytes, equal to the rendered PDF: %v", name, len(data), bytes.Equal(data, sentPDF))
	}
	to, _ := mail.ParseAddress(head["To"])
	from, _ := mail.ParseAddress(head["From"])
	if to == nil || to.Address != "finance@buyer.example" || from == nil || from.Name != "开票" || !strings.Contains(head["Subject"], "035020026011 00000001") ||
		!strings.Contains(head["Body"], "壹万零陆佰圆整") {
		t.Errorf("headers %q", head)
	}
	rec, _ := db.ByNumber(inv.Code, inv.Number)
	if st, _ := db.MailStatusOf(rec.ID); st.State != store.MailSent || st.Attempts != 1 || st.SentAt.IsZero() {
		t.Errorf("status %+v", st)
	}
	if c, err := m.Once(context.Background()); err != nil || c != (Counts{}) || len(srv.received) != 1 {
		t.Errorf("a second pass sent again: %+v %v", c, err)
	}
}

// A temporary refusal (4xx) is retried after the backoff; a permanent one (5xx) fails
// the mail with the server's reason; a server without STARTTLS gets nothing.
func TestMailRetriesAndFailures(t *testing.T) {
	srv, settings := startServer(t, true)
	srv.refuse["busy@buyer.example"] = 451
	srv.refuse["nobody@buyer.example"] = 550
	db := openStore(t)
	if err := db.SetMailSettings(settings, "张三"); err != nil {
		t.Fatal(err)
	}
	busy, gone := issue(t, db, 1, "busy@buyer.example"), issue(t, db, 2, "nobody@buyer.example")
	now := time.Now()
	m := &Mailer{DB: db, Render: func(inv *invoice.Invoice) ([]byte, error) { return []byte("%PDF-1.7 test"), nil },
		Now: func() time.Time { return now }}
	c, err := m.Once(context.Background())
	if err != nil || c != (Counts{Retry: 1, Failed: 1, Pending: 1}) {
		t.Fatalf("Once = %+v, %v", c, err)
	}
	status := func(inv *invoice.Invoice) store.MailStatus {
		rec, _ := db.ByNumber(inv.Code, inv.Number)
		st, _ := db.MailStatusOf(rec.ID)
		return st
	}
	if st := status(busy); st.State != store.MailQueued || !st.NextAt.Equal(now.Add(Backoff[0])) || !strings.Contains(st.Error, "451") {
		t.Errorf("busy: %+v", st)
	}
	if st := status(gone); st.State != store.MailFailed || !strings.Contains(st.Error, "550") || !strings.Contains(st.Error, "unavailable") {
		t.Errorf("gone: %+v", st)
	}
	if c, _ := m.Once(context.Background()); c.Retry+c.Sent+c.Failed != 0 {
		t.Errorf("retried before the backoff: %+v", c)
	}
	delete(srv.refuse, "busy@buyer.example")
	now = now.Add(Backoff[0])
	if c, _ := m.Once(context.Background()); c.Sent != 1 || status(busy).State != store.MailSent || status(busy).Attempts != 2 {
		t.Errorf("after the backoff: %+v %+v", c, status(busy))
	}

	// The clerk requeues the failed one to a corrected address.
	rec, _ := db.ByNumber(gone.Code, gone.Number)
	if err := db.QueueMail(rec.ID, "finance@buyer.example", "张三"); err != nil {
		t.Fatal(err)
	}
	if c, _ := m.Once(context.Background()); c.Sent != 1 || len(srv.received) != 2 {
		t.Errorf("requeued: %+v", c)
	}

	plain, plainSettings := startServer(t, false)
	if err := db.SetMailSettings(plainSettings, "张三"); err != nil {
		t.Fatal(err)
	}
	issue(t, db, 3, "finance@buyer.example")
	if c, _ := m.Once(context.Background()); c.Retry != 1 || len(plain.received) != 0 {
		t.Errorf("a server without STARTTLS: %+v, received %d", c, len(plain.received))
	}
}
