package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/orderfile"
)

func init() {
	commands["issue"] = command{
		usage: "issue [--mapping NAME] [--merge-by-buyer] FILE",
		brief: "issue each order of a file (.json, .csv, .xlsx; - for stdin); an order issued before is not issued again",
		run:   runIssue,
	}
	commands["red"] = command{
		usage: "red --of CODE:NUMBER [--reason N] [--lines FILE] | red --slip SLIP | red --quick --of NUMBER",
		brief: "issue a red invoice against a blue one, in full or for the lines of FILE",
		run:   runRed,
	}
	commands["reconcile"] = command{
		usage: "reconcile",
		brief: "compare the device's journal with the store and repair what can be repaired",
		run:   runReconcile,
	}
}

// issuedJSON is one line of `issue` and `red` output (docs/cli.md).
type issuedJSON struct {
	OrderID   string `json:"order_id"`
	Code      string `json:"code"`
	Number    string `json:"number"`
	CheckCode string `json:"check_code"`
	IssuedAt  string `json:"issued_at"`
	Amount    string `json:"amount"`
	Tax       string `json:"tax"`
	Total     string `json:"total"`
	Replayed  bool   `json:"replayed"`
}

func issuedLine(o invoice.Outcome) issuedJSON {
	inv, t := o.Invoice, o.Invoice.Totals()
	return issuedJSON{OrderID: inv.OrderID, Code: inv.Code, Number: inv.Number, CheckCode: inv.CheckCode,
		IssuedAt: inv.IssuedAt.Format(time.RFC3339), Amount: t.Amount.String(), Tax: t.Tax.String(),
		Total: t.Total.String(), Replayed: o.Replayed}
}

func runIssue(e *env, args []string) int {
	fs := flag.NewFlagSet("issue", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	mapping := fs.String("mapping", "", "read a table through the saved column mapping NAME (see `kaipiaoctl mapping`)")
	merge := fs.Bool("merge-by-buyer", false, "merge the orders of one buyer into one order")
	rest := fs.Bool("rest", false, "issue the rest of the partly issued orders (all, or the order IDs given)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *rest {
		return runIssueRest(e, fs.Args())
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "usage: kaipiaoctl issue [--mapping NAME] [--merge-by-buyer] FILE   (FILE may be - for standard input)\n"+
			"       kaipiaoctl issue --rest [ORDER_ID...]")
		return exitUsage
	}
	name, data, err := readInput(e, fs.Arg(0))
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl issue: %v\n", err)
		return exitUsage
	}
	var m orderfile.Mapping
	if *mapping != "" {
		db, err := openStore(e)
		if err != nil {
			return refusal(e, "issue", err)
		}
		m, err = db.ColumnMapping(*mapping)
		db.Close()
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl issue: mapping %q: %v\n", *mapping, err)
			return exitUsage
		}
	}
	orders, err := orderfile.DecodeMapped(name, data, m)
	if err != nil {
		var errs invoice.Errors
		if errors.As(err, &errs) {
			writeJSON(e.stdout, map[string]any{"errors": errs}, false)
			fmt.Fprintf(e.stderr, "kaipiaoctl issue: %s: %v\n", fs.Arg(0), err)
			return exitRefused
		}
		fmt.Fprintf(e.stderr, "kaipiaoctl issue: %v\n", err)
		return exitUsage
	}
	if *merge {
		orders = orderfile.MergeByBuyer(orders)
	}
	ctx := context.Background()
	svc, err := openService(ctx, e, true)
	if err != nil {
		return refusal(e, "issue", err)
	}
	defer svc.Close()
	status := exitOK
	err = svc.IssueBatch(ctx, orders, func(r invoice.BatchResult) {
		for _, out := range r.Outcomes {
			writeJSON(e.stdout, issuedLine(out), false)
		}
		var errs invoice.Errors
		switch {
		case errors.As(r.Err, &errs):
			// A rule error concerns this order alone: the batch goes on with the rest.
			writeJSON(e.stdout, map[string]any{"order_id": r.Order.OrderID, "errors": errs}, false)
			fmt.Fprintf(e.stderr, "order %q: %v\n", r.Order.OrderID, errs)
			status = exitRefused
		case errors.Is(r.Err, invoice.ErrPartlyIssued):
			// Its issued invoices are on stdout above; the rest waits for `issue --rest`.
			writeJSON(e.stdout, map[string]any{"order_id": r.Order.OrderID, "partly_issued": len(r.Outcomes),
				"error": r.Err.Error()}, false)
			fmt.Fprintf(e.stderr, "order %q: %v\nIssue the rest with `kaipiaoctl issue --rest %s` once the cause is gone.\n",
				r.Order.OrderID, r.Err, r.Order.OrderID)
			status = exitRefused
		case errors.Is(r.Err, invoice.ErrNoHeadroom):
			// Refused whole before its first invoice: nothing of it was issued.
			// The clerk's words, naming the limit (docs/cli.md): the catalogue's Chinese.
			writeJSON(e.stdout, map[string]any{"order_id": r.Order.OrderID, "refused": invoice.Explain(invoice.Chinese, r.Err)}, false)
			fmt.Fprintf(e.stderr, "order %q: %v\n", r.Order.OrderID, r.Err)
			status = exitRefused
		}
	})
	if err != nil {
		// A device or store error stops the batch: the orders after it would meet it too.
		return refusal(e, "issue", err)
	}
	return status
}

// runIssueRest issues what remains of partly issued orders: the invoices issued before
// are printed again with "replayed": true, never issued twice.
func runIssueRest(e *env, ids []string) int {
	ctx := context.Background()
	svc, err := openService(ctx, e, true)
	if err != nil {
		return refusal(e, "issue --rest", err)
	}
	defer svc.Close()
	if len(ids) == 0 {
		all, err := svc.PartlyIssuedOrders()
		if err != nil {
			return refusal(e, "issue --rest", err)
		}
		for _, p := range all {
			ids = append(ids, p.OrderID)
		}
		if len(ids) == 0 {
			fmt.Fprintln(e.stderr, "kaipiaoctl issue --rest: no order is partly issued")
			return exitOK
		}
	}
	for _, id := range ids {
		outs, err := svc.IssueRest(ctx, id)
		for _, out := range outs {
			writeJSON(e.stdout, issuedLine(out), false)
		}
		if err != nil {
			return refusal(e, "issue --rest "+id, err)
		}
	}
	return exitOK
}

func runRed(e *env, args []string) int {
	if bySlip(args) {
		return runRedBySlip(e, args)
	}
	fs := flag.NewFlagSet("red", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	of := fs.String("of", "", "the blue invoice, CODE:NUMBER")
	reason := fs.Int("reason", 1, "1 开票有误, 2 销货退回, 3 服务中止, 4 销售折让")
	linesFile := fs.String("lines", "", `JSON file of the lines to reverse: [{"line": 1, "quantity": "2"}, ...]`)
	remark := fs.String("remark", "", "the clerk's remark, printed after the red-invoice phrase")
	notice := fs.String("notice", "", "红字信息表编号, to reverse an e-special invoice")
	id := fs.String("order-id", "", "the red order's ID; by default derived from the request, so a repeat replays")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return exitUsage
	}
	code, number, err := invoice.ParseRef(*of)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl red: --of: %v\nusage: kaipiaoctl red --of CODE:NUMBER|NUMBER20 [--reason N] [--lines FILE]\n", err)
		return exitUsage
	}
	red := &invoice.RedRequest{Code: code, Number: number, Reason: *reason, Notice: *notice}
	if *linesFile != "" {
		data, err := os.ReadFile(*linesFile)
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl red: %v\n", err)
			return exitUsage
		}
		if err := json.Unmarshal(data, &red.Lines); err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl red: %s: %v\n", *linesFile, err)
			return exitRefused
		}
	}
	o := &invoice.Order{OrderID: *id, RedOf: red, Remark: *remark}
	if o.OrderID == "" {
		o.OrderID = redOrderID(red, *remark)
	}
	ctx := context.Background()
	svc, err := openService(ctx, e, true)
	if err != nil {
		return refusal(e, "red", err)
	}
	defer svc.Close()
	outs, err := svc.Issue(ctx, o)
	if err != nil {
		var errs invoice.Errors
		if errors.As(err, &errs) {
			writeJSON(e.stdout, map[string]any{"order_id": o.OrderID, "errors": errs}, false)
		}
		return refusal(e, "red", err)
	}
	for _, out := range outs {
		writeJSON(e.stdout, issuedLine(out), false)
	}
	return exitOK
}

// redOrderID derives a red order's ID from what it asks, so that running the same
// command again (after a crash, say) replays the red invoice instead of issuing a
// second one. A second, identical partial red needs its own --order-id.
func redOrderID(r *invoice.RedRequest, remark string) string {
	raw, _ := json.Marshal(struct {
		R      *invoice.RedRequest
		Remark string
	}{r, remark})
	sum := sha256.Sum256(raw)
	return "RED-" + r.Number + "-" + hex.EncodeToString(sum[:6])
}

func runReconcile(e *env, args []string) int {
	if len(args) != 0 {
		fmt.Fprintln(e.stderr, "usage: kaipiaoctl reconcile")
		return exitUsage
	}
	ctx := context.Background()
	w, err := openWorkstation(ctx, e, false)
	if err != nil {
		return refusal(e, "reconcile", err)
	}
	defer w.Close()
	rep, err := w.Engine.Reconcile(ctx, true)
	if err != nil {
		return refusal(e, "reconcile", err)
	}
	n, err := w.Store.Count()
	if err != nil {
		return refusal(e, "reconcile", err)
	}
	if rep.Mismatches == nil {
		rep.Mismatches = []string{}
	}
	writeJSON(e.stdout, struct {
		invoice.ReconcileReport
		StoreCount int `json:"store_count"`
	}{rep, n}, true)
	if len(rep.Mismatches) > 0 {
		return exitRefused
	}
	return exitOK
}
