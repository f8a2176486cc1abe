package ofd

import (
	"crypto/rand"
	"crypto/x509/pkix"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
)

type sample struct {
	name string
	inv  *invoice.Invoice
}

// samples are a blue invoice with a discount line, its red reversal and a 30-line one
// (a face and two goods-list pages): the PDF tests' samples; then the same three issued
// on the digital channel (the 数电 layout; the red one through a confirmation slip).
var samples = sync.OnceValues(func() ([]sample, error) {
	blue, err := pdftest.Example("01-software-service.json", "00000042")
	if err != nil {
		return nil, err
	}
	computers, err := pdftest.Example("02-computers-tax-inclusive.json", "00000043")
	if err != nil {
		return nil, err
	}
	red, err := pdftest.Red(computers, "00000044")
	if err != nil {
		return nil, err
	}
	long, err := pdftest.Long(30, "00000045")
	if err != nil {
		return nil, err
	}
	dblue := pdftest.Digitalize(blue, pdftest.DigitalNumber(42))
	dred, err := pdftest.DigitalRed(pdftest.Digitalize(computers, pdftest.DigitalNumber(43)), pdftest.DigitalNumber(44), "35020026112600000007")
	if err != nil {
		return nil, err
	}
	dlong := pdftest.Digitalize(long, pdftest.DigitalNumber(45))
	return []sample{{"blue", blue}, {"red", red}, {"thirty-lines", long},
		{"digital-blue", dblue}, {"digital-red", dred}, {"digital-thirty-lines", dlong}}, nil
})

func mustSamples(t testing.TB) []sample {
	t.Helper()
	s, err := samples()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testSigner is an SM2 seal certificate made for the tests, self-issued as the demo
// PKI's are.
var testSigner = sync.OnceValues(func() (*Signer, error) {
	key, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &smx509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "Kaipiao test seal", SerialNumber: "91350200MA2XYZ1234"},
		NotBefore:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     smx509.KeyUsageDigitalSignature | smx509.KeyUsageContentCommitment,
	}
	der, err := smx509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := smx509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &Signer{Key: key, Cert: cert}, nil
})

func mustSigner(t testing.TB) *Signer {
	t.Helper()
	s, err := testSigner()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
