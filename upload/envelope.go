package upload

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/emmansun/gmsm/pkcs"
	"github.com/emmansun/gmsm/pkcs7"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pki"
)

// An envelope is CMS (GM/T 0010) SignedData by the enterprise's SM2 key, its certificate
// included, wrapped in EnvelopedData for the platform's encryption certificate with
// SM4-GCM as the content cipher (GCM: a flipped bit fails authentication before anything
// is parsed). The signed content is a Payload in JSON.

// The kinds of payload.
const (
	KindInvoices  = "invoices"   // Items: issued invoices to upsert
	KindUpload    = "upload"     // Packet: a device upload packet for the tax authority
	KindPull      = "pull"       // asks for the orders assigned to the signer
	KindOrdersAck = "orders-ack" // OrderIDs: orders the workstation has stored
	KindList      = "list"       // asks for the signer's invoices
)

// MaxSkew is how far a payload's timestamp may be from the platform's clock. Together
// with the platform's memory of envelope IDs over twice this window, it stops replays.
const MaxSkew = 10 * time.Minute

// Errors of Open, for errors.Is.
var (
	// ErrEnvelope: the envelope does not decrypt, parse or verify. Permanent.
	ErrEnvelope = errors.New("envelope rejected")
	// ErrStale: the payload's timestamp is outside MaxSkew of the receiver's clock.
	ErrStale = errors.New("envelope timestamp outside the allowed window")
)

// Payload is the signed content of an envelope.
type Payload struct {
	ID   string    `json:"id"` // unique per envelope: the platform refuses one it has seen
	Kind string    `json:"kind"`
	At   time.Time `json:"at"` // when it was sealed, against replay
	// DeviceCert is the workstation's device certificate (DER), which the platform uses
	// when it trusts it: configured for the machine, or chained to the CA.
	DeviceCert []byte   `json:"device_cert,omitempty"`
	Items      []Item   `json:"items,omitempty"`
	Packet     []byte   `json:"packet,omitempty"` // device.UploadPacket, binary
	OrderIDs   []string `json:"order_ids,omitempty"`
	// Slip is a confirmation slip's request, list or answer (slip.go), in JSON.
	Slip json.RawMessage `json:"slip,omitempty"`
	// Audit is the workstation's audit-log head, anchored at the platform with each pull.
	Audit *AuditAnchor `json:"audit,omitempty"`
	// DigitalFetch and DigitalReturn are the digital channel's requests (digitalwire.go).
	DigitalFetch  *DigitalFetch  `json:"digital_fetch,omitempty"`
	DigitalReturn *DigitalReturn `json:"digital_return,omitempty"`
}

// AuditAnchor is an audit log's head: its last entry's sequence number and chain hash.
type AuditAnchor struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// Item is one invoice of a KindInvoices payload.
type Item struct {
	RequestID string          `json:"request_id"`
	Invoice   json.RawMessage `json:"invoice"` // the wire form: EncodeInvoice, DecodeInvoice
}

// Seal signs p with signer (SM2) and encrypts it for recipient.
func Seal(p *Payload, signer pki.Identity, recipient *smx509.Certificate) ([]byte, error) {
	content, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("envelope %s: %w", p.ID, err)
	}
	sd, err := pkcs7.NewSMSignedData(content)
	if err != nil {
		return nil, fmt.Errorf("envelope %s: %w", p.ID, err)
	}
	if err := sd.AddSigner(signer.Cert, signer.Key, pkcs7.SignerInfoConfig{}); err != nil {
		return nil, fmt.Errorf("envelope %s: signing: %w", p.ID, err)
	}
	signed, err := sd.Finish()
	if err != nil {
		return nil, fmt.Errorf("envelope %s: signing: %w", p.ID, err)
	}
	env, err := pkcs7.EncryptSM(pkcs.SM4GCM, signed, []*smx509.Certificate{recipient})
	if err != nil {
		return nil, fmt.Errorf("envelope %s: encrypting for %q: %w", p.ID, recipient.Subject.CommonName, err)
	}
	return env, nil
}

// Open decrypts env with recipient, verifies the signature and the signer's chain to
// roots at now, and checks the timestamp. It returns the payload and the signer's
// certificate. Failures wrap ErrEnvelope (permanent) or ErrStale.
func Open(env []byte, recipient pki.Identity, roots *smx509.CertPool, now time.Time) (*Payload, *smx509.Certificate, error) {
	if err := checkStrict(env); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrEnvelope, err)
	}
	outer, err := pkcs7.Parse(env)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: parsing: %v", ErrEnvelope, err)
	}
	signed, err := outer.Decrypt(recipient.Cert, recipient.Key)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: decrypting: %v", ErrEnvelope, err)
	}
	inner, err := pkcs7.Parse(signed)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: parsing the signed data: %v", ErrEnvelope, err)
	}
	if err := inner.VerifyWithChainAtTime(roots, &now); err != nil {
		return nil, nil, fmt.Errorf("%w: signature: %v", ErrEnvelope, err)
	}
	signer := inner.GetOnlySigner()
	if signer == nil {
		return nil, nil, fmt.Errorf("%w: not exactly one signer", ErrEnvelope)
	}
	if err := pki.CheckValidity(signer, now); err != nil {
		return nil, nil, fmt.Errorf("%w: signer: %v", ErrEnvelope, err)
	}
	var p Payload
	if err := json.Unmarshal(inner.Content, &p); err != nil {
		return nil, nil, fmt.Errorf("%w: payload: %v", ErrEnvelope, err)
	}
	if p.ID == "" || p.Kind == "" {
		return nil, nil, fmt.Errorf("%w: payload without ID or kind", ErrEnvelope)
	}
	if d := now.Sub(p.At); d > MaxSkew || d < -MaxSkew {
		return nil, nil, fmt.Errorf("envelope %s sealed at %s, now %s: %w", p.ID, p.At.Format(time.RFC3339), now.Format(time.RFC3339), ErrStale)
	}
	return &p, signer, nil
}

// NewID returns a random envelope ID.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// InvoiceDigest identifies an issued invoice's content: SM3 over the device's core fields
// and its signature. Two deliveries of the same invoice have the same digest; a changed
// invoice (or a forged signature) has another.
func InvoiceDigest(inv *invoice.Invoice) string {
	h := sm3.New()
	h.Write(device.CoreFields(inv))
	h.Write(inv.Signature)
	return hex.EncodeToString(h.Sum(nil))
}
