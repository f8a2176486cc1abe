package pdf

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"time"
)

// A CMS SignedData (RFC 5652) written directly with encoding/asn1, because the PKCS#7
// packages available stamp the signing time from the clock, and the signed PDF must be
// reproducible: its signing time is a parameter.

var (
	oidData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidContentType   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidSHA256        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidRSA           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidECDSASHA256   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
)

// der is asn1.Marshal for values that cannot fail to encode.
func der(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("pdf: asn1: %v", err))
	}
	return b
}

// tlv wraps already-encoded parts in one constructed element.
func tlv(class, tag int, parts ...[]byte) []byte {
	return der(asn1.RawValue{Class: class, Tag: tag, IsCompound: true, Bytes: bytes.Join(parts, nil)})
}

func seq(parts ...[]byte) []byte { return tlv(asn1.ClassUniversal, asn1.TagSequence, parts...) }

// set encodes a SET OF: DER orders the elements by their encodings.
func set(parts ...[]byte) []byte {
	sorted := append([][]byte(nil), parts...)
	sort.Slice(sorted, func(i, j int) bool { return bytes.Compare(sorted[i], sorted[j]) < 0 })
	return tlv(asn1.ClassUniversal, asn1.TagSet, sorted...)
}

// signedData returns a detached CMS SignedData over content's SHA-256 digest, signed by
// key for cert, carrying cert and chain, with the signing time at as a signed attribute.
// RSA keys sign with PKCS #1 v1.5, which is deterministic; ECDSA signatures are
// randomised, so the same input signs to different bytes.
func signedData(digest []byte, key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, at time.Time) ([]byte, error) {
	return cmsWith(digest, key, cert, chain, at, func(h []byte) ([]byte, error) {
		return key.Sign(rand.Reader, h, crypto.SHA256)
	})
}

// cmsSize is the length signedData's result has, or for ECDSA at most has: its
// signature's DER length varies by a byte or two with the values of r and s.
func cmsSize(key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, at time.Time) (int, error) {
	n := 0
	switch k := key.Public().(type) {
	case *rsa.PublicKey:
		n = k.Size()
	case *ecdsa.PublicKey:
		n = 2*((k.Curve.Params().BitSize+7)/8) + 8 // SEQUENCE of two INTEGERs, each maybe 0-padded
	}
	b, err := cmsWith(make([]byte, sha256.Size), key, cert, chain, at, func([]byte) ([]byte, error) {
		return make([]byte, n), nil
	})
	return len(b), err
}

func cmsWith(digest []byte, key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, at time.Time, sign func([]byte) ([]byte, error)) ([]byte, error) {
	var sigAlg []byte
	switch key.Public().(type) {
	case *rsa.PublicKey:
		sigAlg = seq(der(oidRSA), der(asn1.NullRawValue))
	case *ecdsa.PublicKey:
		sigAlg = seq(der(oidECDSASHA256))
	default:
		return nil, fmt.Errorf("pdf: signing key %T: want RSA or ECDSA (PDF readers cannot verify others)", key.Public())
	}
	if !publicKeysEqual(key.Public(), cert.PublicKey) {
		return nil, errors.New("pdf: the signing key does not belong to the certificate")
	}
	attrs := [][]byte{
		seq(der(oidContentType), set(der(oidData))),
		seq(der(oidSigningTime), set(der(at.UTC()))),
		seq(der(oidMessageDigest), set(der(digest))),
	}
	// The signature covers the attributes encoded as a SET; in SignerInfo they sit
	// under the implicit tag [0] with the same content.
	signed := set(attrs...)
	h := sha256.Sum256(signed)
	sig, err := sign(h[:])
	if err != nil {
		return nil, fmt.Errorf("pdf: signing: %w", err)
	}
	sha256Alg := seq(der(oidSHA256), der(asn1.NullRawValue))
	signerInfo := seq(
		der(1),
		seq(cert.RawIssuer, der(new(big.Int).Set(cert.SerialNumber))),
		sha256Alg,
		tlv(asn1.ClassContextSpecific, 0, signed[len(headerOf(signed)):]),
		sigAlg,
		der(sig),
	)
	certs := [][]byte{cert.Raw}
	for _, c := range chain {
		certs = append(certs, c.Raw)
	}
	sd := seq(
		der(1),
		set(sha256Alg),
		seq(der(oidData)),
		tlv(asn1.ClassContextSpecific, 0, certs...),
		set(signerInfo),
	)
	return seq(der(oidSignedData), tlv(asn1.ClassContextSpecific, 0, sd)), nil
}

// headerOf is the tag and length octets of a DER element.
func headerOf(b []byte) []byte {
	if b[1] < 0x80 {
		return b[:2]
	}
	return b[:2+int(b[1]&0x7f)]
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}
