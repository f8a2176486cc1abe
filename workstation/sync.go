package workstation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	ksync "github.com/kaipiao/kaipiao/sync"
)

// PKIDir is the workstation's certificates and keys inside the data folder.
const PKIDir = "pki"

// ErrNoPKI: the data folder has no certificates yet, so nothing can be signed for the
// platform; invoices stay queued.
var ErrNoPKI = errors.New("no certificates: run `kaipiaoctl pki init DIR` for a demo set, or `kaipiaoctl pki import`")

// Syncer builds the background sync with the platform at url: the enterprise's keys
// from the data folder, the outbox, and the device for the tax-authority relay. A
// warning about a certificate near its expiry goes to log; onPass, when not nil, hears
// of every pass of the background loop.
func (w *Workstation) Syncer(ctx context.Context, data, url string, log io.Writer, onPass func(ksync.Counts, error)) (*ksync.Syncer, error) {
	dir := filepath.Join(data, PKIDir)
	pass, err := ksync.Passphrase(dir)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNoPKI, err)
	}
	pki, err := ksync.LoadWorkstation(dir, pass, time.Now())
	if err != nil {
		return nil, fmt.Errorf("the keys in %s: %w", dir, err)
	}
	if c := pki.Enterprise.Cert; ksync.ExpiresSoon(c, time.Now()) && log != nil {
		fmt.Fprintf(log, "kaipiao: warning: the enterprise's certificate expires on %s: renew it\n", c.NotAfter.Format(time.DateOnly))
	}
	caps, err := w.Client.Caps(ctx)
	if err != nil {
		return nil, fmt.Errorf("the device's certificate: %w", err)
	}
	return ksync.New(ksync.Config{Store: w.Store, PKI: pki, URL: url, Device: w.Client, DeviceCert: caps.Certificate,
		OnPass: onPass})
}
