package workstation

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeSeal writes a self-signed P-256 certificate and its clear PKCS#8 key, as a CA
// would hand a seller its seal.
func writeSeal(t *testing.T, dir string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "厦门开票示范科技有限公司 电子签章"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ = x509.ParseCertificate(der)
	pk, _ := x509.MarshalPKCS8PrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "seal.pem"), filepath.Join(dir, "seal-key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk}), 0o600)
	return certFile, keyFile, cert
}

func TestImportASealCertificateSignsThePDFs(t *testing.T) {
	data := t.TempDir()
	certFile, keyFile, cert := writeSeal(t, t.TempDir())
	if s, err := SealSigner(data); s != nil || err != nil {
		t.Fatalf("no seal yet: %v %v", s, err)
	}
	t.Setenv("KAIPIAO_KEY_PASSPHRASE", "")
	if _, err := ImportPKI(data, "seal", certFile, keyFile, nil); err == nil || !strings.Contains(err.Error(), "KAIPIAO_KEY_PASSPHRASE") {
		t.Fatalf("a real key without a passphrase to store it under: %v", err)
	}
	t.Setenv("KAIPIAO_KEY_PASSPHRASE", "a long passphrase for the test")
	if _, err := ImportPKI(data, "printer", certFile, keyFile, nil); err == nil {
		t.Fatal("an unknown identity must be refused")
	}
	if _, err := ImportPKI(data, "seal", certFile, keyFile, nil); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(data, PKIDir, "seal.key"))
	if !strings.Contains(string(raw), "ENCRYPTED PRIVATE KEY") {
		t.Fatal("the key must rest encrypted")
	}
	s, err := SealSigner(data)
	if err != nil || s == nil || !s.Certificate.Equal(cert) {
		t.Fatalf("the imported seal signs: %v %v", s, err)
	}
}
