package main

import (
	"bytes"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/kaipiao/kaipiao/export"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/orderfile"
	"github.com/kaipiao/kaipiao/workstation"
)

func init() {
	commands["template"] = command{
		usage: "template -o FILE.xlsx",
		brief: "write the order import template (Chinese headers and an example row)",
		run:   runTemplate,
	}
	commands["buyers"] = command{
		usage: "buyers export|import FILE.xlsx",
		brief: "export the buyers kept from issued invoices, or import edited ones",
		run:   func(e *env, args []string) int { return runMasterData(e, "buyers", args) },
	}
	commands["goods"] = command{
		usage: "goods export|import FILE.xlsx",
		brief: "export the goods kept from issued invoices, or import edited ones",
		run:   func(e *env, args []string) int { return runMasterData(e, "goods", args) },
	}
}

func runTemplate(e *env, args []string) int {
	fs := flag.NewFlagSet("template", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	out := fs.String("o", "", "the .xlsx file to write")
	if err := fs.Parse(args); err != nil || *out == "" || fs.NArg() != 0 {
		fmt.Fprintln(e.stderr, "usage: kaipiaoctl template -o FILE.xlsx")
		return exitUsage
	}
	data, err := orderfile.Template()
	if err == nil {
		err = writeFileAtomic(*out, data)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl template: %v\n", err)
		return exitUsage
	}
	abs, _ := filepath.Abs(*out)
	fmt.Fprintln(e.stdout, abs)
	return exitOK
}

// runMasterData exports or imports buyers or goods. An import is all or nothing: every
// bad cell is listed and nothing is stored.
func runMasterData(e *env, what string, args []string) int {
	if len(args) != 2 || (args[0] != "export" && args[0] != "import") {
		fmt.Fprintf(e.stderr, "usage: kaipiaoctl %s export|import FILE.xlsx\n", what)
		return exitUsage
	}
	verb, file := args[0], args[1]
	svc, done, err := openStoreService(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: %v\n", what, err)
		return exitUsage
	}
	defer done()
	n, err := 0, error(nil)
	if verb == "export" {
		n, err = exportMasterData(svc, what, file)
	} else {
		var data []byte
		if data, err = orderfile.ReadFile(file); err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl %s import: %v\n", what, err)
			return exitUsage
		}
		if what == "buyers" {
			n, err = svc.ImportBuyers(data)
		} else {
			n, err = svc.ImportGoods(data)
		}
		if err != nil {
			// Every bad cell as 第N行“列”“值” (docs/cli.md): the catalogue's Chinese.
			fmt.Fprintf(e.stderr, "kaipiaoctl %s import: %s: %s\n", what, file, invoice.Explain(invoice.Chinese, err))
			return exitRefused
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl %s %s: %v\n", what, verb, err)
		return exitUsage
	}
	writeJSON(e.stdout, map[string]any{verb + "ed": n, "file": file}, false)
	return exitOK
}

func exportMasterData(svc *workstation.Service, what, file string) (int, error) {
	var buf bytes.Buffer
	var n int
	if what == "buyers" {
		ps, err := svc.Buyers()
		if err != nil {
			return 0, err
		}
		n, err = len(ps), export.WriteBuyers(&buf, ps)
		if err != nil {
			return 0, err
		}
	} else {
		gs, err := svc.AllGoods()
		if err != nil {
			return 0, err
		}
		n, err = len(gs), export.WriteGoods(&buf, gs)
		if err != nil {
			return 0, err
		}
	}
	return n, writeFileAtomic(file, buf.Bytes())
}

// operatorName is who the audit log names for a command's edits: the authenticated
// operator (auth.go).
func operatorName(e *env) string {
	if e.operator != "" {
		return e.operator
	}
	return envOr(envOperator, "kaipiaoctl")
}
