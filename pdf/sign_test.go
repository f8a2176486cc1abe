package pdf

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/pdf/pdftest"
)

func TestECDSASealVerifiesToo(t *testing.T) {
	c, err := pdftest.NewCredentials(true)
	if err != nil {
		t.Fatal(err)
	}
	data, err := RenderSigned(mustSamples(t)[0].inv, Options{}, Signer{Key: c.Key, Certificate: c.Cert, Chain: []*x509.Certificate{c.CA}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ecdsa.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _ := tool(t, "pdfsig", path); !strings.Contains(out, "Signature is Valid") {
		t.Fatalf("pdfsig:\n%s", out)
	}
}

func TestSigningTimeIsTheInvoicesUnlessGiven(t *testing.T) {
	inv := mustSamples(t)[0].inv
	s := signer(t)
	data, err := RenderSigned(inv, Options{}, s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "/M (D:20261126103000+08'00')") {
		t.Error("signature time is not the invoice's IssuedAt")
	}
	s.Time = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	data, err = RenderSigned(inv, Options{}, s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "/M (D:20261201090000+00'00')") {
		t.Error("signature time is not the one given")
	}
}

func TestSigningRefusesAKeyThatIsNotTheCertificates(t *testing.T) {
	other, err := pdftest.NewCredentials(false)
	if err != nil {
		t.Fatal(err)
	}
	s := signer(t)
	s.Key = other.Key
	if _, err := RenderSigned(mustSamples(t)[0].inv, Options{}, s); err == nil {
		t.Fatal("signed with a key that does not match the certificate")
	}
	if _, err := Sign([]byte("%PDF-1.7\nnot a PDF Render made"), signer(t)); err == nil {
		t.Fatal("signed a file without a trailer")
	}
}
