package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/kaipiao/kaipiao/export"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/workstation"
)

func init() {
	commands["export"] = command{
		usage: "export [--from DATE] [--to DATE] -o FILE.xlsx|FILE.csv",
		brief: "the invoice list with totals by rate (dates YYYY-MM-DD, --to inclusive)",
		run:   runExport,
	}
	commands["pdfs"] = command{
		usage: "pdfs [--from DATE] [--to DATE] -o DIR|FILE.zip",
		brief: "the PDFs of the invoices issued in a period, to a folder or a zip",
		run:   runPDFs,
	}
	commands["stats"] = command{
		usage: "stats --month YYYYMM [--no-device]",
		brief: "the month's blue and red invoices by rate, compared with the device's 抄报",
		run:   runStats,
	}
}

// selection reads --from/--to/-o and the store's records in that range, oldest first.
func selection(e *env, name string, args []string) (recs []*workstation.Record, out string, code int) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	from := fs.String("from", "", "issued on or after this day, YYYY-MM-DD")
	to := fs.String("to", "", "issued on or before this day, YYYY-MM-DD")
	o := fs.String("o", "", "where to write")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *o == "" {
		fmt.Fprintf(e.stderr, "usage: kaipiaoctl %s\n", commands[name].usage)
		return nil, "", exitUsage
	}
	var span [2]time.Time
	for i, d := range []string{*from, *to} {
		if d == "" {
			continue
		}
		day, err := time.ParseInLocation("2006-01-02", d, time.Local)
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl %s: %q is not a date YYYY-MM-DD\n", name, d)
			return nil, "", exitUsage
		}
		span[i] = day.AddDate(0, 0, i) // --to is inclusive
	}
	svc, done, err := openStoreService(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: %v\n", name, err)
		return nil, "", exitUsage
	}
	defer done()
	if recs, err = svc.Records(span[0], span[1]); err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: %v\n", name, err)
		return nil, "", exitUsage
	}
	return recs, *o, exitOK
}

func runExport(e *env, args []string) int {
	recs, out, code := selection(e, "export", args)
	if code != exitOK {
		return code
	}
	var buf bytes.Buffer
	var err error
	switch strings.ToLower(filepath.Ext(out)) {
	case ".xlsx":
		err = export.WriteListXLSX(&buf, recs, time.Local)
	case ".csv":
		err = export.WriteListCSV(&buf, recs, time.Local)
	default:
		fmt.Fprintf(e.stderr, "kaipiaoctl export: %s: the file must end in .xlsx or .csv\n", out)
		return exitUsage
	}
	if err == nil {
		err = writeFileAtomic(out, buf.Bytes())
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl export: %v\n", err)
		return exitUsage
	}
	writeJSON(e.stdout, map[string]any{"file": out, "invoices": len(recs)}, false)
	return exitOK
}

func runPDFs(e *env, args []string) int {
	recs, out, code := selection(e, "pdfs", args)
	if code != exitOK {
		return code
	}
	unsigned := false
	names, err := export.WritePDFs(out, recs, func(inv *invoice.Invoice) ([]byte, error) {
		doc, signed, err := workstation.RenderPDF(e.data, inv)
		unsigned = unsigned || !signed
		return doc, err
	})
	if unsigned {
		fmt.Fprintln(e.stderr, "kaipiaoctl pdfs: unsigned: the data folder has no seal certificate yet (`kaipiaoctl pki init DIR` installs a demo one)")
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl pdfs: %v\n", err)
		return exitRefused
	}
	writeJSON(e.stdout, map[string]any{"output": out, "files": names}, false)
	return exitOK
}

// statsJSON is what `stats` prints: the store's figures, the device's and what differs.
type statsJSON struct {
	Month      string            `json:"month"`
	Count      int               `json:"count"`
	Amount     string            `json:"amount"`
	Tax        string            `json:"tax"`
	RedCount   int               `json:"red_count"`
	RedAmount  string            `json:"red_amount"`
	RedTax     string            `json:"red_tax"`
	ByRate     []rateJSON        `json:"by_rate"`
	Device     any               `json:"device,omitempty"`
	Mismatches []export.Mismatch `json:"mismatches"`
}

type rateJSON struct {
	Rate      string `json:"rate"`
	Count     int    `json:"count"`
	Amount    string `json:"amount"`
	Tax       string `json:"tax"`
	RedCount  int    `json:"red_count"`
	RedAmount string `json:"red_amount"`
	RedTax    string `json:"red_tax"`
}

func runStats(e *env, args []string) int {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	month := fs.String("month", "", "the tax period, YYYYMM")
	noDevice := fs.Bool("no-device", false, "the store's figures only, without asking the device")
	if err := fs.Parse(args); err != nil || *month == "" || fs.NArg() != 0 {
		fmt.Fprintln(e.stderr, "usage: kaipiaoctl stats --month YYYYMM [--no-device]")
		return exitUsage
	}
	if _, _, err := export.MonthRange(*month); err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl stats: --month: %v\n", err)
		return exitUsage
	}
	var st export.Stats
	out := statsJSON{Mismatches: []export.Mismatch{}}
	if *noDevice {
		svc, done, err := openStoreService(e)
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl stats: %v\n", err)
			return exitUsage
		}
		st, _, err = svc.MonthStats(*month)
		done()
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl stats: %v\n", err)
			return exitUsage
		}
	} else {
		// The workstation, not the bare store: its start-up reconciliation imports what
		// the device issued behind the store's back before the figures are compared.
		ctx := context.Background()
		w, err := openWorkstation(ctx, e, true)
		if err != nil {
			return refusal(e, "stats", err)
		}
		defer w.Close()
		if st, _, err = export.MonthStats(w.Store, *month); err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl stats: %v\n", err)
			return exitUsage
		}
		rep, err := w.Client.Report(ctx, "kaipiaoctl-report-"+*month, *month)
		if err != nil {
			return refusal(e, "stats: the device's report", err)
		}
		out.Device = reportJSON{Period: rep.Period, Count: rep.Count, RedCount: rep.RedCount, Amount: rep.Amount.String(),
			Tax: rep.Tax.String(), RedAmount: rep.RedAmount.String(), RedTax: rep.RedTax.String(), First: rep.First, Last: rep.Last}
		out.Mismatches = append(out.Mismatches, st.Compare(rep)...)
	}
	out.Month, out.Count, out.Amount, out.Tax = st.Month, st.Count, st.Amount.String(), st.Tax.String()
	out.RedCount, out.RedAmount, out.RedTax = st.RedCount, st.RedAmount.String(), st.RedTax.String()
	for _, r := range st.ByRate {
		out.ByRate = append(out.ByRate, rateJSON{Rate: r.Rate, Count: r.BlueCount, Amount: r.Amount.String(), Tax: r.Tax.String(),
			RedCount: r.RedCount, RedAmount: r.RedAmount.String(), RedTax: r.RedTax.String()})
	}
	writeJSON(e.stdout, out, true)
	for _, m := range out.Mismatches {
		fmt.Fprintf(e.stderr, "kaipiaoctl stats: %s\n", m.Message)
	}
	if len(out.Mismatches) > 0 {
		return exitRefused
	}
	return exitOK
}
