package upload

import (
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
	"github.com/kaipiao/kaipiao/invoice"
)

// Receipt is the platform's signed acknowledgement of one invoice: the workstation
// stores it as evidence (store.Record.Ack) and takes the invoice out of the outbox only
// once it verifies.
type Receipt struct {
	Device    string    `json:"device"` // machine number
	Code      string    `json:"code"`
	Number    string    `json:"number"`
	RequestID string    `json:"request_id"`
	Digest    string    `json:"digest"` // InvoiceDigest of the invoice the platform holds
	AckedAt   time.Time `json:"acked_at"`
	Signature []byte    `json:"signature"` // SM2 (ASN.1) by the platform's signing key
}

// ErrReceipt: a receipt does not verify or does not match the invoice sent.
var ErrReceipt = errors.New("the platform's receipt does not verify")

func (r *Receipt) signed() []byte {
	b := []byte("KPRECEIPT/1")
	for _, s := range []string{r.Device, r.Code, r.Number, r.RequestID, r.Digest, strconv.FormatInt(r.AckedAt.UnixNano(), 10)} {
		b = append(b, 0)
		b = append(b, s...)
	}
	return b
}

// SignReceipt signs r with key.
func SignReceipt(key *sm2.PrivateKey, r *Receipt) error {
	sig, err := sm2.SignASN1(rand.Reader, key, r.signed(), sm2.DefaultSM2SignerOpts)
	if err != nil {
		return fmt.Errorf("signing the receipt of %s/%s: %w", r.Code, r.Number, err)
	}
	r.Signature = sig
	return nil
}

// VerifyReceipt checks raw (a Receipt in JSON) against the platform's signing certificate
// and the invoice it should acknowledge, and returns it. Failures wrap ErrReceipt.
func VerifyReceipt(raw []byte, platform *smx509.Certificate, inv *invoice.Invoice) (*Receipt, error) {
	var r Receipt
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrReceipt, err)
	}
	pub, ok := platform.PublicKey.(*ecdsa.PublicKey)
	if !ok || !sm2.VerifyASN1WithSM2(pub, nil, r.signed(), r.Signature) {
		return nil, fmt.Errorf("%w: signature on %s/%s", ErrReceipt, r.Code, r.Number)
	}
	if r.Device != inv.Machine || r.Code != inv.Code || r.Number != inv.Number || r.RequestID != inv.RequestID {
		return nil, fmt.Errorf("%w: it acknowledges %s %s/%s (%s), not %s %s/%s (%s)", ErrReceipt,
			r.Device, r.Code, r.Number, r.RequestID, inv.Machine, inv.Code, inv.Number, inv.RequestID)
	}
	if d := InvoiceDigest(inv); r.Digest != d {
		return nil, fmt.Errorf("%w: the platform holds %s/%s with digest %s, ours is %s", ErrReceipt, r.Code, r.Number, r.Digest, d)
	}
	return &r, nil
}
