package ofd

import (
	"bytes"
	"testing"
)

// FuzzVerify feeds Verify damaged OFD packages and damaged signature files: it must
// refuse them with an error, never panic, and never accept a package whose bytes
// differ from the signed one's in a signed file.
func FuzzVerify(f *testing.F) {
	s := mustSamples(f)[0]
	signed, err := Write(s.inv, Options{Signer: mustSigner(f)})
	if err != nil {
		f.Fatal(err)
	}
	files, err := Unpack(signed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte{}, 0, byte(0))
	f.Add(files[SignedValuePath], 10, byte(1))
	f.Add(files[SignaturePath], 100, byte(0x20))
	f.Fuzz(func(t *testing.T, junk []byte, at int, x byte) {
		Verify(junk) // a package of its own: anything but a panic
		// The signed package with one signed file changed at one byte.
		name := SignedValuePath
		if at%2 == 0 {
			name = SignaturePath
		}
		b := bytes.Clone(files[name])
		if len(b) == 0 || x == 0 {
			return
		}
		i := (at%len(b) + len(b)) % len(b)
		b[i] ^= x
		changed := map[string][]byte{}
		for k, v := range files {
			changed[k] = v
		}
		changed[name] = b
		w := &writer{files: changed}
		z, err := w.zip(s.inv.IssuedAt)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(z); err == nil {
			t.Fatalf("byte %d of %s changed (^%#x) and the signature still verifies", i, name, x)
		}
	})
}

// The fuzzer's find: the signer's certificate is outside what the signature covers, so a
// byte changed in the certificate's own CA signature left the key, and the signature,
// intact. Verify refuses any certificate the seal does not list byte for byte.
func TestSignerCertificateChangedIsRefused(t *testing.T) {
	s := mustSamples(t)[0]
	signer := mustSigner(t)
	signed, err := Write(s.inv, Options{Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	files, err := Unpack(signed)
	if err != nil {
		t.Fatal(err)
	}
	value := bytes.Clone(files[SignedValuePath])
	at := bytes.LastIndex(value, signer.Cert.Raw)
	if at < 0 {
		t.Fatal("the signer's certificate is not in SignedValue.dat")
	}
	value[at+len(signer.Cert.Raw)-1] ^= 0x37 // the last byte of the CA's signature on it
	changed := map[string][]byte{}
	for k, v := range files {
		changed[k] = v
	}
	changed[SignedValuePath] = value
	z, err := (&writer{files: changed}).zip(s.inv.IssuedAt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(z); err == nil {
		t.Fatal("a changed signer's certificate still verifies")
	}
}
