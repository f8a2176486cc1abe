package pki

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/taxack"
)

// DemoSet is a complete demo PKI: the two roots, every party's identity, and the tax
// authority's key (the simulator's DemoAuthority, so that the simulator accepts the
// platform's upload acknowledgements).
type DemoSet struct {
	CA, TLSCA                 Identity
	Enterprise                Identity
	PlatformSign, PlatformEnc Identity
	PlatformTLS               Identity
	Device                    Identity
	// Seal signs the invoice PDFs (电子签章): ECDSA P-256 under the transport root, since
	// PDF readers verify RSA and ECDSA but not SM2.
	Seal Identity
	// EnterpriseTLS authenticates the workstation to the platform at the TLS handshake.
	EnterpriseTLS Identity
	Authority     *sm2.PrivateKey

	taxID, machine string // the registry entry WritePlatform makes
}

// DemoOptions name the parties of a demo set.
type DemoOptions struct {
	TaxID     string        // the enterprise's 统一社会信用代码, in its certificate's serialNumber
	Machine   string        // the device's machine number, in its certificate's serialNumber
	NotBefore time.Time     // default: now less an hour
	Validity  time.Duration // default two years
}

// NewDemoSet makes a demo PKI in memory.
func NewDemoSet(o DemoOptions) (*DemoSet, error) {
	if o.NotBefore.IsZero() {
		o.NotBefore = time.Now().Add(-time.Hour)
	}
	if o.Validity == 0 {
		o.Validity = demoValidity
	}
	var d DemoSet
	var err error
	if d.CA, err = NewCA("Kaipiao demo SM2 CA", o.NotBefore, o.Validity+24*time.Hour); err != nil {
		return nil, err
	}
	leaf := func(cn, serial string, usage smx509.KeyUsage) Leaf {
		return Leaf{CommonName: cn, SerialName: serial, Usage: usage, NotBefore: o.NotBefore, Validity: o.Validity}
	}
	sign := smx509.KeyUsageDigitalSignature | smx509.KeyUsageContentCommitment
	device := leaf("Kaipiao demo tax-control device", o.Machine, sign)
	device.ExtKeyUsage = []asn1.ObjectIdentifier{OIDDeviceEKU}
	for _, p := range []struct {
		id *Identity
		l  Leaf
	}{
		{&d.Enterprise, leaf("Kaipiao demo enterprise", o.TaxID, sign)},
		{&d.PlatformSign, leaf("Kaipiao demo platform (signing)", "", sign)},
		{&d.PlatformEnc, leaf("Kaipiao demo platform (encryption)", "", smx509.KeyUsageKeyEncipherment|smx509.KeyUsageDataEncipherment|smx509.KeyUsageKeyAgreement)},
		{&d.Device, device},
	} {
		if *p.id, err = IssueSM2(d.CA, p.l); err != nil {
			return nil, err
		}
	}
	if d.TLSCA, d.PlatformTLS, err = newTLS(o.NotBefore, o.Validity); err != nil {
		return nil, err
	}
	if d.Seal, err = newSeal(d.TLSCA, o.TaxID, o.NotBefore, o.Validity); err != nil {
		return nil, err
	}
	if d.EnterpriseTLS, err = newClientTLS(d.TLSCA, o.TaxID, o.NotBefore, o.Validity); err != nil {
		return nil, err
	}
	d.Authority = taxack.DemoAuthority()
	d.taxID, d.machine = o.TaxID, o.Machine
	return &d, nil
}

// WritePlatform writes the platform's part of the set into dir (the platform's --pki
// folder), keys encrypted with passphrase: the roots, the platform's own identities, the
// authority key, and the machine registry binding the device to the enterprise. The
// enterprise's and the device's private keys are not the platform's and stay out.
func (d *DemoSet) WritePlatform(dir string, passphrase []byte) ([]string, error) {
	files, err := d.write(dir, passphrase, FilePlatformSign, FilePlatformEnc, FilePlatformTLS)
	if err != nil {
		return nil, err
	}
	for _, c := range []struct {
		base string
		id   Identity
	}{{FileEnterprise, d.Enterprise}, {FileDevice, d.Device}} {
		p := filepath.Join(dir, c.base+certSuffix)
		if err := WriteCert(p, c.id.Cert); err != nil {
			return nil, err
		}
		files = append(files, p)
	}
	auth := filepath.Join(dir, FileAuthority)
	if err := WriteKey(auth, d.Authority, passphrase); err != nil {
		return nil, err
	}
	files = append(files, auth)
	roots, err := d.writeRootKeys(dir, passphrase)
	if err != nil {
		return nil, err
	}
	files = append(files, roots...)
	if d.machine != "" && d.taxID != "" {
		reg, err := RegisterMachine(dir, d.machine, d.taxID)
		if err != nil {
			return nil, err
		}
		files = append(files, reg)
	}
	return files, nil
}

// WriteWorkstation writes the workstation's part into dir (--data/pki): the roots, the
// enterprise's identity, the device's identity, and the platform's certificates only.
func (d *DemoSet) WriteWorkstation(dir string, passphrase []byte) ([]string, error) {
	files, err := d.write(dir, passphrase, FileEnterprise, FileDevice)
	if err != nil {
		return nil, err
	}
	for _, id := range []struct {
		base string
		id   Identity
	}{{FileSeal, d.Seal}, {FileEnterpriseTLS, d.EnterpriseTLS}} {
		f, err := WriteIdentity(dir, id.base, id.id, passphrase)
		if err != nil {
			return nil, err
		}
		files = append(files, f...)
	}
	for _, c := range []struct {
		base string
		id   Identity
	}{{FilePlatformSign, d.PlatformSign}, {FilePlatformEnc, d.PlatformEnc}} {
		p := filepath.Join(dir, c.base+certSuffix)
		if err := WriteCert(p, c.id.Cert); err != nil {
			return nil, err
		}
		files = append(files, p)
	}
	return files, nil
}

func (d *DemoSet) write(dir string, passphrase []byte, identities ...string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("pki folder: %w", err)
	}
	all := map[string]Identity{FileEnterprise: d.Enterprise, FilePlatformSign: d.PlatformSign,
		FilePlatformEnc: d.PlatformEnc, FilePlatformTLS: d.PlatformTLS, FileDevice: d.Device}
	var files []string
	for _, c := range []struct {
		name string
		cert *smx509.Certificate
	}{{FileCA, d.CA.Cert}, {FileTLSCA, d.TLSCA.Cert}} {
		p := filepath.Join(dir, c.name)
		if err := WriteCert(p, c.cert); err != nil {
			return nil, err
		}
		files = append(files, p)
	}
	for _, base := range identities {
		f, err := WriteIdentity(dir, base, all[base], passphrase)
		if err != nil {
			return nil, err
		}
		files = append(files, f...)
	}
	marker := filepath.Join(dir, FileDemoMarker)
	if err := os.WriteFile(marker, []byte("demo keys: passphrase "+DemoPassphrase+" unless "+PassphraseEnv+" is set\n"), 0o644); err != nil {
		return nil, err
	}
	return append(files, marker), nil
}

// Workstation is what the workstation needs to talk to the platform.
type Workstation struct {
	Enterprise   Identity            // signs envelopes
	Roots        *smx509.CertPool    // the SM2 CA: receipts and the platform's certificates chain to it
	PlatformEnc  *smx509.Certificate // envelopes are encrypted to it
	PlatformSign *smx509.Certificate // receipts are signed with it
	TLSRoots     *x509.CertPool      // the only roots HTTPS accepts (pinned)
	// ClientTLS is the enterprise's TLS client identity (enterprise-tls), nil in a
	// folder made before it existed: the platform may then refuse at the handshake.
	ClientTLS *tls.Certificate
}

// LoadWorkstation reads a workstation PKI folder and checks every certificate at now: the
// enterprise's and the platform's must chain to the CA and be valid.
func LoadWorkstation(dir string, passphrase []byte, now time.Time) (*Workstation, error) {
	ca, err := ReadCert(filepath.Join(dir, FileCA))
	if err != nil {
		return nil, err
	}
	tlsCA, err := ReadCert(filepath.Join(dir, FileTLSCA))
	if err != nil {
		return nil, err
	}
	w := &Workstation{Roots: CertPool(ca)}
	if w.TLSRoots, err = stdPool(tlsCA); err != nil {
		return nil, err
	}
	if w.Enterprise, err = ReadIdentity(dir, FileEnterprise, passphrase, now); err != nil {
		return nil, err
	}
	if w.Enterprise.SM2() == nil {
		return nil, fmt.Errorf("%s%s: not an SM2 key", FileEnterprise, keySuffix)
	}
	if _, err := os.Stat(filepath.Join(dir, FileEnterpriseTLS+certSuffix)); err == nil {
		id, err := ReadIdentity(dir, FileEnterpriseTLS, passphrase, now)
		if err != nil {
			return nil, err
		}
		w.ClientTLS = &tls.Certificate{Certificate: [][]byte{id.Cert.Raw}, PrivateKey: id.Key}
	}
	for _, c := range []struct {
		base string
		dst  **smx509.Certificate
	}{{FileEnterprise, &w.Enterprise.Cert}, {FilePlatformEnc, &w.PlatformEnc}, {FilePlatformSign, &w.PlatformSign}} {
		cert := *c.dst
		if cert == nil {
			if cert, err = ReadCert(filepath.Join(dir, c.base+certSuffix)); err != nil {
				return nil, err
			}
		}
		if err := VerifyChain(cert, w.Roots, now); err != nil {
			return nil, fmt.Errorf("%s%s: %w", c.base, certSuffix, err)
		}
		*c.dst = cert
	}
	return w, nil
}

// VerifyChain checks that c chains to roots and is valid at now.
func VerifyChain(c *smx509.Certificate, roots *smx509.CertPool, now time.Time) error {
	if err := CheckValidity(c, now); err != nil {
		return err
	}
	if _, err := c.Verify(smx509.VerifyOptions{Roots: roots, CurrentTime: now,
		KeyUsages: []smx509.ExtKeyUsage{smx509.ExtKeyUsageAny}}); err != nil {
		return fmt.Errorf("certificate %q: %w", c.Subject.CommonName, err)
	}
	return nil
}

// Platform is the service platform's PKI.
type Platform struct {
	Sign, Enc, TLS Identity
	Roots          *smx509.CertPool // enterprises' and devices' certificates chain to it
	Authority      *sm2.PrivateKey  // the tax authority's key for device upload acknowledgements
	// ClientRoots is the transport CA, which issues the enterprises' TLS client
	// certificates; nil when the folder has none.
	ClientRoots *x509.CertPool
	// Devices are device certificates trusted as they are (a self-signed simulator's),
	// by machine number.
	Devices map[string]*smx509.Certificate
	// Registry binds each machine number to the taxpayer it was issued to (the tax
	// bureau's 发行 record): the platform takes a machine's invoices and upload packets
	// only from that taxpayer's envelopes.
	Registry map[string]string
}

// LoadPlatform reads the platform's PKI folder: the CA, its signing, encryption and TLS
// identities, the authority key, and the trusted device certificates in devices/*.crt
// (named after the machine number).
func LoadPlatform(dir string, passphrase []byte, now time.Time) (*Platform, error) {
	ca, err := ReadCert(filepath.Join(dir, FileCA))
	if err != nil {
		return nil, err
	}
	p := &Platform{Roots: CertPool(ca), Devices: map[string]*smx509.Certificate{}}
	if p.Registry, err = ReadRegistry(dir); err != nil {
		return nil, err
	}
	for _, c := range []struct {
		base string
		dst  *Identity
	}{{FilePlatformSign, &p.Sign}, {FilePlatformEnc, &p.Enc}, {FilePlatformTLS, &p.TLS}} {
		if *c.dst, err = ReadIdentity(dir, c.base, passphrase, now); err != nil {
			return nil, err
		}
	}
	if tlsCA, err := ReadCert(filepath.Join(dir, FileTLSCA)); err == nil {
		if p.ClientRoots, err = stdPool(tlsCA); err != nil {
			return nil, err
		}
	}
	key, err := ReadKey(filepath.Join(dir, FileAuthority), passphrase)
	if err != nil {
		return nil, err
	}
	if p.Authority, _ = key.(*sm2.PrivateKey); p.Authority == nil {
		return nil, fmt.Errorf("%s: not an SM2 key", FileAuthority)
	}
	entries, err := os.ReadDir(filepath.Join(dir, DirDevices))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		if machine, ok := strings.CutSuffix(e.Name(), certSuffix); ok {
			if p.Devices[machine], err = ReadCert(filepath.Join(dir, DirDevices, e.Name())); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

// TrustDevice writes a device certificate into the platform's devices/ folder, so that a
// platform started on dir verifies that machine's invoices with it. The machine must
// also be registered (RegisterMachine) to the taxpayer whose invoices it seals.
func TrustDevice(dir, machine string, certDER []byte) (string, error) {
	if !invoice.ValidMachine(machine) {
		return "", fmt.Errorf("machine number %s: must be 12 digits", invoice.Quote(machine))
	}
	c, err := smx509.ParseCertificate(certDER)
	if err != nil {
		return "", fmt.Errorf("device %s certificate: %w", machine, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, DirDevices), 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, DirDevices, machine+certSuffix)
	return path, WriteCert(path, c)
}
