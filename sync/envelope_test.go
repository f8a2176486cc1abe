package sync

import (
	"encoding/pem"

	"errors"
	"github.com/emmansun/gmsm/smx509"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var demoOnce *DemoSet

// demo returns one demo set for the package's tests: making SM2 keys is quick, but
// there is no reason to do it in every test.
func demo(t testing.TB) *DemoSet {
	t.Helper()
	if demoOnce == nil {
		d, err := NewDemoSet(DemoOptions{TaxID: "91350200MA2XYZ1234", Machine: "661234567890"})
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
	got, signer, err := Open(env, d.PlatformEnc, certPool(d.CA.Cert), now)
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
	seal := func(signer Identity, at time.Time) []byte {
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
			if _, _, err := Open(bad, d.PlatformEnc, certPool(d.CA.Cert), now); err == nil {
				t.Fatalf("byte %d flipped: accepted", i)
			}
		}
	})
	t.Run("a signer from another CA is rejected", func(t *testing.T) {
		other, err := NewDemoSet(DemoOptions{TaxID: "91350200MA2XYZ1234"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := Open(seal(other.Enterprise, now), d.PlatformEnc, certPool(d.CA.Cert), now); !errors.Is(err, ErrEnvelope) {
			t.Fatalf("want ErrEnvelope, got %v", err)
		}
	})
	t.Run("an expired signer is rejected", func(t *testing.T) {
		old, err := IssueSM2(d.CA, Leaf{CommonName: "expired enterprise", SerialName: "91350200MA2XYZ1234",
			NotBefore: now.Add(-48 * time.Hour), Validity: 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := Open(seal(old, now), d.PlatformEnc, certPool(d.CA.Cert), now); !errors.Is(err, ErrEnvelope) {
			t.Fatalf("want ErrEnvelope, got %v", err)
		}
	})
	t.Run("an old envelope is stale", func(t *testing.T) {
		if _, _, err := Open(seal(d.Enterprise, now.Add(-time.Hour)), d.PlatformEnc, certPool(d.CA.Cert), now); !errors.Is(err, ErrStale) {
			t.Fatalf("want ErrStale, got %v", err)
		}
	})
}

func TestPrivateKeyAtRest(t *testing.T) {
	d := demo(t)
	dir := t.TempDir()
	if _, err := d.WriteWorkstation(dir, []byte("correct horse")); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	t.Run("unreadable without the passphrase", func(t *testing.T) {
		if _, err := ReadIdentity(dir, FileEnterprise, []byte("wrong"), now); !errors.Is(err, ErrBadPassphrase) {
			t.Fatalf("want ErrBadPassphrase, got %v", err)
		}
		if _, err := ReadIdentity(dir, FileEnterprise, nil, now); !errors.Is(err, ErrBadPassphrase) {
			t.Fatalf("no passphrase: want ErrBadPassphrase, got %v", err)
		}
		raw, _ := os.ReadFile(filepath.Join(dir, FileEnterprise+keySuffix))
		if fi, _ := os.Stat(filepath.Join(dir, FileEnterprise+keySuffix)); fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v", fi.Mode())
		}
		if string(raw[:37]) != "-----BEGIN ENCRYPTED PRIVATE KEY-----" {
			t.Fatalf("key file starts %q", raw[:37])
		}
	})
	t.Run("loads with it, the chain checked", func(t *testing.T) {
		w, err := LoadWorkstation(dir, []byte("correct horse"), now)
		if err != nil {
			t.Fatal(err)
		}
		if w.Enterprise.SM2() == nil || w.PlatformEnc == nil {
			t.Fatal("incomplete")
		}
	})
	t.Run("an expired certificate is refused at load", func(t *testing.T) {
		if _, err := LoadWorkstation(dir, []byte("correct horse"), now.Add(3*365*24*time.Hour)); !errors.Is(err, ErrExpired) {
			t.Fatalf("want ErrExpired, got %v", err)
		}
	})
	t.Run("the demo passphrase applies to a demo set only, in make run's folder only", func(t *testing.T) {
		t.Setenv(PassphraseEnv, "")
		t.Setenv(DemoKeysEnv, "")
		if _, err := Passphrase(dir); !errors.Is(err, ErrNoPassphrase) {
			t.Fatalf("a demo set outside make run's folder: %v", err)
		}
		t.Setenv(DemoKeysEnv, "1")
		if p, err := Passphrase(dir); err != nil || string(p) != DemoPassphrase {
			t.Fatalf("%q %v", p, err)
		}
		if _, err := Passphrase(t.TempDir()); !errors.Is(err, ErrNoPassphrase) {
			t.Fatalf("want ErrNoPassphrase, got %v", err)
		}
	})
}

func TestImportPEM(t *testing.T) {
	d := demo(t)
	src, dst := t.TempDir(), t.TempDir()
	if _, err := WriteIdentity(src, "in", d.Enterprise, []byte("old")); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(dst, FileEnterprise, filepath.Join(src, "in.crt"), filepath.Join(src, "in.key"), []byte("old"), []byte("new"), time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadIdentity(dst, FileEnterprise, []byte("new"), time.Now()); err != nil {
		t.Fatal(err)
	}
	t.Run("a clear SEC 1 key, as openssl writes it", func(t *testing.T) {
		der, err := smx509.MarshalSM2PrivateKey(d.Enterprise.SM2())
		if err != nil {
			t.Fatal(err)
		}
		keyFile := filepath.Join(src, "clear.key")
		os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600)
		if _, err := Import(dst, "again", filepath.Join(src, "in.crt"), keyFile, nil, []byte("new"), time.Now()); err != nil {
			t.Fatal(err)
		}
		id, err := ReadIdentity(dst, "again", []byte("new"), time.Now())
		if err != nil || id.SM2() == nil {
			t.Fatalf("%T %v", id.Key, err)
		}
	})
}

// BenchmarkEnvelopeSealOpen: one invoice's envelope sealed and opened. Budget ≤ 2 ms.
func BenchmarkEnvelopeSealOpen(b *testing.B) {
	d := demo(b)
	roots := certPool(d.CA.Cert)
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
