package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
)

// bySlip reports whether a red command line issues under a confirmation slip
// (--slip, or --quick which makes one).
func bySlip(args []string) bool {
	for _, a := range args {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && (name == "slip" || name == "quick") {
			return true
		}
	}
	return false
}

// slipRedJSON is the output of `red --slip`: the issued line of `red`, with the blue
// invoice and the slip it names.
type slipRedJSON struct {
	issuedJSON
	Blue  string `json:"blue"`
	Slip  string `json:"slip"`
	Red   string `json:"remark"`
	State string `json:"slip_state"`
}

// runRedBySlip issues the red invoice of a slip the platform holds (usable: 01 or 04),
// or with --quick asks the platform for a quick full red (快捷全额红冲: the whole blue
// invoice, a buyer with no tax ID, so the slip needs no confirmation) and issues it.
func runRedBySlip(e *env, args []string) int {
	fs := flag.NewFlagSet("red", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	slipNo := fs.String("slip", "", "the confirmation slip (20 digits): its red invoice is issued")
	quick := fs.Bool("quick", false, "quick full red of --of: the platform makes a slip needing no confirmation, then its red invoice is issued")
	of := fs.String("of", "", "with --quick: the blue 数电票's 20-digit number")
	reason := fs.String("reason", "开票有误", "with --quick: 开票有误, 销货退回, 服务中止 or 销售折让 (or 1-4)")
	remark := fs.String("remark", "", "the clerk's remark, printed after the red-invoice phrase")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || (*slipNo == "") == !*quick || (*quick && *of == "") {
		fmt.Fprintln(e.stderr, "usage: kaipiaoctl red --slip SLIP [--remark R]\n       kaipiaoctl red --quick --of NUMBER [--reason R] [--remark R]")
		return exitUsage
	}
	if *slipNo != "" && !upload.ValidSlipNumber(*slipNo) {
		fmt.Fprintf(e.stderr, "kaipiaoctl red: %s\n", invoice.NewProblem(nil, "slip.number", invoice.Args{"value": invoice.Quote(*slipNo)}, nil))
		return exitUsage
	}
	c, err := slipClient(e)
	if err != nil {
		return refusal(e, "red", err)
	}
	ctx := context.Background()
	number := *slipNo
	if *quick {
		q, err := c.Request(ctx, upload.SlipRequest{Of: *of, Reason: *reason, Quick: true,
			RequestID: slipRequestID(upload.SlipRequest{Of: *of, Reason: *reason, Quick: true})})
		if err != nil {
			return slipRefusal(e, "red", err)
		}
		number = q.Number
	}
	w, err := openWorkstation(ctx, e, true)
	if err != nil {
		return refusal(e, "red", err)
	}
	defer w.Close()
	s, err := c.Get(ctx, number)
	if err != nil {
		return slipRefusal(e, "red", err)
	}
	out, err := w.RedFromSlip(ctx, s, *remark, c)
	var pe *upload.PermanentError
	if errors.As(err, &pe) {
		return slipRefusal(e, "red", err)
	}
	if err != nil {
		return refusal(e, "red", err)
	}
	writeJSON(e.stdout, slipRedJSON{issuedJSON: issuedLine(out), Blue: s.BlueName(), Slip: s.Number,
		Red: out.Invoice.Remark, State: s.State}, false)
	return exitOK
}
