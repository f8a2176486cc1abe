package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/kaipiao/kaipiao/einvoicexml"
	"github.com/kaipiao/kaipiao/export"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/workstation"
)

func init() {
	commands["ofd"] = command{
		usage: "ofd CODE:NUMBER|NUMBER -o FILE",
		brief: "write an invoice's OFD (GB/T 33190), sealed with the enterprise's SM2 certificate",
		run:   func(e *env, args []string) int { return runLayout(e, "ofd", args) },
	}
	commands["ofds"] = command{
		usage: "ofds [--from DATE] [--to DATE] -o DIR|FILE.zip",
		brief: "the OFD files of the invoices issued in a period, to a folder or a zip",
		run:   runOFDs,
	}
	commands["xml"] = command{
		usage: "xml CODE:NUMBER|NUMBER -o FILE",
		brief: "write an invoice's XML data file (EInvoice, docs/einvoice.md)",
		run:   func(e *env, args []string) int { return runLayout(e, "xml", args) },
	}
}

// runLayout writes a stored invoice's OFD or XML data file, as runPDF does its PDF.
func runLayout(e *env, what string, args []string) int {
	code, number, out, ok := refAndOut(e, what, args)
	if !ok {
		return exitUsage
	}
	db, err := openStore(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: %v\n", what, err)
		return exitUsage
	}
	defer db.Close()
	rec, err := db.ByNumber(code, number)
	if errors.Is(err, store.ErrNotFound) {
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: no invoice %s in %s\n", what, invoice.Ref(code, number), e.data)
		return exitRefused
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: %v\n", what, err)
		return exitUsage
	}
	var doc []byte
	signed := true
	if what == "xml" {
		doc, err = einvoicexml.Marshal(rec.Invoice)
	} else {
		doc, signed, err = workstation.RenderOFD(e.data, rec.Invoice)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: %s: %v\n", what, invoice.Ref(code, number), err)
		return exitRefused
	}
	if !signed {
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: unsigned: the data folder has no enterprise certificate yet (`kaipiaoctl pki init DIR` installs a demo one)\n", what)
	}
	if err := writeFileAtomic(out, doc); err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: %v\n", what, err)
		return exitUsage
	}
	abs, _ := filepath.Abs(out)
	fmt.Fprintln(e.stdout, abs)
	return exitOK
}

func runOFDs(e *env, args []string) int {
	recs, out, code := selection(e, "ofds", args)
	if code != exitOK {
		return code
	}
	unsigned := false
	names, err := export.WriteOFDs(out, recs, func(inv *invoice.Invoice) ([]byte, error) {
		doc, signed, err := workstation.RenderOFD(e.data, inv)
		unsigned = unsigned || !signed
		return doc, err
	})
	if unsigned {
		fmt.Fprintln(e.stderr, "kaipiaoctl ofds: unsigned: the data folder has no enterprise certificate yet (`kaipiaoctl pki init DIR` installs a demo one)")
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl ofds: %v\n", err)
		return exitRefused
	}
	writeJSON(e.stdout, map[string]any{"output": out, "files": names}, false)
	return exitOK
}
