package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/workstation"
)

func init() {
	commands["pdf"] = command{
		usage: "pdf CODE:NUMBER|NUMBER -o FILE",
		brief: "write an invoice's PDF (the layout of the electronic 普票, with its QR code)",
		run:   runPDF,
	}
}

// runPDF renders a stored invoice. The PDF is derived data: rendered from the store on
// demand, never the record itself. The seller's seal certificate (from the PKI set-up)
// signs it; without one it is unsigned, and says so.
func runPDF(e *env, args []string) int {
	code, number, out, ok := refAndOut(e, "pdf", args)
	if !ok {
		return exitUsage
	}
	db, err := openStore(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl pdf: %v\n", err)
		return exitUsage
	}
	defer db.Close()
	rec, err := db.ByNumber(code, number)
	if errors.Is(err, store.ErrNotFound) {
		fmt.Fprintf(e.stderr, "kaipiaoctl pdf: no invoice %s in %s\n", invoice.Ref(code, number), e.data)
		return exitRefused
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl pdf: %v\n", err)
		return exitUsage
	}
	doc, signed, err := workstation.RenderPDF(e.data, rec.Invoice)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl pdf: %s: %v\n", invoice.Ref(code, number), err)
		return exitRefused
	}
	if !signed {
		fmt.Fprintln(e.stderr, "kaipiaoctl pdf: unsigned: the data folder has no seal certificate yet (`kaipiaoctl pki init DIR` installs a demo one)")
	}
	if err := writeFileAtomic(out, doc); err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl pdf: %v\n", err)
		return exitUsage
	}
	abs, _ := filepath.Abs(out)
	fmt.Fprintln(e.stdout, abs)
	return exitOK
}

// writeFileAtomic writes through a temporary file and a rename, so that a reader (an
// e-mail client, a printer spool) never sees half a PDF.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".kaipiao-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// refAndOut reads the operands of `pdf`, `ofd` and `xml`: one CODE:NUMBER (a device
// invoice) or a bare 20-digit NUMBER (a 数电 invoice, whose code is empty) and -o FILE.
// Go's flag package stops at the first operand; -o is accepted on either side of it.
// It prints the usage and reports false when they are not there.
func refAndOut(e *env, what string, args []string) (code, number, out string, ok bool) {
	fs := flag.NewFlagSet(what, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	o := fs.String("o", "", "the file to write")
	var operands []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return "", "", "", false
		}
		if fs.NArg() == 0 {
			break
		}
		operands = append(operands, fs.Arg(0))
		args = fs.Args()[1:]
	}
	ok = len(operands) == 1
	if ok {
		var err error
		code, number, err = invoice.ParseRef(operands[0])
		ok = err == nil
	}
	if !ok || *o == "" {
		fmt.Fprintf(e.stderr, "usage: kaipiaoctl %s CODE:NUMBER|NUMBER -o FILE (NUMBER alone: the 20 digits of a 数电 invoice)\n", what)
		return "", "", "", false
	}
	return code, number, *o, true
}
