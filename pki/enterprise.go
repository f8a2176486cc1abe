package pki

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/emmansun/gmsm/smx509"
	"github.com/kaipiao/kaipiao/invoice"
)

// A demo set keeps its two roots' keys in the platform's folder (FileCAKey,
// FileTLSCAKey), encrypted like every key, so that AddEnterprise can issue a second
// enterprise's certificates under the same roots: the buyer of a confirmation slip is
// another enterprise talking to the same platform. A real deployment's roots are the
// tax authority's and never in this folder.
const (
	FileCAKey    = "ca.key"
	FileTLSCAKey = "tls-ca.key"
	// DirEnterprises holds the certificates of the enterprises AddEnterprise made, by tax ID.
	DirEnterprises = "enterprises"
)

// writeRootKeys writes the roots' keys into a demo set's platform folder.
func (d *DemoSet) writeRootKeys(dir string, passphrase []byte) ([]string, error) {
	var files []string
	for _, k := range []struct {
		name string
		id   Identity
	}{{FileCAKey, d.CA}, {FileTLSCAKey, d.TLSCA}} {
		p := filepath.Join(dir, k.name)
		if err := WriteKey(p, k.id.Key, passphrase); err != nil {
			return nil, err
		}
		files = append(files, p)
	}
	return files, nil
}

// readRoot reads a root's certificate and key from a demo platform folder.
func readRoot(dir, certName, keyName string, passphrase []byte, now time.Time) (Identity, error) {
	cert, err := ReadCert(filepath.Join(dir, certName))
	if err != nil {
		return Identity{}, err
	}
	if _, err := os.Stat(filepath.Join(dir, keyName)); err != nil {
		return Identity{}, fmt.Errorf("%s has no %s: it is not a demo set made by this version (run `kaipiaoctl pki init` again): %w", dir, keyName, err)
	}
	key, err := ReadKey(filepath.Join(dir, keyName), passphrase)
	if err != nil {
		return Identity{}, err
	}
	if !samePublic(cert.PublicKey, key.Public()) {
		return Identity{}, fmt.Errorf("%s and %s: the key does not belong to the certificate", certName, keyName)
	}
	if err := CheckValidity(cert, now); err != nil {
		return Identity{}, err
	}
	return Identity{Cert: cert, Key: key}, nil
}

// AddEnterprise issues another enterprise's identities under the roots of the demo set
// in platformDir — its SM2 signing certificate, its TLS client certificate and its PDF
// seal, each naming taxID — and installs them in wsDir (that enterprise's --data/pki)
// with the roots and the platform's certificates, keys encrypted with passphrase. The
// platform needs no restart: it trusts whatever chains to its roots.
func AddEnterprise(platformDir, wsDir, taxID, name string, passphrase []byte, now time.Time) ([]string, error) {
	if !invoice.ValidTaxIDForm(taxID) {
		return nil, fmt.Errorf("tax ID %q: 15 to 20 digits and capital letters", taxID)
	}
	if name == "" {
		return nil, fmt.Errorf("the enterprise's name is required")
	}
	ca, err := readRoot(platformDir, FileCA, FileCAKey, passphrase, now)
	if err != nil {
		return nil, err
	}
	tlsCA, err := readRoot(platformDir, FileTLSCA, FileTLSCAKey, passphrase, now)
	if err != nil {
		return nil, err
	}
	notBefore := now.Add(-time.Hour)
	validity := min(demoValidity, ca.Cert.NotAfter.Sub(notBefore))
	ent, err := IssueSM2(ca, Leaf{CommonName: name, SerialName: taxID,
		Usage: smx509.KeyUsageDigitalSignature | smx509.KeyUsageContentCommitment, NotBefore: notBefore, Validity: validity})
	if err != nil {
		return nil, err
	}
	clientTLS, err := newClientTLS(tlsCA, taxID, notBefore, validity)
	if err != nil {
		return nil, err
	}
	seal, err := newSeal(tlsCA, taxID, notBefore, validity)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(wsDir, 0o700); err != nil {
		return nil, fmt.Errorf("pki folder: %w", err)
	}
	var files []string
	for _, c := range []string{FileCA, FileTLSCA, FilePlatformSign + certSuffix, FilePlatformEnc + certSuffix} {
		cert, err := ReadCert(filepath.Join(platformDir, c))
		if err != nil {
			return nil, err
		}
		p := filepath.Join(wsDir, c)
		if err := WriteCert(p, cert); err != nil {
			return nil, err
		}
		files = append(files, p)
	}
	for _, id := range []struct {
		base string
		id   Identity
	}{{FileEnterprise, ent}, {FileEnterpriseTLS, clientTLS}, {FileSeal, seal}} {
		f, err := WriteIdentity(wsDir, id.base, id.id, passphrase)
		if err != nil {
			return nil, err
		}
		files = append(files, f...)
	}
	marker := filepath.Join(wsDir, FileDemoMarker)
	if err := os.WriteFile(marker, []byte("demo keys: passphrase "+DemoPassphrase+" unless "+PassphraseEnv+" is set\n"), 0o644); err != nil {
		return nil, err
	}
	files = append(files, marker)
	if err := os.MkdirAll(filepath.Join(platformDir, DirEnterprises), 0o700); err != nil {
		return nil, err
	}
	rec := filepath.Join(platformDir, DirEnterprises, taxID+certSuffix)
	if err := WriteCert(rec, ent.Cert); err != nil {
		return nil, err
	}
	return append(files, rec), nil
}
