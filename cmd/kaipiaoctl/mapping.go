package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/orderfile"
	"github.com/kaipiao/kaipiao/workstation"
)

func init() {
	commands["mapping"] = command{
		usage: "mapping [NAME] | mapping set NAME FILE.json | mapping delete NAME",
		brief: "import column mappings: a file's headers → the columns of docs/order.md",
		run:   runMapping,
	}
}

// runMapping lists, shows, saves or deletes the saved column mappings. A mapping file is
// a JSON object {"客户名称": "buyer_name", ...}; it is checked before it is saved.
func runMapping(e *env, args []string) int {
	svc, done, err := openStoreService(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl mapping: %v\n", err)
		return exitUsage
	}
	defer done()
	switch {
	case len(args) == 0:
		names, err := svc.ColumnMappings()
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl mapping: %v\n", err)
			return exitUsage
		}
		writeJSON(e.stdout, append([]string{}, names...), false)
	case len(args) == 1:
		m, err := svc.ColumnMapping(args[0])
		if errors.Is(err, workstation.ErrNotFound) {
			fmt.Fprintf(e.stderr, "kaipiaoctl mapping: no mapping named %q\n", args[0])
			return exitRefused
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl mapping: %v\n", err)
			return exitUsage
		}
		writeJSON(e.stdout, m, true)
	case len(args) == 3 && args[0] == "set":
		data, err := os.ReadFile(args[2])
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl mapping set: %v\n", err)
			return exitUsage
		}
		var m orderfile.Mapping
		if err := json.Unmarshal(data, &m); err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl mapping set: %s is not a JSON object of header → column: %v\n", args[2], err)
			return exitRefused
		}
		if errs := m.Check(); len(errs) > 0 {
			writeJSON(e.stdout, map[string]invoice.Errors{"errors": errs}, false)
			return exitRefused
		}
		if err := svc.SetColumnMapping(args[1], m); err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl mapping set: %v\n", err)
			return exitUsage
		}
	case len(args) == 2 && args[0] == "delete":
		if err := svc.SetColumnMapping(args[1], nil); err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl mapping delete: %v\n", err)
			return exitUsage
		}
	default:
		fmt.Fprintf(e.stderr, "usage: kaipiaoctl %s\n", commands["mapping"].usage)
		return exitUsage
	}
	return exitOK
}
