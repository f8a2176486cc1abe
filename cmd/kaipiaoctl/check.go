package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/orderfile"
)

func init() {
	commands["check"] = command{
		usage: "check [--merge-by-buyer] FILE",
		brief: "validate and compute orders (.json, .csv, .xlsx; - for stdin), touching no device or store",
		run:   runCheck,
	}
}

// runCheck prints each order's normalised invoice, or its errors. A file holding one JSON
// object prints one indented object; a file of several orders prints one line per order.
func runCheck(e *env, args []string) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	merge := fs.Bool("merge-by-buyer", false, "merge the orders of one buyer into one order")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "usage: kaipiaoctl check [--merge-by-buyer] FILE   (FILE may be - for standard input)")
		return exitUsage
	}
	args = fs.Args()
	name, data, err := readInput(e, args[0])
	var orders []*invoice.Order
	if err == nil {
		orders, err = orderfile.Decode(name, data)
	}
	if err != nil {
		var errs invoice.Errors
		if errors.As(err, &errs) {
			writeJSON(e.stdout, map[string]any{"errors": errs}, true)
			fmt.Fprintf(e.stderr, "kaipiaoctl check: %s: %v\n", args[0], err)
			return exitRefused
		}
		fmt.Fprintf(e.stderr, "kaipiaoctl check: %v\n", err)
		return exitUsage
	}
	cfg, err := checkConfig()
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl check: %v\n", err)
		return exitUsage
	}
	if *merge {
		orders = orderfile.MergeByBuyer(orders)
	}
	single := len(orders) == 1 && isSingleObject(name, data)
	status := exitOK
	for _, o := range orders {
		checked, errs := invoice.Check(o, cfg)
		if errs != nil {
			status = exitRefused
			out := map[string]any{"errors": errs}
			if !single {
				out["order_id"] = o.OrderID
			}
			writeJSON(e.stdout, out, single)
			fmt.Fprintf(e.stderr, "order %q: %d error(s): %v\n", o.OrderID, len(errs), errs)
			continue
		}
		if checked == nil { // a red order: its form is valid; its lines need the blue invoice
			writeJSON(e.stdout, map[string]any{"order_id": o.OrderID, "red_of": o.RedOf, "valid": true}, single)
			continue
		}
		writeJSON(e.stdout, checked, single)
	}
	return status
}

// readInput reads a file, or standard input for "-".
func readInput(e *env, path string) (name string, data []byte, err error) {
	if path == "-" {
		data, err = orderfile.ReadAll("-", e.stdin)
		return "", data, err
	}
	data, err = orderfile.ReadFile(path)
	return path, data, err
}

// isSingleObject tells a JSON file holding one object from an array or a table.
func isSingleObject(name string, data []byte) bool {
	f, err := orderfile.Detect(name, data)
	if err != nil || f != orderfile.JSON {
		return false
	}
	for _, b := range data {
		switch b {
		case ' ', '\t', '\r', '\n', 0xEF, 0xBB, 0xBF:
			continue
		}
		return b == '{'
	}
	return false
}

func writeJSON(w io.Writer, v any, indent bool) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(os.Stderr, "kaipiaoctl: writing JSON: %v\n", err)
	}
}
