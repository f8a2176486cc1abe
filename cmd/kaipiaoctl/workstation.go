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

// openService is the application service over the data folder's workstation with its
// device, for the commands that issue (see openWorkstation).
func openService(ctx context.Context, e *env, reconcile bool) (*workstation.Service, error) {
	w, err := openWorkstation(ctx, e, reconcile)
	if err != nil {
		return nil, err
	}
	return workstation.NewService(w), nil
}

// openStoreService is the application service over the data folder's store alone (no
// device), acting for the operator the credentials prove, for the commands that read or
// keep data. done closes it.
func openStoreService(e *env) (svc *workstation.Service, done func(), err error) {
	db, err := openStore(e)
	if err != nil {
		return nil, nil, err
	}
	w, err := workstation.WithStore(e.data, db, operatorName(e))
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return workstation.NewService(w), func() { w.Close(); db.Close() }, nil
}

// connectDevice reaches the --device of the command line.
func connectDevice(ctx context.Context, e *env) (*device.Client, func(), error) {
	return workstation.ConnectDevice(ctx, e.data, e.device)
}

// refusal prints an engine or device error for the clerk and returns the exit status:
// 1 for rule and device refusals, 2 for anything that is the environment's fault.
func refusal(e *env, what string, err error) int {
	// Which errors are refusals is decided in one place (invoice.Refusal), as the
	// window's wording is (invoice.Explain).
	var errs invoice.Errors
	switch invoice.Refusal(err) {
	case invoice.RefusedRules:
		errors.As(err, &errs)
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: %v\n", what, errs)
		return exitRefused
	case invoice.RefusedByDevice:
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: refused: %v\n", what, err)
		return exitRefused
	case invoice.RefusedUnknown:
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: %v\n%s\n", what, err, invoice.Say(invoice.English, "hint.reconcile", nil))
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
