package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/workstation"
)

func init() {
	commands["list"] = command{
		usage: "list [--from DATE] [--to DATE] [--buyer TEXT] [--status S] [--red]",
		brief: "list invoices, newest first (dates YYYY-MM-DD; status issued, queued, acked or dead)",
		run:   runList,
	}
	commands["show"] = command{
		usage: "show CODE:NUMBER | ORDER_ID",
		brief: "one invoice with its lines, status and sync state (every part of a split order)",
		run:   runShow,
	}
	commands["seller"] = command{
		usage: "seller set --name N --tax-id ID [...]",
		brief: "set the enterprise's details printed on its invoices (`seller` alone prints them)",
		run:   runSeller,
	}
}

// listedJSON is one line of `list`: the fields of `issue` with the status, the sync
// state and the blue invoice a red one reverses.
type listedJSON struct {
	issuedJSON
	Status    string `json:"status"`
	Sync      string `json:"sync"`
	SyncError string `json:"sync_error,omitempty"`
	Buyer     string `json:"buyer"`
	RedOf     string `json:"red_of,omitempty"`
	Mail      string `json:"mail,omitempty"` // the PDF's e-mail to the buyer: queued, sent or failed
}

func listed(rec *workstation.Record) listedJSON {
	l := listedJSON{issuedJSON: issuedLine(invoice.Outcome{Invoice: rec.Invoice}), Status: "issued",
		Sync: string(rec.Sync), SyncError: rec.SyncError, Buyer: rec.Invoice.Buyer.Name}
	if r := rec.Invoice.Red; r != nil {
		l.RedOf = invoice.Ref(r.Code, r.Number)
	}
	return l
}

func runList(e *env, args []string) int {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	from := fs.String("from", "", "issued on or after this day, YYYY-MM-DD")
	to := fs.String("to", "", "issued on or before this day, YYYY-MM-DD")
	buyer := fs.String("buyer", "", "part of the buyer's name or tax ID")
	status := fs.String("status", "", "issued (all), queued, acked or dead")
	red := fs.Bool("red", false, "red invoices only")
	limit := fs.Int("limit", 1000, "at most this many")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return exitUsage
	}
	q := workstation.Query{Buyer: *buyer, Limit: *limit}
	for _, d := range []struct {
		flag, value string
		dst         *time.Time
		next        bool
	}{{"--from", *from, &q.From, false}, {"--to", *to, &q.To, true}} {
		if d.value == "" {
			continue
		}
		// Dates are the invoice's own, Beijing time, whatever the computer's zone.
		day, err := time.ParseInLocation("2006-01-02", d.value, invoice.Beijing)
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl list: %s %q is not a date YYYY-MM-DD\n", d.flag, d.value)
			return exitUsage
		}
		if d.next {
			day = day.AddDate(0, 0, 1) // --to is inclusive
		}
		*d.dst = day
	}
	switch *status {
	case "", "issued":
	case string(workstation.SyncQueued), string(workstation.SyncAcked), string(workstation.SyncDead):
		q.Sync = workstation.RecordSync(*status)
	default:
		fmt.Fprintf(e.stderr, "kaipiaoctl list: --status %q: use issued, queued, acked or dead\n", *status)
		return exitUsage
	}
	if *red {
		q.Red = red
	}
	svc, done, err := openStoreService(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl list: %v\n", err)
		return exitUsage
	}
	defer done()
	page, err := svc.List(q)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl list: %v\n", err)
		return exitUsage
	}
	for _, rec := range page.Records {
		l := listed(rec)
		if m, err := svc.MailStatusOf(rec.ID); err == nil {
			l.Mail = string(m.State)
		}
		writeJSON(e.stdout, l, false)
	}
	return exitOK
}

// shownJSON is `show`: the whole invoice with its status and sync state.
type shownJSON struct {
	Invoice   *invoice.Invoice `json:"invoice"`
	Status    string           `json:"status"`
	Sync      string           `json:"sync"`
	SyncError string           `json:"sync_error,omitempty"`
	Counter   uint64           `json:"device_counter"`
	Imported  bool             `json:"imported,omitempty"`
	Reds      []string         `json:"reds,omitempty"`
	// Mail is the PDF's e-mail to the buyer, when there is one.
	Mail *workstation.MailStatus `json:"mail,omitempty"`
}

func runShow(e *env, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(e.stderr, "usage: kaipiaoctl show CODE:NUMBER | ORDER_ID")
		return exitUsage
	}
	svc, done, err := openStoreService(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl show: %v\n", err)
		return exitUsage
	}
	defer done()
	var recs []*workstation.Record
	// CODE:NUMBER or a 20-digit 数电票 number; an order ID may be 20 digits too, so a
	// bare number that names no invoice is then tried as an order.
	if code, number, perr := invoice.ParseRef(args[0]); perr == nil {
		rec, err := svc.ByNumber(code, number)
		if err == nil {
			recs = append(recs, rec)
		} else if !errors.Is(err, workstation.ErrNotFound) {
			fmt.Fprintf(e.stderr, "kaipiaoctl show: %v\n", err)
			return exitUsage
		}
	}
	if len(recs) == 0 && !strings.Contains(args[0], ":") {
		if recs, err = svc.ByOrder(args[0]); err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl show: %v\n", err)
			return exitUsage
		}
	}
	if len(recs) == 0 {
		fmt.Fprintf(e.stderr, "kaipiaoctl show: no invoice %s in %s\n", args[0], e.data)
		return exitRefused
	}
	for _, rec := range recs {
		out := shownJSON{Invoice: rec.Invoice, Status: "issued", Sync: string(rec.Sync), SyncError: rec.SyncError,
			Mail:    mailOf(svc, rec.ID),
			Counter: rec.Counter, Imported: rec.Imported}
		reds, err := svc.RedsOf(rec.Invoice.Code, rec.Invoice.Number)
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl show: %v\n", err)
			return exitUsage
		}
		for _, r := range reds {
			out.Reds = append(out.Reds, invoice.Ref(r.Code, r.Number))
		}
		writeJSON(e.stdout, out, len(recs) == 1)
	}
	return exitOK
}

func runSeller(e *env, args []string) int {
	svc, done, err := openStoreService(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl seller: %v\n", err)
		return exitUsage
	}
	defer done()
	if len(args) == 0 {
		p, err := svc.Seller()
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl seller: %v\n", err)
			return exitUsage
		}
		writeJSON(e.stdout, p, true)
		return exitOK
	}
	if args[0] != "set" {
		fmt.Fprintln(e.stderr, "usage: kaipiaoctl seller [set --name N --tax-id ID [--address-phone T] [--bank-account T]]")
		return exitUsage
	}
	fs := flag.NewFlagSet("seller set", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var p invoice.Party
	fs.StringVar(&p.Name, "name", "", "the enterprise's name")
	fs.StringVar(&p.TaxID, "tax-id", "", "its unified social credit code")
	fs.StringVar(&p.AddressPhone, "address-phone", "", "地址、电话")
	fs.StringVar(&p.BankAccount, "bank-account", "", "开户行及账号")
	if err := fs.Parse(args[1:]); err != nil || p.Name == "" || p.TaxID == "" {
		fmt.Fprintln(e.stderr, "kaipiaoctl seller set: --name and --tax-id are required")
		return exitUsage
	}
	if problem, _ := invoice.CheckTaxID(p.TaxID); problem != "" {
		fmt.Fprintf(e.stderr, "kaipiaoctl seller set: --tax-id %q: %s\n", p.TaxID, problem)
		return exitRefused
	}
	if err := svc.SetSeller(p); err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl seller set: %v\n", err)
		return exitUsage
	}
	writeJSON(e.stdout, p, true)
	return exitOK
}

// mailOf is an invoice's e-mail status, nil when it has none.
func mailOf(svc *workstation.Service, id uint64) *workstation.MailStatus {
	m, err := svc.MailStatusOf(id)
	if err != nil || m.State == workstation.MailNone {
		return nil
	}
	return &m
}
