package main

import (
	"errors"
	"fmt"

	"github.com/kaipiao/kaipiao/store"
)

func init() {
	commands["audit"] = command{
		usage: "audit verify",
		brief: "verify the audit log: its chain, its seals (the key outside the data folder) and the platform's last anchor",
		run:   runAudit,
	}
}

func runAudit(e *env, args []string) int {
	if len(args) != 1 || args[0] != "verify" {
		fmt.Fprintf(e.stderr, "usage: kaipiaoctl %s\n", commands["audit"].usage)
		return exitUsage
	}
	db, err := openStore(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl audit: %v\n", err)
		return exitUsage
	}
	defer db.Close()
	n, err := db.VerifyAudit()
	seq, hash, _ := db.AuditHead()
	out := map[string]any{"entries": n, "head_seq": seq, "head_hash": hash, "intact": err == nil}
	if err != nil {
		out["problem"] = err.Error()
	}
	writeJSON(e.stdout, out, true)
	if errors.Is(err, store.ErrAuditBroken) {
		fmt.Fprintf(e.stderr, "kaipiaoctl audit verify: %v\n", err)
		return exitRefused
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl audit verify: %v\n", err)
		return exitUsage
	}
	return exitOK
}
