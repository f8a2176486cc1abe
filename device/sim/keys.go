package sim

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
	"github.com/kaipiao/kaipiao/device"
)

// Identity is the device's signing key and certificate. The simulator makes a
// self-signed one on first start and keeps it in its state; Config.Identity plugs in a
// CA-issued one instead (the PKI issue).
type Identity struct {
	Signer      device.Signer
	Certificate []byte // DER
}

// newIdentity makes an SM2 key and a self-signed certificate naming the machine number.
func newIdentity(machine string, seed []byte) (*sm2.PrivateKey, []byte, error) {
	key, err := keyFromSeed(seed)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &smx509.Certificate{
		SerialNumber:       new(big.Int).SetBytes(sm3Sum(seed)[:8]),
		Subject:            pkix.Name{CommonName: "Kaipiao simulated tax-control device " + machine, SerialNumber: machine},
		NotBefore:          time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:           time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC),
		KeyUsage:           smx509.KeyUsageDigitalSignature,
		SignatureAlgorithm: smx509.SM2WithSM3,
	}
	der, err := smx509.CreateCertificate(bytes.NewReader(sm3Sum(append(seed, 'c'))), tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("sim: device certificate: %w", err)
	}
	return key, der, nil
}

func sm3Sum(b []byte) []byte { h := sm3.Sum(b); return h[:] }

// keyFromSeed derives an SM2 key from seed bytes, so a seeded simulator is reproducible.
func keyFromSeed(seed []byte) (*sm2.PrivateKey, error) {
	n := sm2.P256().Params().N
	d := new(big.Int).SetBytes(sm3Sum(append([]byte("KPKEY/1"), seed...)))
	d.Mod(d, new(big.Int).Sub(n, big.NewInt(2)))
	d.Add(d, big.NewInt(1))
	return sm2.NewPrivateKeyFromInt(d)
}

func publicOf(k *sm2.PrivateKey) *ecdsa.PublicKey { return &k.PublicKey }
