package pdftest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"time"
)

// Credentials are a throw-away CA and a seal certificate it issued to the sample
// seller, with the seal's key: what pdf.Signer takes.
type Credentials struct {
	CA   *x509.Certificate
	Cert *x509.Certificate
	Key  crypto.Signer
}

// NewCredentials makes a CA and a seal certificate, with RSA-2048 keys (ecdsa false)
// or ECDSA P-256 keys (ecdsa true), valid 2026–2036.
func NewCredentials(useECDSA bool) (*Credentials, error) {
	newKey := func() (crypto.Signer, error) {
		if useECDSA {
			return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		}
		return rsa.GenerateKey(rand.Reader, 2048)
	}
	caKey, err := newKey()
	if err != nil {
		return nil, err
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "Kaipiao Test CA", Organization: []string{"Kaipiao"}},
		NotBefore:             from,
		NotAfter:              from.AddDate(10, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	sealKey, err := newKey()
	if err != nil {
		return nil, err
	}
	sealTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject: pkix.Name{
			CommonName:   Seller.Name,
			Organization: []string{Seller.Name},
			SerialNumber: Seller.TaxID,
		},
		NotBefore:   from,
		NotAfter:    from.AddDate(10, 0, 0),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}
	sealDER, err := x509.CreateCertificate(rand.Reader, sealTmpl, ca, sealKey.Public(), caKey)
	if err != nil {
		return nil, err
	}
	seal, err := x509.ParseCertificate(sealDER)
	if err != nil {
		return nil, err
	}
	return &Credentials{CA: ca, Cert: seal, Key: sealKey}, nil
}
