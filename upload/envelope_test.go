package upload

import (
	"errors"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/pki"
)

var demoOnce *pki.DemoSet

// demo returns one demo set for the package's tests: making SM2 keys is quick, but
// there is no reason to do it in every test.
func demo(t testing.TB) *pki.DemoSet {
	t.Helper()
	if demoOnce == nil {
		d, err := pki.NewDemoSet(pki.DemoOptions{TaxID: "91350200MA2XYZ1234", Machine: "661234567890"})
		if err != nil {
			t.Fatal(err)
		}
		demoOnce = d
	}
	return demoOnce
}

func TestEnvelopeRoundTrip(t *testing.T) {
	d := demo(t)
	now := time.Now()
	p := &Payload{ID: NewID(), Kind: KindInvoices, At: now, Items: []Item{{RequestID: "R1", Invoice: []byte(`{"x":1}`)}}}
	env, err := Seal(p, d.Enterprise, d.PlatformEnc.Cert)
	if err != nil {
		t.Fatal(err)
	}
	got, signer, err := Open(env, d.PlatformEnc, pki.CertPool(d.CA.Cert), now)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != p.ID || len(got.Items) != 1 || string(got.Items[0].Invoice) != `{"x":1}` {
		t.Fatalf("payload %+v", got)
	}
	if signer.Subject.SerialNumber != "91350200MA2XYZ1234" {
		t.Fatalf("signer %v", signer.Subject)
	}
}

func TestEnvelopeRejects(t *testing.T) {
	d := demo(t)
	now := time.Now()
	seal := func(signer pki.Identity, at time.Time) []byte {
		env, err := Seal(&Payload{ID: NewID(), Kind: KindPull, At: at}, signer, d.PlatformEnc.Cert)
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	t.Run("every flipped bit is rejected", func(t *testing.T) {
		env := seal(d.Enterprise, now)
		// Every bit of a whole envelope takes too long under SM2; one bit in each byte,
		// at a position that changes with the byte, covers header, key and content.
		for i := range env {
			bad := append([]byte(nil), env...)
			bad[i] ^= 1 << (i % 8)
			if _, _, err := Open(bad, d.PlatformEnc, pki.CertPool(d.CA.Cert), now); err == nil {
				t.Fatalf("byte %d flipped: accepted", i)
			}
		}
	})
	t.Run("a signer from another CA is rejected", func(t *testing.T) {
		other, err := pki.NewDemoSet(pki.DemoOptions{TaxID: "91350200MA2XYZ1234"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := Open(seal(other.Enterprise, now), d.PlatformEnc, pki.CertPool(d.CA.Cert), now); !errors.Is(err, ErrEnvelope) {
			t.Fatalf("want ErrEnvelope, got %v", err)
		}
	})
	t.Run("an expired signer is rejected", func(t *testing.T) {
		old, err := pki.IssueSM2(d.CA, pki.Leaf{CommonName: "expired enterprise", SerialName: "91350200MA2XYZ1234",
			NotBefore: now.Add(-48 * time.Hour), Validity: 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := Open(seal(old, now), d.PlatformEnc, pki.CertPool(d.CA.Cert), now); !errors.Is(err, ErrEnvelope) {
			t.Fatalf("want ErrEnvelope, got %v", err)
		}
	})
	t.Run("an old envelope is stale", func(t *testing.T) {
		if _, _, err := Open(seal(d.Enterprise, now.Add(-time.Hour)), d.PlatformEnc, pki.CertPool(d.CA.Cert), now); !errors.Is(err, ErrStale) {
			t.Fatalf("want ErrStale, got %v", err)
		}
	})
}

// BenchmarkEnvelopeSealOpen: one invoice's envelope sealed and opened. Budget ≤ 2 ms.
func BenchmarkEnvelopeSealOpen(b *testing.B) {
	d := demo(b)
	roots := pki.CertPool(d.CA.Cert)
	inv := make([]byte, 3000) // an eight-line invoice's JSON is about 3 kB
	for i := range inv {
		inv[i] = 'a'
	}
	now := time.Now()
	for b.Loop() {
		p := &Payload{ID: NewID(), Kind: KindInvoices, At: now, Items: []Item{{RequestID: "R1", Invoice: []byte(`"` + string(inv) + `"`)}}}
		env, err := Seal(p, d.Enterprise, d.PlatformEnc.Cert)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := Open(env, d.PlatformEnc, roots, now); err != nil {
			b.Fatal(err)
		}
	}
}
