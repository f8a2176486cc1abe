package pki

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A second enterprise under a demo set: its certificates chain to the set's roots and name
// its tax ID, so the platform of that set takes its envelopes and its TLS handshake; a
// folder without the roots' keys says so.
func TestAddEnterprise(t *testing.T) {
	UseTestKeyCost()
	dir := t.TempDir()
	set, err := NewDemoSet(DemoOptions{TaxID: "91350200776049653A", Machine: "661234567890"})
	if err != nil {
		t.Fatal(err)
	}
	pass := []byte("p")
	plat, ws := filepath.Join(dir, "plat"), filepath.Join(dir, "ws")
	if _, err := set.WritePlatform(plat, pass); err != nil {
		t.Fatal(err)
	}
	if _, err := AddEnterprise(plat, ws, "91110108MA01ABCD2X", "北京示例买方有限公司", pass, time.Now()); err != nil {
		t.Fatal(err)
	}
	w, err := LoadWorkstation(ws, pass, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if w.Enterprise.Cert.Subject.SerialNumber != "91110108MA01ABCD2X" || w.Enterprise.Cert.Subject.CommonName != "北京示例买方有限公司" {
		t.Fatalf("subject %v", w.Enterprise.Cert.Subject)
	}
	if err := VerifyChain(w.Enterprise.Cert, CertPool(set.CA.Cert), time.Now()); err != nil {
		t.Fatal(err)
	}
	leaf := w.ClientTLS.Certificate[0]
	if _, err := os.Stat(filepath.Join(plat, DirEnterprises, "91110108MA01ABCD2X.crt")); err != nil {
		t.Fatal(err)
	}
	p, err := LoadPlatform(plat, pass, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyTLSLeaf(leaf, p); err != nil {
		t.Fatalf("TLS client certificate: %v", err)
	}
	if _, err := AddEnterprise(plat, ws, "bad", "x", pass, time.Now()); err == nil || !strings.Contains(err.Error(), "tax ID") {
		t.Fatalf("bad tax ID: %v", err)
	}
	os.Remove(filepath.Join(plat, FileCAKey))
	if _, err := AddEnterprise(plat, filepath.Join(dir, "ws2"), "91440300MA5EXAMP1K", "x", pass, time.Now()); err == nil || !strings.Contains(err.Error(), "pki init") {
		t.Fatalf("a folder without the CA key: %v", err)
	}
}

func verifyTLSLeaf(der []byte, p *Platform) error {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return err
	}
	_, err = c.Verify(x509.VerifyOptions{Roots: p.ClientRoots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	return err
}
