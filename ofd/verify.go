package ofd

import (
	"archive/zip"
	"bytes"
	"crypto/ecdsa"
	"encoding/asn1"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
)

// Verify checks an OFD's seal and signature as GB/T 38540 and GB/T 33190 clause 18
// describe them — the project's own verifier, written from the standards (the tests
// check the same files with ofd.js too, docs/ofd.md): every referenced file's SM3
// digest, the SM3 digest of Signature.xml in the signed TBS_Sign, the SM2 signature
// over TBS_Sign with the certificate SES_Signature carries, and the seal maker's SM2
// signature over the seal. It returns the signer's certificate; trusting it (chaining
// it to a root) is the caller's business.
func Verify(data []byte) (*smx509.Certificate, error) {
	files, err := Unpack(data)
	if err != nil {
		return nil, err
	}
	sigXML := files[SignaturePath]
	if sigXML == nil {
		return nil, errors.New("ofd: not signed: no " + SignaturePath)
	}
	var s struct {
		Refs []struct {
			File  string `xml:"FileRef,attr"`
			Check string `xml:"CheckValue"`
		} `xml:"SignedInfo>References>Reference"`
		SignedValue string `xml:"SignedValue"`
	}
	if err := xml.Unmarshal(sigXML, &s); err != nil {
		return nil, fmt.Errorf("ofd: %s: %w", SignaturePath, err)
	}
	if len(s.Refs) == 0 {
		return nil, errors.New("ofd: the signature references no file")
	}
	for _, r := range s.Refs {
		f, ok := files[strings.TrimPrefix(r.File, "/")]
		if !ok {
			return nil, fmt.Errorf("ofd: signed file %s is missing", r.File)
		}
		want, err := base64.StdEncoding.DecodeString(r.Check)
		if err != nil || !bytes.Equal(want, sm3Sum(f)) {
			return nil, fmt.Errorf("ofd: %s has changed since it was signed", r.File)
		}
	}
	value := files[strings.TrimPrefix(s.SignedValue, "/")]
	var sig sesSignature
	if rest, err := asn1.Unmarshal(value, &sig); err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("ofd: SignedValue is not an SES_Signature: %v", err)
	}
	if !sig.SignatureAlgID.Equal(oidSM2SM3) || !sig.ToSign.ESeal.SignAlgID.Equal(oidSM2SM3) {
		return nil, errors.New("ofd: not an SM2 signature")
	}
	if !bytes.Equal(sig.ToSign.DataHash.Bytes, sm3Sum(sigXML)) {
		return nil, errors.New("ofd: Signature.xml has changed since it was signed")
	}
	cert, err := smx509.ParseCertificate(sig.Cert)
	if err != nil {
		return nil, fmt.Errorf("ofd: the signer's certificate: %w", err)
	}
	tbs, err := asn1.Marshal(sig.ToSign)
	if err != nil {
		return nil, err
	}
	if err := verifySM2(cert, tbs, sig.Signature.Bytes); err != nil {
		return nil, fmt.Errorf("ofd: the signature does not verify: %w", err)
	}
	maker, err := smx509.ParseCertificate(sig.ToSign.ESeal.Cert)
	if err != nil {
		return nil, fmt.Errorf("ofd: the seal maker's certificate: %w", err)
	}
	e := sig.ToSign.ESeal
	sealTBSDER, err := asn1.Marshal(sealTBS{SealInfo: e.SealInfo, Cert: e.Cert, SignAlgID: e.SignAlgID})
	if err != nil {
		return nil, err
	}
	if err := verifySM2(maker, sealTBSDER, e.SignedValue.Bytes); err != nil {
		return nil, fmt.Errorf("ofd: the seal's own signature does not verify: %w", err)
	}
	return cert, nil
}

func verifySM2(c *smx509.Certificate, msg, sig []byte) error {
	pub, ok := c.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return errors.New("not an SM2 key")
	}
	if !sm2.VerifyASN1WithSM2(pub, nil, msg, sig) {
		return errors.New("SM2 signature invalid")
	}
	return nil
}

// Unpack reads an OFD's files by path.
func Unpack(data []byte) (map[string][]byte, error) {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("ofd: not a zip package: %w", err)
	}
	files := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(io.LimitReader(r, 64<<20))
		r.Close()
		if err != nil {
			return nil, fmt.Errorf("ofd: %s: %w", f.Name, err)
		}
		files[f.Name] = b
	}
	return files, nil
}
