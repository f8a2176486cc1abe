package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/printing"
	"github.com/kaipiao/kaipiao/workstation"
)

func init() {
	commands["print"] = command{
		usage: "print CODE:NUMBER… [--printer NAME] [--paper invoice|a4|a5] [--copies N]",
		brief: "print invoices (with their goods lists) as one job on a system printer",
		run:   runPrint,
	}
	commands["printers"] = command{
		usage: "printers",
		brief: "list the system's printers: name, default, state",
		run:   runPrinters,
	}
}

func runPrinters(e *env, args []string) int {
	if len(args) != 0 {
		fmt.Fprintln(e.stderr, "usage: kaipiaoctl printers")
		return exitUsage
	}
	ps, err := printing.System().Printers(context.Background())
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl printers: %v\n", err)
		return exitUsage
	}
	if len(ps) == 0 {
		fmt.Fprintln(e.stderr, "kaipiaoctl printers: no printer is installed")
	}
	enc := json.NewEncoder(e.stdout)
	for _, p := range ps {
		_ = enc.Encode(p)
	}
	return exitOK
}

// runPrint prints the invoices named, in the order named, as one job, and records the
// print in the audit log once the spooler has accepted it.
func runPrint(e *env, args []string) int {
	fs := flag.NewFlagSet("print", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	printer := fs.String("printer", "", "the printer (default: the system's default printer)")
	paperName := fs.String("paper", "invoice", "invoice (240×140 mm), a4 (landscape, the invoice at its own size at the top) or a5 (landscape, scaled to fit)")
	copies := fs.Int("copies", 1, fmt.Sprintf("copies of the whole job, 1 to %d", printing.MaxCopies))
	// Flags may come before or after the invoices.
	var refs []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		refs = append(refs, fs.Arg(0))
		args = fs.Args()[1:]
	}
	paper, err := printing.ParsePaper(*paperName)
	if err == nil && (*copies < 1 || *copies > printing.MaxCopies) {
		err = fmt.Errorf("--copies %d: must be 1 to %d", *copies, printing.MaxCopies)
	}
	if err == nil && len(refs) == 0 {
		err = errors.New("no invoice named")
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl print: %v\nusage: kaipiaoctl %s\n", err, commands["print"].usage)
		return exitUsage
	}
	svc, done, err := openStoreService(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl print: %v\n", err)
		return exitUsage
	}
	defer done()
	invs := make([]*invoice.Invoice, 0, len(refs))
	for _, ref := range refs {
		code, number, err := invoice.ParseRef(ref)
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl print: %v\n", err)
			return exitUsage
		}
		rec, err := svc.ByNumber(code, number)
		if errors.Is(err, workstation.ErrNotFound) {
			fmt.Fprintf(e.stderr, "kaipiaoctl print: no invoice %s in %s; nothing was printed\n", ref, e.data)
			return exitRefused
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl print: %v\n", err)
			return exitUsage
		}
		invs = append(invs, rec.Invoice)
	}
	res, err := printing.Print(context.Background(), printing.System(), printing.Request{Invoices: invs, Printer: *printer,
		Paper: paper, Copies: *copies})
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl print: %v; nothing was printed\n", err)
		if errors.Is(err, printing.ErrSpooler) {
			return exitUsage
		}
		return exitRefused
	}
	_ = json.NewEncoder(e.stdout).Encode(res)
	if err := svc.RecordPrint(res); err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl print: job %s was printed but the audit log could not record it: %v\n", res.Job, err)
		return exitUsage
	}
	return exitOK
}
