package sync

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/pkcs8"
)

// Key files are written with scrypt, and those written before (PBKDF2, 2,048 rounds) are
// still read.
func TestKeyFilesUseScryptAndOldOnesStillOpen(t *testing.T) {
	key, err := newSM2()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "new.key")
	if err := WriteKey(path, key, []byte("pass")); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	b, _ := pem.Decode(raw)
	// The scrypt OID (1.3.6.1.4.1.11591.4.11) in the PBES2 parameters, DER-encoded.
	if !strings.Contains(string(b.Bytes), "\x06\x09\x2b\x06\x01\x04\x01\xda\x47\x04\x0b") {
		t.Fatal("the new key file does not use scrypt")
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	if _, err := ReadKey(path, []byte("pass")); err != nil {
		t.Fatal(err)
	}
	// A file of the old kind: the library's default PBKDF2.
	der, err := pkcs8.MarshalPrivateKey(key, []byte("pass"), nil)
	if err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, "old.key")
	os.WriteFile(old, pem.EncodeToMemory(&pem.Block{Type: pemEncryptedKey, Bytes: der}), 0o600)
	got, err := ReadKey(old, []byte("pass"))
	if err != nil || !samePublic(got.Public(), key.Public()) {
		t.Fatalf("the old PBKDF2 file: %v", err)
	}
	if _, err := ReadKey(old, []byte("wrong")); err == nil {
		t.Fatal("a wrong passphrase opened it")
	}
}
