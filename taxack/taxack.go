// Package taxack is the tax authority's acknowledgement of a device's upload (上报回执):
// the authority signs, with its SM2 key, which invoices of a machine it received, and the
// device checks that signature before it closes the upload. The reference platform signs
// with it (standing in for the authority) and the simulator trusts its demo key, so both
// share this package rather than the platform importing the simulator.
package taxack

import (
	"crypto/ecdsa"
	"math/big"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/kaipiao/kaipiao/device"
)

// DemoAuthority is the tax-authority key of the demo set: the simulator trusts it by
// default and `kaipiaoctl pki init` writes it for the platform. It is derived from a public
// constant, so it is for demonstrations only; a deployment configures the real
// authority's key.
func DemoAuthority() *sm2.PrivateKey {
	// The derivation is the simulator's key-from-seed rule (SM3 of "KPKEY/1" and the seed,
	// reduced into [1, n-2]), kept so that demo sets written before this package still
	// hold the same key.
	seed := append([]byte("KPKEY/1"), "kaipiao demo tax authority"...)
	h := sm3.Sum(seed)
	n := sm2.P256().Params().N
	d := new(big.Int).SetBytes(h[:])
	d.Mod(d, new(big.Int).Sub(n, big.NewInt(2)))
	d.Add(d, big.NewInt(1))
	k, err := sm2.NewPrivateKeyFromInt(d)
	if err != nil {
		panic(err) // d is in range by construction
	}
	return k
}

// Sign signs an upload acknowledgement as the tax authority's key.
func Sign(key *sm2.PrivateKey, ack *device.UploadAck) error {
	sig, err := device.SM2Signer{Key: key}.SignCore(device.AckSigned(ack))
	if err != nil {
		return err
	}
	ack.Signature = sig
	return nil
}

// Acknowledge builds the authority's signed acknowledgement of an upload packet.
func Acknowledge(key *sm2.PrivateKey, p *device.UploadPacket, requestID string, at time.Time) (device.UploadAck, error) {
	ack := device.UploadAck{RequestID: requestID, Machine: p.Machine, From: p.From, Through: p.Through, Digest: p.Digest, AckedAt: at}
	return ack, Sign(key, &ack)
}

// Verify says whether ack carries the signature of the authority whose public key is pub:
// what a device checks before it closes an upload.
func Verify(pub *ecdsa.PublicKey, ack *device.UploadAck) bool {
	return device.VerifySM2(pub, device.AckSigned(ack), ack.Signature)
}
