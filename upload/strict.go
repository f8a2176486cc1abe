package upload

import (
	"bytes"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
)

// CMS leaves the EnvelopedData's framing (versions, algorithm identifiers, lengths)
// outside both the SM2-encrypted key and the GCM tag, and gmsm's parser tolerates
// changes there (a version 5, a BER length) that change nothing it decrypts. An
// envelope is a legal record, so the platform accepts exactly the form Seal writes: DER,
// byte for byte as re-encoded, with the GM/T 0010 identifiers and one recipient.

var (
	oidSMEnvelopedData = asn1.ObjectIdentifier{1, 2, 156, 10197, 6, 1, 4, 2, 3}
	oidSMData          = asn1.ObjectIdentifier{1, 2, 156, 10197, 6, 1, 4, 2, 1}
	oidSM2Encrypt      = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 301, 3}
	oidSM4GCM          = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 104, 8}
)

type strictContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     strictEnveloped `asn1:"explicit,tag:0"`
}

type strictEnveloped struct {
	Version    int
	Recipients []strictRecipient `asn1:"set"`
	Encrypted  strictEncrypted
}

type strictRecipient struct {
	Version      int
	IssuerSerial asn1.RawValue
	KeyAlg       pkix.AlgorithmIdentifier
	EncryptedKey []byte
}

type strictEncrypted struct {
	ContentType asn1.ObjectIdentifier
	Alg         strictGCMAlg
	Content     asn1.RawValue `asn1:"tag:0,optional"`
}

type strictGCMAlg struct {
	Algorithm asn1.ObjectIdentifier
	Params    struct {
		Nonce  []byte
		ICVLen int
	}
}

// checkStrict returns an error unless env is an envelope exactly as Seal makes it.
func checkStrict(env []byte) error {
	var ci strictContentInfo
	rest, err := asn1.Unmarshal(env, &ci)
	if err != nil {
		return fmt.Errorf("not DER: %v", err)
	}
	if len(rest) > 0 {
		return fmt.Errorf("%d bytes after the envelope", len(rest))
	}
	e := &ci.Content
	switch {
	case !ci.ContentType.Equal(oidSMEnvelopedData):
		return fmt.Errorf("content type %v", ci.ContentType)
	case e.Version != 1:
		return fmt.Errorf("version %d", e.Version)
	case len(e.Recipients) != 1:
		return fmt.Errorf("%d recipients", len(e.Recipients))
	case e.Recipients[0].Version != 1:
		return fmt.Errorf("recipient version %d", e.Recipients[0].Version)
	case !e.Recipients[0].KeyAlg.Algorithm.Equal(oidSM2Encrypt) || !bytes.Equal(e.Recipients[0].KeyAlg.Parameters.FullBytes, asn1.NullBytes):
		return fmt.Errorf("key encryption %v", e.Recipients[0].KeyAlg.Algorithm)
	case !e.Encrypted.ContentType.Equal(oidSMData):
		return fmt.Errorf("encrypted content type %v", e.Encrypted.ContentType)
	case !e.Encrypted.Alg.Algorithm.Equal(oidSM4GCM) || e.Encrypted.Alg.Params.ICVLen != 16 || len(e.Encrypted.Alg.Params.Nonce) != 12:
		return fmt.Errorf("content cipher %v", e.Encrypted.Alg.Algorithm)
	}
	again, err := asn1.Marshal(ci)
	if err != nil || !bytes.Equal(again, env) {
		return fmt.Errorf("not in canonical DER")
	}
	return nil
}
