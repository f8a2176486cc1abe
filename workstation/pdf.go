package workstation

import (
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf"
	"github.com/kaipiao/kaipiao/pki"
)

// SealSigner is the seller's seal (电子签章) from the data folder's PKI, for signing
// invoice PDFs; nil, with no error, when none is installed yet.
func SealSigner(data string) (*pdf.Signer, error) {
	dir := filepath.Join(data, PKIDir)
	if _, err := os.Stat(filepath.Join(dir, pki.FileSeal+".crt")); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	pass, err := pki.Passphrase(dir)
	if err != nil {
		return nil, err
	}
	id, err := pki.ReadIdentity(dir, pki.FileSeal, pass, time.Now())
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(id.Cert.Raw)
	if err != nil {
		return nil, err
	}
	s := &pdf.Signer{Key: id.Key, Certificate: cert, Reason: "电子发票", Location: "Kaipiao"}
	if root, err := pki.ReadCert(filepath.Join(dir, pki.FileTLSCA)); err == nil {
		if c, err := x509.ParseCertificate(root.Raw); err == nil {
			s.Chain = []*x509.Certificate{c}
		}
	}
	return s, nil
}

// RenderPDF renders an invoice's PDF, signed with the seller's seal when the data folder
// has one, and reports whether it is signed.
func RenderPDF(data string, inv *invoice.Invoice) (doc []byte, signed bool, err error) {
	s, err := SealSigner(data)
	if err != nil {
		return nil, false, err
	}
	if s == nil {
		doc, err = pdf.Render(inv, pdf.Options{Seal: true})
		return doc, false, err
	}
	doc, err = pdf.RenderSigned(inv, pdf.Options{}, *s)
	return doc, err == nil, err
}
