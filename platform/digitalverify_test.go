package platform

import (
	"crypto/rand"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
)

// A 数电票 is taken only with the enterprise's signature over its core and in its own
// form: no code, machine, check code or cipher, a 20-digit number.
func TestVerifyDigitalSignatureAndForm(t *testing.T) {
	key, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &smx509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := smx509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := smx509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := sm2.GenerateKey(rand.Reader)
	sign := func(k *sm2.PrivateKey, inv *invoice.Invoice) {
		sig, err := device.SM2Signer{Key: k}.SignCore(device.CoreFields(inv))
		if err != nil {
			t.Fatal(err)
		}
		inv.Signature = sig
	}
	mk := func() *invoice.Invoice {
		inv := &invoice.Invoice{RequestID: "R1", Kind: invoice.KindDigitalOrdinary,
			Seller: invoice.Party{Name: "甲", TaxID: taxA}, Buyer: invoice.Party{Name: "乙"},
			Lines: []invoice.Line{{Name: "服务", Amount: 10000, Rate: invoice.Rate6, Tax: 600}}}
		inv.Number, inv.IssuedAt = "26357000000000000001", time.Date(2026, 11, 20, 10, 0, 0, 0, invoice.Beijing)
		return inv
	}
	good := mk()
	sign(key, good)
	if err := verifyDigital(good, cert); err != nil {
		t.Fatalf("a well-signed 数电票: %v", err)
	}
	forged := mk()
	sign(other, forged)
	changed := mk()
	sign(key, changed)
	changed.Lines[0].Amount = 20000 // after signing
	withCode := mk()
	withCode.Code = "035020026011"
	sign(key, withCode)
	short := mk()
	short.Number = "2635700000000000001"
	sign(key, short)
	for name, inv := range map[string]*invoice.Invoice{"forged": forged, "changed": changed, "with a code": withCode, "19 digits": short} {
		if err := verifyDigital(inv, cert); err == nil || !strings.Contains(err.Error(), "R1") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
