package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
)

// storeFile is the workstation's bbolt file inside the --data folder.
const storeFile = "kaipiao.db"

// demoSellerName names the seller on a fresh data folder driven by the built-in
// simulator, so that `make run` can issue at once; a real device needs `seller set`.
const demoSellerName = "厦门开票示范科技有限公司"

// openStore opens the workstation's store, telling the clerk plainly when another
// window has it.
func openStore(e *env) (*store.DB, error) {
	db, err := store.Open(filepath.Join(e.data, storeFile), store.Options{})
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("the workstation's data in %s is open in another Kaipiao window or command; close it and try again", e.data)
	}
	return db, err
}

// workstation is the engine with its store and device, for the commands that issue.
type workstation struct {
	db     *store.DB
	client *device.Client
	engine *invoice.Engine
	close  func()
}

// openWorkstation opens the store, connects the device (verifying its PIN), and runs
// the start-up reconciliation, as the desktop program does (unless reconcile is false:
// the reconcile command makes its own, full pass).
func openWorkstation(ctx context.Context, e *env, reconcile bool) (*workstation, error) {
	db, err := openStore(e)
	if err != nil {
		return nil, err
	}
	client, closeDevice, err := connectDevice(ctx, e)
	if err != nil {
		db.Close()
		return nil, err
	}
	w := &workstation{db: db, client: client, close: func() { closeDevice(); db.Close() }}
	if err := w.setUp(ctx, e, reconcile); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *workstation) setUp(ctx context.Context, e *env, reconcile bool) error {
	pin := os.Getenv("KAIPIAO_DEVICE_PIN")
	if pin == "" && e.device == "sim" {
		pin = sim.DefaultPIN
	}
	if pin == "" {
		return errors.New("the device needs its PIN: set KAIPIAO_DEVICE_PIN")
	}
	if err := w.client.VerifyPIN(ctx, pin); err != nil {
		return fmt.Errorf("verifying the device PIN: %w", err)
	}
	seller, err := w.db.Seller()
	if err != nil {
		return err
	}
	if seller.Name == "" {
		if e.device != "sim" {
			return errors.New("the seller is not set: run `kaipiaoctl seller set --name NAME --tax-id ID` first")
		}
		st, err := w.client.Status(ctx)
		if err != nil {
			return err
		}
		seller = invoice.Party{Name: demoSellerName, TaxID: st.SellerTaxID,
			AddressPhone: "厦门市思明区软件园二期 0592-0000000", BankAccount: "中国银行厦门分行 0000000000000"}
		if err := w.db.SetSeller(seller, "kaipiaoctl"); err != nil {
			return err
		}
	}
	codes, err := loadTaxCodes()
	if err != nil {
		return err
	}
	operator := os.Getenv("KAIPIAO_OPERATOR")
	if operator == "" {
		operator = "kaipiaoctl"
	}
	w.engine = &invoice.Engine{Device: device.EngineDevice{Client: w.client}, Store: w.db, Codes: codes,
		Seller: seller, Operator: operator}
	if !reconcile {
		return nil
	}
	rep, err := w.engine.Reconcile(ctx, false)
	if err != nil {
		return fmt.Errorf("reconciling with the device at start-up: %w", err)
	}
	if len(rep.Mismatches) > 0 {
		return fmt.Errorf("the device and the store disagree (run `kaipiaoctl reconcile` for the report): %v", rep.Mismatches)
	}
	if rep.ResolvedIntents > 0 || rep.Imported > 0 {
		fmt.Fprintf(e.stderr, "kaipiaoctl: recovered from an interrupted run: %d open request(s) resolved with the device, %d invoice(s) imported from its journal\n",
			rep.ResolvedIntents, rep.Imported)
	}
	return nil
}

// refusal prints an engine or device error for the clerk and returns the exit status:
// 1 for rule and device refusals, 2 for anything that is the environment's fault.
func refusal(e *env, what string, err error) int {
	var errs invoice.Errors
	switch {
	case errors.As(err, &errs):
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: %v\n", what, errs)
		return exitRefused
	case errors.Is(err, invoice.ErrRefused), errors.Is(err, invoice.ErrNumberMismatch),
		errors.Is(err, invoice.ErrOrderChanged), errors.Is(err, invoice.ErrBlueNotFound):
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: refused: %v\n", what, err)
		return exitRefused
	case errors.Is(err, invoice.ErrOutcomeUnknown):
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: %v\nThe device may have issued it; run `kaipiaoctl reconcile` once the device answers.\n", what, err)
		return exitRefused
	}
	if errors.Is(err, syscall.ENOSPC) {
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: the disk holding %s is full: %v\n"+
			"Free some space and run the command again: what the device issued meanwhile is recovered from its journal.\n",
			what, e.data, err)
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "kaipiaoctl %s: %v\n", what, err)
	return exitUsage
}
