package workstation

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
)

// RepairReport is what RepairStore did.
type RepairReport struct {
	KeptAs    string                   `json:"kept_as"` // the damaged file, kept aside
	Salvaged  store.SalvageReport      `json:"salvaged"`
	Reconcile *invoice.ReconcileReport `json:"reconcile,omitempty"`
}

// RepairStore rebuilds a damaged data file: what is readable is salvaged into a new file
// (store.Salvage), authorize is asked whether the caller may (it gets the new store: the
// damaged one cannot be trusted with credentials), the damaged file is kept aside as
// kaipiao.db.damaged-<time> and the new one takes its place; then the device's journal
// fills in every invoice the salvage could not read (reconciliation from the first
// record), and the next sync gets the platform's receipts for them again (it keeps them
// and answers a re-sent invoice with the receipt it gave).
func RepairStore(ctx context.Context, cfg Config, authorize func(*store.DB) (string, error)) (RepairReport, error) {
	var rep RepairReport
	path := filepath.Join(cfg.Data, StoreFile)
	if _, err := os.Stat(path); err != nil {
		return rep, fmt.Errorf("no data file to repair: %w", err)
	}
	fresh := path + ".repairing"
	if err := os.Remove(fresh); err != nil && !errors.Is(err, os.ErrNotExist) {
		return rep, err
	}
	key, err := AuditKey(cfg.Data)
	if err != nil {
		return rep, err
	}
	db, err := store.Open(fresh, store.Options{AuditKey: key})
	if err != nil {
		return rep, err
	}
	operator, err := authorizeAfterSalvage(db, path, authorize, &rep)
	db.Close()
	if err != nil {
		os.Remove(fresh)
		return rep, err
	}
	rep.KeptAs = fmt.Sprintf("%s.damaged-%s", path, time.Now().UTC().Format("20060102T150405Z"))
	if err := os.Rename(path, rep.KeptAs); err != nil {
		return rep, err
	}
	if err := os.Rename(fresh, path); err != nil {
		return rep, err
	}
	cfg.Operator = operator
	w, err := Open(ctx, cfg, false)
	if err != nil {
		return rep, fmt.Errorf("the new data file is in place; the device's journal was not read: %w (run `kaipiaoctl reconcile` once the device answers)", err)
	}
	defer w.Close()
	r, err := w.Engine.Reconcile(ctx, true)
	rep.Reconcile = &r
	return rep, err
}

// authorizeAfterSalvage salvages first: the operators, to check the caller against, are
// known only then.
func authorizeAfterSalvage(db *store.DB, damaged string, authorize func(*store.DB) (string, error), rep *RepairReport) (string, error) {
	var err error
	if rep.Salvaged, err = db.Salvage(damaged, "store repair"); err != nil {
		return "", err
	}
	return authorize(db)
}
