package device

import (
	"crypto/ecdsa"
	"encoding/asn1"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
	"github.com/kaipiao/kaipiao/invoice"
)

// The device's seal on an invoice (PROTOCOL.md §7): an SM2 signature over the invoice's
// core fields, and the 校验码 and 密码区 derived from that signature. Everything here is a
// pure function of the invoice and the device certificate, so the service platform can
// verify what the device produced.

// CipherAlphabet maps a nibble to its 密码区 symbol.
const CipherAlphabet = "0123456789+-*/<>"

// Seal domain-separation tags: a change of derivation changes the tag.
const (
	sealTag   = "KPSEAL/1"
	checkTag  = "KPCHECK/1"
	cipherTag = "KPCIPHER/1"
)

func putStr(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...)
}

func putI64(b []byte, v int64) []byte { return binary.BigEndian.AppendUint64(b, uint64(v)) }

// SealTime is the issue time as sealed: YYYYMMDDhhmmss in Beijing time.
func SealTime(t time.Time) string { return t.In(invoice.Beijing).Format("20060102150405") }

// sealKind is the kind's byte in the sealed core: the device's kind codes, and 3 and 4
// for the digital channel's kinds (docs/digital.md), which the enterprise signs over the
// same core and which never travel to a device.
func sealKind(k invoice.Kind) byte {
	switch k {
	case invoice.KindDigitalOrdinary:
		return 3
	case invoice.KindDigitalSpecial:
		return 4
	}
	return kindCodes[k]
}

// CoreFields returns the canonical bytes the device signs (PROTOCOL.md §7.1): the invoice's
// identity, parties' tax IDs, totals and a digest of its lines. inv.Issued must carry
// Machine, Code, Number and IssuedAt.
func CoreFields(inv *invoice.Invoice) []byte {
	t := inv.Totals()
	b := []byte(sealTag)
	b = putStr(b, inv.Machine)
	b = putStr(b, inv.Code)
	b = putStr(b, inv.Number)
	b = putStr(b, SealTime(inv.IssuedAt))
	b = append(b, sealKind(inv.Kind))
	b = putStr(b, inv.Seller.TaxID)
	b = putStr(b, inv.Buyer.Name)
	b = putStr(b, inv.Buyer.TaxID)
	b = putI64(b, int64(t.Amount))
	b = putI64(b, int64(t.Tax))
	b = putI64(b, int64(t.Total))
	b = binary.BigEndian.AppendUint16(b, uint16(len(inv.Lines)))
	lines := sm3.New()
	for i := range inv.Lines {
		lines.Write(lineCore(&inv.Lines[i]))
	}
	b = lines.Sum(b)
	if inv.Red != nil {
		b = putStr(b, inv.Red.Code)
		b = putStr(b, inv.Red.Number)
	} else {
		b = putStr(b, "")
		b = putStr(b, "")
	}
	return b
}

func lineCore(l *invoice.Line) []byte {
	var b []byte
	b = putStr(b, l.PrintedName())
	b = putStr(b, l.TaxCode)
	b = putStr(b, l.Spec)
	b = putStr(b, l.Unit)
	b = putStr(b, l.Quantity.String())
	b = putStr(b, l.UnitPrice.String())
	b = putI64(b, int64(l.Amount))
	b = binary.BigEndian.AppendUint16(b, uint16(l.Rate))
	b = putI64(b, int64(l.Tax))
	b = append(b, zeroRateCodes[l.ZeroRate])
	if l.Discount {
		return append(b, 1)
	}
	return append(b, 0)
}

// Signer is the device's signing key. The simulator's comes from its state file today;
// a CA-issued key (the PKI issue) plugs in here.
type Signer interface {
	// SignCore signs msg with SM2 (GB/T 32918.2, default user ID) and returns r‖s,
	// 64 bytes.
	SignCore(msg []byte) ([]byte, error)
}

// SM2Signer signs with an in-memory SM2 private key, deterministically (RFC 6979 with
// HMAC-SM3) so that a seeded simulator run reproduces its signatures.
type SM2Signer struct{ Key *sm2.PrivateKey }

// SignCore implements Signer.
func (s SM2Signer) SignCore(msg []byte) ([]byte, error) {
	der, err := sm2.SignDeterministic(s.Key, msg, sm2.DefaultSM2SignerOpts)
	if err != nil {
		return nil, fmt.Errorf("device: SM2 sign: %w", err)
	}
	var sig struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &sig); err != nil {
		return nil, fmt.Errorf("device: SM2 signature encoding: %w", err)
	}
	out := make([]byte, 64)
	sig.R.FillBytes(out[:32])
	sig.S.FillBytes(out[32:])
	return out, nil
}

// VerifySM2 checks a 64-byte r‖s SM2 signature (default user ID) of msg.
func VerifySM2(pub *ecdsa.PublicKey, msg, sig []byte) bool {
	if len(sig) != 64 {
		return false
	}
	der, err := asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])})
	if err != nil {
		return false
	}
	return sm2.VerifyASN1WithSM2(pub, nil, msg, der)
}

// CheckCode derives the 20-digit 校验码 from the signature: the first 16 bytes of
// SM3("KPCHECK/1" ‖ sig) as a big-endian integer, mod 10^20, zero-padded.
func CheckCode(sig []byte) string {
	h := sm3.Sum(append([]byte(checkTag), sig...))
	v := new(big.Int).SetBytes(h[:16])
	v.Mod(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(20), nil))
	return fmt.Sprintf("%020s", v.String())
}

// Cipher derives the 108-symbol 密码区: 54 bytes P = SM3(core) ‖ amount(8) ‖ tax(8) ‖
// number(4) ‖ days since 2000-01-01(2), XORed with the keystream
// SM3(tag ‖ sig ‖ 0x00) ‖ SM3(tag ‖ sig ‖ 0x01), one symbol per nibble, high nibble first.
func Cipher(core, sig []byte, inv *invoice.Invoice) string {
	t := inv.Totals()
	p := sm3.Sum(core)
	plain := append([]byte(nil), p[:]...)
	plain = putI64(plain, int64(t.Amount))
	plain = putI64(plain, int64(t.Tax))
	var num uint64
	fmt.Sscan(inv.Number, &num)
	plain = binary.BigEndian.AppendUint32(plain, uint32(num))
	y, m, d := inv.IssuedAt.In(invoice.Beijing).Date()
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)) / (24 * time.Hour)
	plain = binary.BigEndian.AppendUint16(plain, uint16(days))
	var ks []byte
	for i := byte(0); i < 2; i++ {
		h := sm3.Sum(append(append([]byte(cipherTag), sig...), i))
		ks = append(ks, h[:]...)
	}
	out := make([]byte, 0, 108)
	for i, c := range plain {
		c ^= ks[i]
		out = append(out, CipherAlphabet[c>>4], CipherAlphabet[c&0x0F])
	}
	return string(out)
}

// Seal fills inv.CheckCode, inv.Cipher and inv.Signature. inv.Issued must already carry
// Machine, Code, Number and IssuedAt.
func Seal(s Signer, inv *invoice.Invoice) error {
	core := CoreFields(inv)
	sig, err := s.SignCore(core)
	if err != nil {
		return err
	}
	inv.Signature = sig
	inv.CheckCode = CheckCode(sig)
	inv.Cipher = Cipher(core, sig, inv)
	return nil
}

// ErrBadSeal is wrapped by VerifySeal's failures.
var ErrBadSeal = errors.New("device: invoice seal does not verify")

// VerifySeal checks an issued invoice's signature, check code and cipher text against
// the device certificate (DER). The platform calls this on every invoice it receives.
func VerifySeal(certDER []byte, inv *invoice.Invoice) error {
	cert, err := smx509.ParseCertificate(certDER)
	if err != nil {
		return fmt.Errorf("device: parse device certificate: %w", err)
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(pub) {
		return fmt.Errorf("%w: certificate key is not SM2", ErrBadSeal)
	}
	core := CoreFields(inv)
	if !VerifySM2(pub, core, inv.Signature) {
		return fmt.Errorf("%w: signature of %s/%s", ErrBadSeal, inv.Code, inv.Number)
	}
	if inv.CheckCode != CheckCode(inv.Signature) {
		return fmt.Errorf("%w: check code %q of %s/%s", ErrBadSeal, inv.CheckCode, inv.Code, inv.Number)
	}
	if inv.Cipher != Cipher(core, inv.Signature, inv) {
		return fmt.Errorf("%w: cipher text of %s/%s", ErrBadSeal, inv.Code, inv.Number)
	}
	return nil
}

// AckSigned is what the tax authority signs in an UploadAck (PROTOCOL.md §7.4).
func AckSigned(a *UploadAck) []byte {
	b := []byte("KPACK/1")
	b = putStr(b, a.Machine)
	b = binary.BigEndian.AppendUint64(b, a.From)
	b = binary.BigEndian.AppendUint64(b, a.Through)
	b = append(b, a.Digest[:]...)
	return putI64(b, unixOrZero(a.AckedAt))
}

// RecordsDigest is the digest an UploadPacket and its UploadAck carry: SM3 over each
// record's binary form, in counter order.
func RecordsDigest(rs []Record) ([32]byte, error) {
	h := sm3.New()
	for i := range rs {
		b, err := rs[i].MarshalBinary()
		if err != nil {
			return [32]byte{}, err
		}
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	var d [32]byte
	copy(d[:], h.Sum(nil))
	return d, nil
}

// PacketSigned is what the device signs in an UploadPacket.
func PacketSigned(p *UploadPacket) []byte {
	b := []byte("KPPACKET/1")
	b = putStr(b, p.Machine)
	b = binary.BigEndian.AppendUint64(b, p.From)
	b = binary.BigEndian.AppendUint64(b, p.Through)
	return append(b, p.Digest[:]...)
}

// CipherLines splits a 108-symbol 密码区 into the 4 printed lines of 27.
func CipherLines(cipher string) [4]string {
	var out [4]string
	for i := 0; i < 4 && i*27 < len(cipher); i++ {
		out[i] = cipher[i*27 : min(len(cipher), (i+1)*27)]
	}
	return out
}
