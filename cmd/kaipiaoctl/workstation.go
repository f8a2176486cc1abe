package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/workstation"
)

// openStore opens the workstation's store, telling the clerk plainly when another
// window has it, and checks the caller's credentials when the command needs them.
func openStore(e *env) (*store.DB, error) {
	db, err := workstation.OpenStore(e.data)
	if err != nil {
		return nil, err
	}
	if err := authenticate(e, db); err != nil {
		db.Close()
		return nil, err
	}
	if e.channel != "" { // --channel is saved in the folder by whichever command gets it
		if err := db.SetChannel(e.channel, e.operator); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// openWorkstation opens the data folder's workstation for the commands that issue, as
// the operator the credentials prove (the audit log's operator and the default 开票人).
func openWorkstation(ctx context.Context, e *env, reconcile bool) (*workstation.Workstation, error) {
	// Checked before the device is touched: a refused caller reconciles nothing either.
	db, err := openStore(e)
	if err != nil {
		return nil, err
	}
	db.Close()
	return workstation.Open(ctx, workstation.Config{Data: e.data, Device: e.device, PIN: os.Getenv("KAIPIAO_DEVICE_PIN"),
		Operator: e.operator, Channel: e.channel, Log: e.stderr}, reconcile)
}

// connectDevice reaches the --device of the command line.
func connectDevice(ctx context.Context, e *env) (*device.Client, func(), error) {
	return workstation.ConnectDevice(ctx, e.data, e.device)
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
