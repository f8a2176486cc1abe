// Package pki holds the certificates and keys of Kaipiao's parties: the SM2 roots and
// identities (enterprise, platform, device), the ECDSA P-256 transport root and the
// seller's PDF seal, passphrase-encrypted key files, the platform's machine registry, and
// the demo set that `kaipiaoctl pki init` writes. The upload package signs and encrypts
// with these identities; the platform checks against them.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/emmansun/gmsm/pkcs"
	"github.com/emmansun/gmsm/pkcs8"
	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
)

// The files of a PKI folder. `kaipiaoctl pki init DIR` writes them all to DIR (the
// platform's --pki folder) and the workstation's part to --data/pki.
//
// Go's TLS stack knows no SM2 certificates, so HTTPS runs on a separate ECDSA P-256
// transport CA; everything the tax rules care about (signatures, envelopes, receipts)
// is SM2 under the SM2 CA.
const (
	FileCA            = "ca.crt"            // SM2 root of enterprise, platform and device certificates
	FileTLSCA         = "tls-ca.crt"        // ECDSA P-256 root the workstation pins for HTTPS
	FileEnterprise    = "enterprise"        // .crt/.key: the enterprise's SM2 signing identity
	FilePlatformSign  = "platform-sign"     // .crt/.key: signs receipts
	FilePlatformEnc   = "platform-enc"      // .crt/.key: envelopes are encrypted to it
	FilePlatformTLS   = "platform-tls"      // .crt/.key: the HTTPS server, for 127.0.0.1 and localhost
	FileDevice        = "device"            // .crt/.key: a CA-issued identity for the simulator
	FileSeal          = "seal"              // .crt/.key: the seller's ECDSA P-256 seal for PDF signatures (readers cannot verify SM2)
	FileEnterpriseTLS = "enterprise-tls"    // .crt/.key: the enterprise's P-256 TLS client identity, under the transport CA
	FileAuthority     = "authority.key"     // the tax authority's SM2 key (acknowledges device uploads)
	DirDevices        = "devices"           // device certificates the platform trusts as they are
	FileDemoMarker    = "DEMO"              // present in a demo set: the demo passphrase applies
	DemoPassphrase    = "kaipiao-demo-only" // the demo set's passphrase; never for real keys
	PassphraseEnv     = "KAIPIAO_KEY_PASSPHRASE"
	certSuffix        = ".crt"
	keySuffix         = ".key"
	pemCertificate    = "CERTIFICATE"
	pemEncryptedKey   = "ENCRYPTED PRIVATE KEY"
	demoValidity      = 2 * 365 * 24 * time.Hour
	expiryWarningDays = 30
)

// OIDDeviceEKU is the extended key usage that marks a tax-control device's certificate.
// The platform takes an offered device certificate only with it: an enterprise's
// certificate chains to the same CA but lacks it, so an enterprise cannot pass its own key
// off as a device's. The arc is the demo PKI's own (docs/security.md); a deployment uses
// its device CA's policy identifier.
var OIDDeviceEKU = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 61212, 1, 1}

// HasDeviceEKU reports whether c carries OIDDeviceEKU.
func HasDeviceEKU(c *smx509.Certificate) bool {
	for _, o := range c.UnknownExtKeyUsage {
		if o.Equal(OIDDeviceEKU) {
			return true
		}
	}
	return false
}

// Errors of the PKI, for errors.Is.
var (
	// ErrNoPassphrase: the key folder is not a demo set and KAIPIAO_KEY_PASSPHRASE is empty.
	ErrNoPassphrase = errors.New("no passphrase for the private keys: set " + PassphraseEnv)
	// ErrBadPassphrase: a key file does not decrypt with the passphrase given.
	ErrBadPassphrase = errors.New("the private key does not decrypt with this passphrase")
	// ErrExpired: a certificate is outside its validity period.
	ErrExpired = errors.New("certificate is expired or not yet valid")
)

// Identity is a certificate with its private key.
type Identity struct {
	Cert *smx509.Certificate
	Key  crypto.Signer // *sm2.PrivateKey for SM2 identities, *ecdsa.PrivateKey for TLS
}

// SM2 returns the identity's SM2 key, or nil when it is not one.
func (id Identity) SM2() *sm2.PrivateKey {
	k, _ := id.Key.(*sm2.PrivateKey)
	return k
}

// DemoKeysEnv, set to 1, lets a demo set's keys open with the demo passphrase. `make
// run` and `make demo` set it for their demo folder; nothing else does, so that keys
// outside it are never opened (or, by DemoPKI, written) under a passphrase everyone knows.
const DemoKeysEnv = "KAIPIAO_DEMO_KEYS"

// Passphrase returns the passphrase for the keys in dir: KAIPIAO_KEY_PASSPHRASE when set,
// else the demo passphrase if dir holds a demo set and KAIPIAO_DEMO_KEYS=1, else
// ErrNoPassphrase.
func Passphrase(dir string) ([]byte, error) {
	if p := os.Getenv(PassphraseEnv); p != "" {
		return []byte(p), nil
	}
	if _, err := os.Stat(filepath.Join(dir, FileDemoMarker)); err == nil {
		if os.Getenv(DemoKeysEnv) == "1" {
			return []byte(DemoPassphrase), nil
		}
		return nil, fmt.Errorf("keys in %s are a demo set: %w (or %s=1, as make run sets, to use the demo passphrase)", dir, ErrNoPassphrase, DemoKeysEnv)
	}
	return nil, fmt.Errorf("keys in %s: %w", dir, ErrNoPassphrase)
}

// CheckValidity returns ErrExpired, naming the certificate and its period, when now is
// outside it.
func CheckValidity(c *smx509.Certificate, now time.Time) error {
	if now.Before(c.NotBefore) || now.After(c.NotAfter) {
		return fmt.Errorf("%q valid %s to %s, now %s: %w", c.Subject.CommonName,
			c.NotBefore.Format(time.DateOnly), c.NotAfter.Format(time.DateOnly), now.Format(time.DateOnly), ErrExpired)
	}
	return nil
}

// ExpiresSoon reports whether c expires within 30 days of now: the workstation shows it.
func ExpiresSoon(c *smx509.Certificate, now time.Time) bool {
	return c.NotAfter.Sub(now) < expiryWarningDays*24*time.Hour
}

// issue makes a certificate for pub signed by parent.
func issue(tmpl *smx509.Certificate, pub any, parent Identity) (*smx509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	der, err := smx509.CreateCertificate(rand.Reader, tmpl, parent.Cert, pub, parent.Key)
	if err != nil {
		return nil, fmt.Errorf("pki: certificate %q: %w", tmpl.Subject.CommonName, err)
	}
	return smx509.ParseCertificate(der)
}

// newSM2 makes an SM2 key.
func newSM2() (*sm2.PrivateKey, error) { return sm2.GenerateKey(rand.Reader) }

// NewCA makes a self-signed SM2 root valid from notBefore for validity.
func NewCA(name string, notBefore time.Time, validity time.Duration) (Identity, error) {
	key, err := newSM2()
	if err != nil {
		return Identity{}, err
	}
	return newRoot(name, key, notBefore, validity)
}

func newRoot(name string, key crypto.Signer, notBefore time.Time, validity time.Duration) (Identity, error) {
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	tmpl := &smx509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: name, Organization: []string{"Kaipiao demo"}},
		NotBefore: notBefore, NotAfter: notBefore.Add(validity), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: smx509.KeyUsageCertSign | smx509.KeyUsageCRLSign}
	der, err := smx509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return Identity{}, fmt.Errorf("pki: root %q: %w", name, err)
	}
	cert, err := smx509.ParseCertificate(der)
	return Identity{Cert: cert, Key: key}, err
}

// Leaf describes a certificate to issue under a CA.
type Leaf struct {
	CommonName string
	// SerialName is the subject's serialNumber: the enterprise's tax ID (统一社会信用代码)
	// or the device's machine number. The platform matches invoices against it.
	SerialName string
	Usage      smx509.KeyUsage
	// ExtKeyUsage: OIDDeviceEKU for a device's certificate.
	ExtKeyUsage []asn1.ObjectIdentifier
	NotBefore   time.Time
	Validity    time.Duration
}

// IssueSM2 makes an SM2 key and a certificate for it signed by ca.
func IssueSM2(ca Identity, l Leaf) (Identity, error) {
	key, err := newSM2()
	if err != nil {
		return Identity{}, err
	}
	tmpl := &smx509.Certificate{Subject: pkix.Name{CommonName: l.CommonName, SerialNumber: l.SerialName},
		NotBefore: l.NotBefore, NotAfter: l.NotBefore.Add(l.Validity), KeyUsage: l.Usage, UnknownExtKeyUsage: l.ExtKeyUsage}
	cert, err := issue(tmpl, &key.PublicKey, ca)
	return Identity{Cert: cert, Key: key}, err
}

// newTLS makes the ECDSA P-256 transport root and the platform's server certificate for
// the loopback names.
func newTLS(notBefore time.Time, validity time.Duration) (ca, server Identity, err error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return ca, server, err
	}
	if ca, err = newRoot("Kaipiao demo transport CA", caKey, notBefore, validity); err != nil {
		return ca, server, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return ca, server, err
	}
	tmpl := &smx509.Certificate{Subject: pkix.Name{CommonName: "Kaipiao demo platform"},
		NotBefore: notBefore, NotAfter: notBefore.Add(validity), KeyUsage: smx509.KeyUsageDigitalSignature,
		ExtKeyUsage: []smx509.ExtKeyUsage{smx509.ExtKeyUsageServerAuth},
		DNSNames:    []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}}
	cert, err := issue(tmpl, &key.PublicKey, ca)
	return ca, Identity{Cert: cert, Key: key}, err
}

// newClientTLS makes the enterprise's TLS client identity: ECDSA P-256 under the transport
// root, naming its tax ID, for client authentication only. The platform then knows who
// connects at the handshake, before a byte of a request is read.
func newClientTLS(root Identity, taxID string, notBefore time.Time, validity time.Duration) (Identity, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Identity{}, err
	}
	tmpl := &smx509.Certificate{Subject: pkix.Name{CommonName: "Kaipiao demo enterprise (TLS client)", SerialNumber: taxID},
		NotBefore: notBefore, NotAfter: notBefore.Add(validity), KeyUsage: smx509.KeyUsageDigitalSignature,
		ExtKeyUsage: []smx509.ExtKeyUsage{smx509.ExtKeyUsageClientAuth}}
	cert, err := issue(tmpl, &key.PublicKey, root)
	return Identity{Cert: cert, Key: key}, err
}

// newSeal makes the seller's seal identity for signing invoice PDFs: ECDSA P-256, issued
// by the P-256 root, naming the seller's tax ID.
func newSeal(root Identity, taxID string, notBefore time.Time, validity time.Duration) (Identity, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Identity{}, err
	}
	tmpl := &smx509.Certificate{Subject: pkix.Name{CommonName: "Kaipiao demo seller seal", SerialNumber: taxID},
		NotBefore: notBefore, NotAfter: notBefore.Add(validity),
		KeyUsage: smx509.KeyUsageDigitalSignature | smx509.KeyUsageContentCommitment}
	cert, err := issue(tmpl, &key.PublicKey, root)
	return Identity{Cert: cert, Key: key}, err
}

// WriteCert writes a certificate as PEM, mode 0644.
func WriteCert(path string, c *smx509.Certificate) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: pemCertificate, Bytes: c.Raw}), 0o644)
}

// keyEncryption is how key files are encrypted: PBES2 with scrypt (N = 2^15, r = 8,
// p = 1: 32 MiB and about 0.1 s per try, RFC 7914's interactive figure) and AES-256-GCM.
// The library's default, PBKDF2 with 2,048 iterations, costs an attacker next to
// nothing per guess; files written with it are still read (ReadKey follows the file's
// own parameters).
var keyEncryption = pkcs.NewPBESEncrypter(pkcs.AES256GCM, pkcs8.ScryptOpts{SaltSize: 16,
	CostParameter: 1 << 15, BlockSize: 8, ParallelizationParameter: 1})

// UseTestKeyCost lowers the scrypt cost of key files written from now on to 2^10, for
// test binaries only: the upload and platform tests write dozens of key files per rig and
// would take minutes at the production cost. Everything else (the format, the cipher,
// ReadKey following the file's own parameters) stays as in production. It is exported
// because those tests live in other packages; besides them only the load generator
// (platform/loadgen) calls it, for the throw-away demo keys of a load test.
func UseTestKeyCost() {
	keyEncryption = pkcs.NewPBESEncrypter(pkcs.AES256GCM, pkcs8.ScryptOpts{SaltSize: 16,
		CostParameter: 1 << 10, BlockSize: 8, ParallelizationParameter: 1})
}

// WriteKey writes a private key as encrypted PKCS#8 PEM (PBES2, scrypt), mode 0600. An
// empty passphrase is refused: keys never rest in the clear.
func WriteKey(path string, key crypto.Signer, passphrase []byte) error {
	if len(passphrase) == 0 {
		return fmt.Errorf("writing %s: %w", path, ErrNoPassphrase)
	}
	der, err := pkcs8.MarshalPrivateKey(key, passphrase, keyEncryption)
	if err != nil {
		return fmt.Errorf("encrypting %s: %w", path, err)
	}
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: pemEncryptedKey, Bytes: der}), 0o600)
}

// ReadCert reads the first certificate of a PEM (or DER) file.
func ReadCert(path string) (*smx509.Certificate, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("certificate: %w", err)
	}
	if b, _ := pem.Decode(raw); b != nil {
		raw = b.Bytes
	}
	c, err := smx509.ParseCertificate(raw)
	if err != nil {
		return nil, fmt.Errorf("certificate %s: %w", path, err)
	}
	return c, nil
}

// ReadKey reads a private key: encrypted PKCS#8 with passphrase, or, for importing, a
// clear PKCS#8 or SEC 1 key when the PEM says so. A wrong passphrase gives ErrBadPassphrase.
func ReadKey(path string, passphrase []byte) (crypto.Signer, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	b, _ := pem.Decode(raw)
	if b == nil {
		return nil, fmt.Errorf("private key %s: not PEM", path)
	}
	var key any
	switch b.Type {
	case pemEncryptedKey:
		key, err = pkcs8.ParsePKCS8PrivateKey(b.Bytes, passphrase)
		if err != nil {
			return nil, fmt.Errorf("private key %s: %w (%v)", path, ErrBadPassphrase, err)
		}
	case "PRIVATE KEY":
		key, err = smx509.ParsePKCS8PrivateKey(b.Bytes)
	case "EC PRIVATE KEY":
		// SM2 keys come back as *sm2.PrivateKey, which signs with SM2; others as ECDSA.
		key, err = smx509.ParseTypedECPrivateKey(b.Bytes)
	default:
		return nil, fmt.Errorf("private key %s: PEM type %q not supported", path, b.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("private key %s: %w", path, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("private key %s: %T cannot sign", path, key)
	}
	return signer, nil
}

// ReadIdentity reads base.crt and base.key from dir, checks the certificate's validity at
// now and that the key matches it.
func ReadIdentity(dir, base string, passphrase []byte, now time.Time) (Identity, error) {
	cert, err := ReadCert(filepath.Join(dir, base+certSuffix))
	if err != nil {
		return Identity{}, err
	}
	key, err := ReadKey(filepath.Join(dir, base+keySuffix), passphrase)
	if err != nil {
		return Identity{}, err
	}
	if err := CheckValidity(cert, now); err != nil {
		return Identity{}, fmt.Errorf("%s%s: %w", base, certSuffix, err)
	}
	if !samePublic(cert.PublicKey, key.Public()) {
		return Identity{}, fmt.Errorf("%s%s and %s%s: the key does not belong to the certificate", base, certSuffix, base, keySuffix)
	}
	return Identity{Cert: cert, Key: key}, nil
}

func samePublic(a, b any) bool {
	pa, ok1 := a.(*ecdsa.PublicKey)
	pb, ok2 := b.(*ecdsa.PublicKey)
	return ok1 && ok2 && pa.Equal(pb)
}

// WriteIdentity writes base.crt and base.key (encrypted) into dir.
func WriteIdentity(dir, base string, id Identity, passphrase []byte) ([]string, error) {
	crt, key := filepath.Join(dir, base+certSuffix), filepath.Join(dir, base+keySuffix)
	if err := WriteCert(crt, id.Cert); err != nil {
		return nil, err
	}
	if err := WriteKey(key, id.Key, passphrase); err != nil {
		return nil, err
	}
	return []string{crt, key}, nil
}

// Import copies a certificate and its key (PEM; a clear key or one encrypted with
// inPass) into dir as base.crt and base.key encrypted with outPass. PKCS#12 files are not
// read: gmsm v0.44.1 has no PKCS#12 decoder; convert them with `openssl pkcs12 -nodes`
// (or gmssl) first.
func Import(dir, base, certFile, keyFile string, inPass, outPass []byte, now time.Time) ([]string, error) {
	cert, err := ReadCert(certFile)
	if err != nil {
		return nil, err
	}
	key, err := ReadKey(keyFile, inPass)
	if err != nil {
		return nil, err
	}
	if !samePublic(cert.PublicKey, key.Public()) {
		return nil, fmt.Errorf("importing %s: the key in %s does not belong to it", certFile, keyFile)
	}
	if err := CheckValidity(cert, now); err != nil {
		return nil, fmt.Errorf("importing %s: %w", certFile, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return WriteIdentity(dir, base, Identity{Cert: cert, Key: key}, outPass)
}

// CertPool makes a pool of the given roots.
func CertPool(roots ...*smx509.Certificate) *smx509.CertPool {
	p := smx509.NewCertPool()
	for _, r := range roots {
		p.AddCert(r)
	}
	return p
}

// stdPool converts roots for crypto/tls, which wants the standard library's pool.
func stdPool(roots ...*smx509.Certificate) (*x509.CertPool, error) {
	p := x509.NewCertPool()
	for _, r := range roots {
		c, err := x509.ParseCertificate(r.Raw)
		if err != nil {
			return nil, fmt.Errorf("transport root %q: %w", r.Subject.CommonName, err)
		}
		p.AddCert(c)
	}
	return p, nil
}
