package main

import (
	"context"
	"errors"
	"fmt"

	"os"
	"path/filepath"

	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/workstation"
)

func init() {
	commands["store"] = command{
		usage: "store check | store repair",
		brief: "check the data file page by page; rebuild a damaged one from what is readable, the device's journal and the platform",
		run:   runStore,
	}
}

func runStore(e *env, args []string) int {
	if len(args) != 1 || (args[0] != "check" && args[0] != "repair") {
		fmt.Fprintf(e.stderr, "usage: kaipiaoctl %s\n", commands["store"].usage)
		return exitUsage
	}
	if args[0] == "repair" {
		return storeRepair(e)
	}
	db, err := workstation.OpenStore(e.data)
	if errors.Is(err, store.ErrDamaged) {
		// Refused at open: the rest of what is wrong comes from reading the file page by
		// page, without opening it as a store.
		problems := []store.Problem{{What: err.Error()}}
		if more, cerr := store.CheckFile(filepath.Join(e.data, workstation.StoreFile)); cerr == nil {
			problems = append(problems, more...)
		}
		writeJSON(e.stdout, map[string]any{"sound": false, "problems": problems}, true)
		fmt.Fprintf(e.stderr, "kaipiaoctl store check: %v\n", err)
		return exitRefused
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl store check: %v\n", err)
		return exitUsage
	}
	defer db.Close()
	problems, err := db.Check()
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl store check: %v\n", err)
		return exitUsage
	}
	writeJSON(e.stdout, map[string]any{"sound": len(problems) == 0, "problems": problems}, true)
	if len(problems) > 0 {
		fmt.Fprintf(e.stderr, "kaipiaoctl store check: %d problem(s); `kaipiaoctl store repair` rebuilds the file (the damaged one is kept)\n", len(problems))
		return exitRefused
	}
	return exitOK
}

// storeRepair rebuilds the data file; on a workstation with operators it needs an
// administrator's credentials, checked against the operators salvaged from the file.
func storeRepair(e *env) int {
	e.need = store.RoleAdmin
	authorize := func(db *store.DB) (string, error) {
		if err := authenticate(e, db); err != nil {
			return "", err
		}
		return e.operator, nil
	}
	rep, err := workstation.RepairStore(context.Background(), workstation.Config{Data: e.data, Device: e.device,
		PIN: os.Getenv("KAIPIAO_DEVICE_PIN"), Log: e.stderr}, authorize)
	if rep.KeptAs != "" {
		writeJSON(e.stdout, rep, true)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl store repair: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "the data file is rebuilt; the damaged one is kept as %s. Run `kaipiaoctl sync --once` to get the platform's receipts again.\n", rep.KeptAs)
	return exitOK
}
