package workstation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/upload"
)

// PKIDir is the workstation's certificates and keys inside the data folder.
const PKIDir = "pki"

// ErrNoPKI: the data folder has no certificates yet, so nothing can be signed for the
// platform; invoices stay queued.
var ErrNoPKI = errors.New("no certificates: run `kaipiaoctl pki init DIR` for a demo set, or `kaipiaoctl pki import`")

// loadKeys loads the enterprise's keys from the data folder's PKI (ErrNoPKI when it has
// no passphrase to open them with): what the sync and the slip client sign with.
func loadKeys(data string) (*pki.Workstation, error) {
	dir := filepath.Join(data, PKIDir)
	pass, err := pki.Passphrase(dir)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNoPKI, err)
	}
	keys, err := pki.LoadWorkstation(dir, pass, time.Now())
	if err != nil {
		return nil, fmt.Errorf("the keys in %s: %w", dir, err)
	}
	return keys, nil
}

// Syncer builds the background sync with the platform at url: the enterprise's keys
// from the data folder, the outbox, and the device for the tax-authority relay. A
// warning about a certificate near its expiry goes to log; onPass, when not nil, hears
// of every pass of the background loop.
func (w *Workstation) Syncer(ctx context.Context, data, url string, log io.Writer, onPass func(upload.Counts, error)) (*upload.Syncer, error) {
	w.platform = url
	keys, err := loadKeys(data)
	if err != nil {
		return nil, err
	}
	if c := keys.Enterprise.Cert; pki.ExpiresSoon(c, time.Now()) && log != nil {
		fmt.Fprintf(log, "kaipiao: warning: the enterprise's certificate expires on %s: renew it\n", c.NotAfter.Format(time.DateOnly))
	}
	if w.Digital != nil {
		// No device: nothing to relay; the invoices carry the enterprise's signature.
		return upload.New(upload.Config{Store: w.Store, PKI: keys, URL: url, OnPass: onPass})
	}
	// The device's certificate as last read from it (kept in the data folder), so that
	// what is queued still syncs while the device is away; the relay waits for it.
	cert, err := os.ReadFile(filepath.Join(data, DeviceCertFile))
	if err != nil {
		return nil, fmt.Errorf("the device's certificate (read at its first connection): %w", err)
	}
	return upload.New(upload.Config{Store: w.Store, PKI: keys, URL: url, Device: w.Link, DeviceCert: cert,
		OnPass: onPass})
}

// DemoPKI makes a demo certificate set for the device this workstation drives (its
// machine number and the enterprise's tax ID come from the device), writes the
// platform's part into platformDir (for `kaipiao-platform --pki`), registers the device's
// own certificate with it, and installs the workstation's part in the data folder. Keys
// are encrypted with KAIPIAO_KEY_PASSPHRASE, or the demo passphrase when
// KAIPIAO_DEMO_KEYS=1 (make run's folder).
func DemoPKI(ctx context.Context, client *device.Client, data, platformDir string) ([]string, error) {
	st, err := client.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("the device's status: %w", err)
	}
	caps, err := client.Caps(ctx)
	if err != nil {
		return nil, fmt.Errorf("the device's certificate: %w", err)
	}
	set, err := pki.NewDemoSet(pki.DemoOptions{TaxID: st.SellerTaxID, Machine: st.Machine})
	if err != nil {
		return nil, err
	}
	var pass []byte
	switch {
	case os.Getenv(pki.PassphraseEnv) != "":
		pass = []byte(os.Getenv(pki.PassphraseEnv))
	case os.Getenv(pki.DemoKeysEnv) == "1":
		pass = []byte(pki.DemoPassphrase)
	default:
		return nil, fmt.Errorf("demo certificates: set %s (or %s=1 for make run's demo folder): %w",
			pki.PassphraseEnv, pki.DemoKeysEnv, pki.ErrNoPassphrase)
	}
	files, err := set.WritePlatform(platformDir, pass)
	if err != nil {
		return nil, err
	}
	trusted, err := pki.TrustDevice(platformDir, st.Machine, caps.Certificate)
	if err != nil {
		return nil, err
	}
	ws, err := set.WriteWorkstation(filepath.Join(data, PKIDir), pass)
	if err != nil {
		return nil, err
	}
	return append(append(files, trusted), ws...), nil
}

// ReadConnection reads the saved device and platform from a data folder that is not
// open yet (the program needs the device address to open it).
func ReadConnection(data string) (store.Connection, error) {
	if _, err := os.Stat(filepath.Join(data, StoreFile)); errors.Is(err, os.ErrNotExist) {
		return store.Connection{}, nil
	}
	db, err := OpenStore(data)
	if err != nil {
		return store.Connection{}, err
	}
	defer db.Close()
	return db.Connection()
}

// ImportPKI installs a real certificate and its key as the enterprise's, the seal's or the
// device's identity (name: pki.FileEnterprise, FileSeal or FileDevice). keyPass opens an
// encrypted key file; the stored key is encrypted with KAIPIAO_KEY_PASSPHRASE, which must
// be set: real keys are never stored under the demo passphrase.
func ImportPKI(data, name, certFile, keyFile string, keyPass []byte) ([]string, error) {
	switch name {
	case pki.FileEnterprise, pki.FileSeal, pki.FileDevice, pki.FileEnterpriseTLS:
	default:
		return nil, fmt.Errorf("identity %q: enterprise, enterprise-tls, seal or device", name)
	}
	out := os.Getenv(pki.PassphraseEnv)
	if out == "" {
		return nil, fmt.Errorf("set %s first: real keys are never stored under the demo passphrase", pki.PassphraseEnv)
	}
	return pki.Import(filepath.Join(data, PKIDir), name, certFile, keyFile, keyPass, []byte(out), time.Now())
}
