package sim_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
)

// The platform checks what the device produced from the device certificate alone.
func TestSealVerifiesFromTheCertificateAndCatchesTampering(t *testing.T) {
	r := newRig(t, sim.Config{}, 0)
	rec, err := r.client.IssueRecord(r.ctx(), r.request(8))
	if err != nil {
		t.Fatal(err)
	}
	caps, err := r.client.Caps(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	inv := rec.Invoice
	if err := device.VerifySeal(caps.Certificate, &inv); err != nil {
		t.Fatalf("genuine invoice: %v", err)
	}
	if strings.Trim(inv.Cipher, device.CipherAlphabet) != "" || len(device.CipherLines(inv.Cipher)[3]) != 27 {
		t.Fatalf("cipher %q is not 4 lines of 27 over %s", inv.Cipher, device.CipherAlphabet)
	}
	for name, tamper := range map[string]func(){
		"a line amount":  func() { inv.Lines[3].Amount++ },
		"the buyer":      func() { inv.Buyer.TaxID = "91110108MA01ABCD3X" },
		"the number":     func() { inv.Number = "00000002" },
		"the check code": func() { inv.CheckCode = other(inv.CheckCode[:1], "0", "1") + inv.CheckCode[1:] },
		"the cipher":     func() { inv.Cipher = other(inv.Cipher[:1], "<", ">") + inv.Cipher[1:] },
		"the date":       func() { inv.IssuedAt = inv.IssuedAt.AddDate(0, 0, 1) },
	} {
		inv = rec.Invoice
		inv.Lines = append(inv.Lines[:0:0], rec.Invoice.Lines...)
		tamper()
		if err := device.VerifySeal(caps.Certificate, &inv); !errors.Is(err, device.ErrBadSeal) {
			t.Errorf("changing %s: %v, want ErrBadSeal", name, err)
		}
	}
}

// other returns a, or b when a is what is already there.
func other(have, a, b string) string {
	if have == a {
		return b
	}
	return a
}
