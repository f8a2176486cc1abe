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
	"time"

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
	// Parsed with the signed parts kept as they are in the file: the signatures are
	// checked over those bytes, never over a re-encoding of what was parsed.
	var sig rawSignature
	if rest, err := asn1.Unmarshal(value, &sig); err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("ofd: SignedValue is not an SES_Signature: %v", err)
	}
	var tbs rawTBS
	if rest, err := asn1.Unmarshal(sig.ToSign.FullBytes, &tbs); err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("ofd: TBS_Sign: %v", err)
	}
	var seal rawSeal
	if rest, err := asn1.Unmarshal(tbs.ESeal.FullBytes, &seal); err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("ofd: SESeal: %v", err)
	}
	if tbs.Version != 4 || !sig.SignatureAlgID.Equal(oidSM2SM3) || !seal.SignAlgID.Equal(oidSM2SM3) {
		return nil, errors.New("ofd: not a version 4 SM2 signature")
	}
	for _, b := range []asn1.BitString{sig.Signature, tbs.DataHash, seal.SignedValue} {
		if b.BitLength != 8*len(b.Bytes) {
			return nil, errors.New("ofd: a BIT STRING of the signature is not whole bytes")
		}
	}
	if !bytes.Equal(tbs.DataHash.Bytes, sm3Sum(sigXML)) {
		return nil, errors.New("ofd: Signature.xml has changed since it was signed")
	}
	cert, err := smx509.ParseCertificate(sig.Cert)
	if err != nil {
		return nil, fmt.Errorf("ofd: the signer's certificate: %w", err)
	}
	if err := verifySM2(cert, sig.ToSign.FullBytes, sig.Signature.Bytes); err != nil {
		return nil, fmt.Errorf("ofd: the signature does not verify: %w", err)
	}
	maker, err := smx509.ParseCertificate(seal.Cert)
	if err != nil {
		return nil, fmt.Errorf("ofd: the seal maker's certificate: %w", err)
	}
	// The maker signed SEQUENCE { sealInfo, cert, signAlgID }, the seal's first three
	// fields as they stand.
	certDER, _ := asn1.Marshal(seal.Cert)
	algDER, _ := asn1.Marshal(seal.SignAlgID)
	content := append(append(append([]byte{}, seal.SealInfo.FullBytes...), certDER...), algDER...)
	sealTBSDER, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: content})
	if err != nil {
		return nil, err
	}
	if err := verifySM2(maker, sealTBSDER, seal.SignedValue.Bytes); err != nil {
		return nil, fmt.Errorf("ofd: the seal's own signature does not verify: %w", err)
	}
	// The signer's certificate stands outside what the signature covers: only the seal's
	// list of its holders' certificates (GB/T 38540 §7.2, signed by the maker) binds it.
	// A certificate changed anywhere, even in bytes its key does not depend on, is not
	// the holder's.
	var info sesSealInfo
	if rest, err := asn1.Unmarshal(seal.SealInfo.FullBytes, &info); err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("ofd: SES_SealInfo: %v", err)
	}
	listed := false
	for _, c := range info.Property.CertList {
		listed = listed || bytes.Equal(c, sig.Cert)
	}
	if info.Property.CertListType != 1 || !listed {
		return nil, errors.New("ofd: the signer's certificate is not one the seal lists")
	}
	return cert, nil
}

// The signature's structures with their signed parts kept raw.
type rawSignature struct {
	ToSign         asn1.RawValue
	Cert           []byte
	SignatureAlgID asn1.ObjectIdentifier
	Signature      asn1.BitString
	TimeStamp      asn1.RawValue `asn1:"optional,explicit,tag:0"`
}

type rawTBS struct {
	Version      int
	ESeal        asn1.RawValue
	TimeInfo     time.Time `asn1:"generalized"`
	DataHash     asn1.BitString
	PropertyInfo string        `asn1:"ia5"`
	ExtDatas     asn1.RawValue `asn1:"optional"`
}

type rawSeal struct {
	SealInfo    asn1.RawValue
	Cert        []byte
	SignAlgID   asn1.ObjectIdentifier
	SignedValue asn1.BitString
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
