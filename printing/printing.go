// Package printing prints issued invoices on the system's printers: it lays each
// invoice out (face and goods-list pages, with the seal) onto the chosen paper, makes
// one document of all of them, checks the printer's state and hands the document to the
// spooler as one job. Linux and macOS print through CUPS (lp, lpstat); Windows through
// its own spooler, drawing the pages on the printer's device context with GDI, so no
// PDF reader is needed (docs/printing.md).
package printing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf"
)

// Paper is what the invoices print on.
type Paper string

// The papers a clerk can choose.
const (
	// PaperInvoice is the invoice's own 240 × 140 mm page (pre-cut invoice paper).
	PaperInvoice Paper = "invoice"
	// PaperA4 is an A4 sheet, landscape, with the invoice at its own size at the top
	// (the 240 mm page is wider than A4 portrait's 210 mm).
	PaperA4 Paper = "a4"
	// PaperA5 is an A5 sheet, landscape, with the invoice scaled down to fit.
	PaperA5 Paper = "a5"
)

// Papers lists the papers in the order the print dialog offers them.
var Papers = []Paper{PaperInvoice, PaperA4, PaperA5}

// Invoice page size, mm: the layout's.
const pageW, pageH = 240.0, 140.0

// ParsePaper reads a paper's name (invoice, a4, a5; any case).
func ParsePaper(s string) (Paper, error) {
	p := Paper(strings.ToLower(strings.TrimSpace(s)))
	for _, q := range Papers {
		if p == q {
			return p, nil
		}
	}
	return "", fmt.Errorf("paper %q: must be one of invoice, a4, a5", s)
}

// Label is the paper's name for the clerk.
func (p Paper) Label() string {
	switch p {
	case PaperA4:
		return "A4 横向（发票原大，置于上方）"
	case PaperA5:
		return "A5 横向（缩放至纸张）"
	default:
		return "发票纸 240×140 mm"
	}
}

// Sheet is where an invoice's face lies on the paper.
func (p Paper) Sheet() pdf.Sheet { return p.SheetFor(pageW, pageH) }

// SheetFor is where a page of w × h mm lies on the paper: at its own size where it fits,
// scaled down to fit where it does not — a 销货清单 page is taller than the face, to hold
// the seal below its table (docs/rules.md "Printed layout").
func (p Paper) SheetFor(w, h float64) pdf.Sheet {
	switch p {
	case PaperA4:
		const sw, sh = 297.0, 210.0
		k := min(1, sw/w, sh/h)
		return pdf.Sheet{Width: sw, Height: sh, X: (sw - w*k) / 2, Y: 0, Scale: k}
	case PaperA5:
		const sw, sh = 210.0, 148.0
		k := min(sw/w, sh/h)
		return pdf.Sheet{Width: sw, Height: sh, X: (sw - w*k) / 2, Y: (sh - h*k) / 2, Scale: k}
	default:
		k := min(1, pageW/w, pageH/h)
		return pdf.Sheet{Width: pageW, Height: pageH, X: (pageW - w*k) / 2, Scale: k}
	}
}

// State is a printer's state as the spooler reports it.
type State string

// Printer states. Only an idle or printing printer that accepts jobs is sent one.
const (
	StateIdle      State = "idle"
	StatePrinting  State = "printing"
	StateStopped   State = "stopped"   // paused or disabled: jobs would wait in the queue
	StateRejecting State = "rejecting" // the queue refuses new jobs
	StateOffline   State = "offline"   // the spooler says the device is unreachable or in error
)

// Printer is one of the system's printers.
type Printer struct {
	Name    string `json:"name"`
	Default bool   `json:"default"`
	State   State  `json:"state"`
	// Reason is the spooler's own words on a stopped or rejecting printer, if any.
	Reason string `json:"reason,omitempty"`
}

// Ready says whether a job sent now would print rather than wait or be refused.
func (p Printer) Ready() bool { return p.State == StateIdle || p.State == StatePrinting }

// Job is one print job: the sheets of every invoice, in order, as one document.
type Job struct {
	Printer string
	Paper   Paper
	Copies  int // already in Sheets: a spooler sends Sheets once
	Title   string
	Sheets  []pdf.Page // placed on the paper
	Created time.Time
}

// Spooler is a system's print queue: CUPS, or the Windows spooler.
type Spooler interface {
	// Printers lists the printers, the default first.
	Printers(ctx context.Context) ([]Printer, error)
	// Submit hands the job to the spooler and returns its job ID once the spooler has
	// accepted it.
	Submit(ctx context.Context, j *Job) (string, error)
}

// Sentinel errors of a print; Error wraps one of them.
var (
	ErrNoPrinters = errors.New("no printer is installed")
	ErrNoDefault  = errors.New("no printer was chosen and there is no default printer")
	ErrMissing    = errors.New("no such printer")
	ErrStopped    = errors.New("the printer is stopped (paused or disabled)")
	ErrRejecting  = errors.New("the printer does not accept jobs")
	ErrOffline    = errors.New("the printer is offline or in error")
	ErrRefused    = errors.New("the spooler refused the job")
	ErrSpooler    = errors.New("the print spooler cannot be reached")
)

// Error is a failed print: which printer, what went wrong, and the spooler's words.
type Error struct {
	Printer string
	Err     error  // one of the sentinels above
	Detail  string // what the spooler said, if anything
}

func (e *Error) Error() string {
	s := "print"
	if e.Printer != "" {
		s += " on " + e.Printer
	}
	s += ": " + e.Err.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Message is the clerk's (Chinese) words for a print error: what happened and what to do.
func Message(err error) string { return Text(invoice.Chinese, err) }

// printKeys are the catalogue's keys of the print errors (invoice/catalogue.go).
var printKeys = map[error]string{
	ErrNoPrinters: "print.no_printers",
	ErrNoDefault:  "print.no_default",
	ErrMissing:    "print.missing",
	ErrStopped:    "print.stopped",
	ErrRejecting:  "print.rejecting",
	ErrOffline:    "print.offline",
	ErrRefused:    "print.refused",
	ErrSpooler:    "print.spooler",
}

// Text is a print error in lang, from the catalogue: what happened and what to do, the
// spooler's detail in brackets.
func Text(lang invoice.Lang, err error) string {
	var pe *Error
	if !errors.As(err, &pe) {
		return invoice.Say(lang, "print.failed_detail", invoice.Args{"err": err.Error()})
	}
	key, ok := printKeys[pe.Err]
	if !ok {
		key = "print.failed"
	}
	s := invoice.Say(lang, key, invoice.Args{"printer": pe.Printer})
	if pe.Detail != "" {
		if lang == invoice.English {
			return s + " (" + pe.Detail + ")"
		}
		s += "（" + pe.Detail + "）"
	}
	return s
}

// Text is the error in lang (Text): the window shows it through invoice.Explain.
func (e *Error) Text(lang invoice.Lang) string { return Text(lang, e) }

// Request asks for invoices to be printed.
type Request struct {
	Invoices []*invoice.Invoice
	Printer  string // empty: the default printer
	Paper    Paper
	Copies   int
	// Progress, if set, is told after each invoice is laid out.
	Progress func(done, total int)
}

// Result is a print the spooler accepted.
type Result struct {
	Printer  string   `json:"printer"`
	Job      string   `json:"job"`
	Invoices []string `json:"invoices"` // CODE:NUMBER
	Pages    int      `json:"pages"`    // sheets sent, every copy included
	Copies   int      `json:"copies"`
	Paper    Paper    `json:"paper"`
}

// MaxCopies bounds the copies of one job: a slip of the keyboard should not print a ream.
const MaxCopies = 99

// Sheets lays invoices out on the paper: each invoice's face and goods-list pages, in
// order. progress, if not nil, is told after each invoice.
func Sheets(invs []*invoice.Invoice, paper Paper, progress func(done, total int)) ([]pdf.Page, error) {
	var out []pdf.Page
	for i, inv := range invs {
		d, err := pdf.Layout(inv, pdf.Options{Seal: true})
		if err != nil {
			return nil, fmt.Errorf("invoice %s: %w", invoice.Ref(inv.Code, inv.Number), err)
		}
		for k := range d.Pages {
			pg := &d.Pages[k]
			out = append(out, paper.SheetFor(pg.Width, pg.Height).Place(pg))
		}
		if progress != nil {
			progress(i+1, len(invs))
		}
	}
	return out, nil
}

// Choose finds the printer a request names (the default when it names none) and checks
// that it would print now.
func Choose(ctx context.Context, sp Spooler, name string) (Printer, error) {
	ps, err := sp.Printers(ctx)
	if err != nil {
		return Printer{}, err
	}
	if len(ps) == 0 {
		return Printer{}, &Error{Printer: name, Err: ErrNoPrinters}
	}
	var p *Printer
	for i := range ps {
		if (name == "" && ps[i].Default) || (name != "" && ps[i].Name == name) {
			p = &ps[i]
			break
		}
	}
	switch {
	case p == nil && name == "":
		return Printer{}, &Error{Err: ErrNoDefault}
	case p == nil:
		return Printer{}, &Error{Printer: name, Err: ErrMissing}
	}
	switch p.State {
	case StateStopped:
		return *p, &Error{Printer: p.Name, Err: ErrStopped, Detail: p.Reason}
	case StateRejecting:
		return *p, &Error{Printer: p.Name, Err: ErrRejecting, Detail: p.Reason}
	case StateOffline:
		return *p, &Error{Printer: p.Name, Err: ErrOffline, Detail: p.Reason}
	}
	return *p, nil
}

// Print lays the invoices out, checks the printer and sends them as one job. It returns
// a Result only when the spooler accepted the job; any error is an *Error or a layout
// error, and then nothing was printed.
func Print(ctx context.Context, sp Spooler, req Request) (*Result, error) {
	if len(req.Invoices) == 0 {
		return nil, errors.New("print: no invoices")
	}
	if req.Copies < 1 || req.Copies > MaxCopies {
		return nil, fmt.Errorf("print: copies %d: must be 1 to %d", req.Copies, MaxCopies)
	}
	// The code and number name the job (lp -t, the Windows spooler's document name):
	// digits only, whatever the store holds (docs/security.md).
	for _, inv := range req.Invoices {
		if err := invoice.CheckIdentity(inv.Code, inv.Number, inv.Machine); err != nil {
			return nil, fmt.Errorf("print: %w", err)
		}
	}
	if req.Paper == "" {
		req.Paper = PaperInvoice
	}
	if _, err := ParsePaper(string(req.Paper)); err != nil {
		return nil, fmt.Errorf("print: %w", err)
	}
	// A first look at the printer before the layout work, so that a stopped printer is
	// said at once; the second, just before sending, is the one that counts.
	if _, err := Choose(ctx, sp, req.Printer); err != nil {
		return nil, err
	}
	sheets, err := Sheets(req.Invoices, req.Paper, req.Progress)
	if err != nil {
		return nil, fmt.Errorf("print: %w", err)
	}
	p, err := Choose(ctx, sp, req.Printer)
	if err != nil {
		return nil, err
	}
	refs := make([]string, len(req.Invoices))
	for i, inv := range req.Invoices {
		refs[i] = invoice.Ref(inv.Code, inv.Number) // a 数电 invoice: its number alone
	}
	title := "发票 " + refs[0]
	if len(refs) > 1 {
		title = fmt.Sprintf("发票 %s 等 %d 张", refs[0], len(refs))
	}
	// The copies are in the document, collated: spoolers and drivers differ in whether
	// they honour a copy count (cups-pdf ignores it), a repeated document prints the same
	// everywhere.
	all := make([]pdf.Page, 0, len(sheets)*req.Copies)
	for range req.Copies {
		all = append(all, sheets...)
	}
	j := &Job{Printer: p.Name, Paper: req.Paper, Copies: req.Copies, Title: title, Sheets: all,
		Created: req.Invoices[0].IssuedAt}
	id, err := sp.Submit(ctx, j)
	if err != nil {
		return nil, err
	}
	return &Result{Printer: p.Name, Job: id, Invoices: refs, Pages: len(all), Copies: req.Copies, Paper: req.Paper}, nil
}

// Auditor is where a print is recorded: the store's audit log.
type Auditor interface {
	Audit(operator, action, subject, detail string) error
}

// Record writes an accepted print to the audit log: who, which invoices, the printer,
// the copies, the paper and the spooler's job.
func Record(a Auditor, operator string, r *Result) error {
	detail := fmt.Sprintf("printer=%s job=%s paper=%s copies=%d pages=%d", r.Printer, r.Job, r.Paper, r.Copies, r.Pages)
	return a.Audit(operator, "print", strings.Join(r.Invoices, ","), detail)
}
