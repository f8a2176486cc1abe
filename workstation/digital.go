package workstation

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/digital"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/upload"
)

// The digital channel's wiring (docs/digital.md): the data folder's channel is saved in
// its store; a digital folder's engine issues through package digital's software device
// (digital.db beside the store), signing with the enterprise's certificate, and has no
// device to connect.

// chooseChannel is the channel the folder uses: cfg.Channel when given (saved for the
// next run), else the one saved, else the device.
func chooseChannel(db *store.DB, cfg Config) (string, error) {
	if cfg.Channel != "" {
		if err := db.SetChannel(cfg.Channel, cfg.Operator); err != nil {
			return "", err
		}
		return cfg.Channel, nil
	}
	return db.Channel()
}

// enterpriseSigner loads the enterprise's SM2 key from the data folder's PKI, and the
// tax ID its certificate names.
func enterpriseSigner(data string) (device.Signer, string, error) {
	dir := filepath.Join(data, PKIDir)
	pass, err := pki.Passphrase(dir)
	if err != nil {
		return nil, "", fmt.Errorf("%w (%v)", ErrNoPKI, err)
	}
	// The enterprise's identity alone: every key file costs a scrypt to open.
	id, err := pki.ReadIdentity(dir, pki.FileEnterprise, pass, time.Now())
	if err != nil {
		return nil, "", fmt.Errorf("the enterprise's key in %s: %w", dir, err)
	}
	if id.SM2() == nil {
		return nil, "", fmt.Errorf("the enterprise's key in %s is not SM2", dir)
	}
	return device.SM2Signer{Key: id.SM2()}, id.Cert.Subject.SerialNumber, nil
}

// openDigital opens the digital channel's file and gives the engine to it.
func (w *Workstation) openDigital(cfg Config) error {
	ch, err := digital.Open(cfg.Data, nil)
	if err != nil {
		return err
	}
	w.Digital = ch
	w.Channel = store.ChannelDigital
	w.Engine.Device = ch
	w.Engine.Digital = true
	w.Limits, _ = ch.Limits(context.Background())
	return nil
}

// startDigital is the digital folder's counterpart of the device's connection: the
// enterprise's key for signing, the seller checked against its certificate, and the
// start-up reconciliation with the channel's journal.
func (w *Workstation) startDigital(ctx context.Context, cfg Config, reconcile, strict bool) error {
	signer, taxID, err := enterpriseSigner(cfg.Data)
	if err != nil && strict {
		return fmt.Errorf("the digital channel signs with the enterprise's certificate: %w", err)
	}
	w.Digital.Signer = signer
	seller := w.Engine.Seller
	switch {
	case seller.Name == "" && strict:
		return errors.New("the seller is not set: run `kaipiaoctl seller set --name NAME --tax-id ID` first")
	case seller.TaxID != "" && taxID != "" && seller.TaxID != taxID:
		return invoice.NewProblem(nil, "digital.seller_mismatch", invoice.Args{"seller": seller.TaxID, "cert": taxID}, nil)
	}
	if !reconcile {
		return nil
	}
	rep, err := w.Engine.Reconcile(ctx, false)
	if err != nil {
		return fmt.Errorf("reconciling with the digital channel's journal: %w", err)
	}
	if len(rep.Mismatches) > 0 {
		return fmt.Errorf("the digital channel and the store disagree (run `kaipiaoctl reconcile` for the report): %v", rep.Mismatches)
	}
	if (rep.ResolvedIntents > 0 || rep.Imported > 0) && cfg.Log != nil {
		fmt.Fprintf(cfg.Log, "kaipiao: recovered from an interrupted run: %d open request(s) resolved with the digital channel, %d invoice(s) imported from its journal\n",
			rep.ResolvedIntents, rep.Imported)
	}
	return nil
}

// DigitalStatus is what the digital channel holds, with the invoices not yet
// acknowledged by the platform.
func (w *Workstation) DigitalStatus() (digital.Status, error) {
	if w.Digital == nil {
		return digital.Status{}, ErrNotDigital
	}
	queued, _, err := w.Store.PendingCount()
	if err != nil {
		return digital.Status{}, err
	}
	return w.Digital.Status(queued)
}

var _ invoice.Channel = (*digital.Channel)(nil)

// digitalState is the home screen's view of the digital channel.
func (w *Workstation) digitalState(ctx context.Context) (ChannelState, error) {
	st, err := w.Digital.State()
	if err != nil {
		return ChannelState{}, err
	}
	h, err := w.Digital.Headroom(ctx)
	if err != nil {
		return ChannelState{}, err
	}
	period := digital.Period(h.Now)
	v := ChannelState{Digital: true, StockLeft: st.NumbersHeld(), Period: period, UploadDeadline: st.UploadDeadline,
		Locks: h.Locks}
	if q := st.Quota[period]; q != nil {
		v.QuotaHeld, v.QuotaUsed = q.Held, q.Used
	}
	if len(st.Held) > 0 {
		v.NextNumber = st.Held[0].First
	}
	if st.NumbersHeld() == 0 {
		v.Locks = append(v.Locks, invoice.Said{Key: "digital.no_numbers"})
	}
	return v, nil
}

// ErrNotDigital: the folder issues through a tax-control device.
var ErrNotDigital = errors.New("this data folder issues through a tax-control device (--channel digital switches it)")

// ErrNoPlatform: no platform is configured, so nothing can be fetched or given back.
var ErrNoPlatform = errors.New("no platform configured: set its address in the settings (or --platform)")

// DigitalFetch asks the platform for numbers and quota (the home screen's 获取号码和额度),
// through the attached sync, and returns what the channel holds then.
func (s *Service) DigitalFetch(ctx context.Context, numbers int, quota invoice.Money) (digital.Status, error) {
	if s.w.Digital == nil {
		return digital.Status{}, ErrNotDigital
	}
	sy := s.syncer()
	if sy == nil {
		return digital.Status{}, ErrNoPlatform
	}
	if _, err := s.w.Digital.Fetch(ctx, sy, numbers, quota); err != nil {
		return digital.Status{}, err
	}
	return s.w.DigitalStatus()
}

// DigitalReturn gives back the numbers and quota the workstation holds unused.
func (s *Service) DigitalReturn(ctx context.Context) (upload.DigitalReturnAnswer, error) {
	if s.w.Digital == nil {
		return upload.DigitalReturnAnswer{}, ErrNotDigital
	}
	sy := s.syncer()
	if sy == nil {
		return upload.DigitalReturnAnswer{}, ErrNoPlatform
	}
	return s.w.Digital.Return(ctx, sy)
}

// DigitalStatus is what the digital channel holds (nil error only on a digital folder).
func (s *Service) DigitalStatus() (digital.Status, error) { return s.w.DigitalStatus() }
