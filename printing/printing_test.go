package printing

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
)

func TestParseLpstat(t *testing.T) {
	out := `printer Office is idle.  enabled since Sun Nov 29 14:00:26 2026
printer Kaipiao-PDF disabled since Sun Nov 29 14:02:13 2026 -
	toner low
printer Front now printing Front-3.  enabled since Sun Nov 29 14:02:13 2026
printer Back is idle.  enabled since Sun Nov 29 14:02:13 2026
	Rejecting Jobs
Office accepting requests since Sun Nov 29 14:00:26 2026
Kaipiao-PDF accepting requests since Sun Nov 29 14:02:13 2026
Front accepting requests since Sun Nov 29 14:02:13 2026
Back not accepting requests since Sun Nov 29 14:02:13 2026 -
	Rejecting Jobs
system default destination: Kaipiao-PDF
`
	got := parseLpstat(out)
	want := []Printer{
		{Name: "Kaipiao-PDF", Default: true, State: StateStopped, Reason: "toner low"},
		{Name: "Office", State: StateIdle},
		{Name: "Front", State: StatePrinting},
		{Name: "Back", State: StateRejecting, Reason: "Rejecting Jobs"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("printer %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestPapersFitTheInvoice(t *testing.T) {
	for _, p := range Papers {
		s := p.Sheet()
		if s.X < 0 || s.Y < 0 || s.X+pageW*s.Scale > s.Width+1e-9 || s.Y+pageH*s.Scale > s.Height+1e-9 {
			t.Errorf("%s: the invoice does not fit the sheet: %+v", p, s)
		}
	}
	// A 销货清单 page is taller than the face (the seal sits below its table): it fits
	// every paper too, at its own size on A4.
	for _, p := range Papers {
		const w, h = 240.0, 166.0
		s := p.SheetFor(w, h)
		if s.X < 0 || s.Y < 0 || s.X+w*s.Scale > s.Width+1e-9 || s.Y+h*s.Scale > s.Height+1e-9 || (p == PaperA4 && s.Scale != 1) {
			t.Errorf("%s: a goods-list page does not fit the sheet: %+v", p, s)
		}
	}
	if s := PaperA4.Sheet(); s.Scale != 1 || s.Y != 0 {
		t.Errorf("A4 must carry the invoice at its own size at the top: %+v", s)
	}
	if _, err := ParsePaper("letter"); err == nil {
		t.Error("letter accepted")
	}
}

// fakeSpooler is a spooler in memory, beside the real CUPS tests.
type fakeSpooler struct {
	printers []Printer
	submit   error
	jobs     []*Job
}

func (f *fakeSpooler) Printers(context.Context) ([]Printer, error) { return f.printers, nil }
func (f *fakeSpooler) Submit(_ context.Context, j *Job) (string, error) {
	if f.submit != nil {
		return "", f.submit
	}
	f.jobs = append(f.jobs, j)
	return "fake-1", nil
}

func TestPrintSendsOnlyToAReadyPrinter(t *testing.T) {
	inv, err := pdftest.Example("01-software-service.json", "00000001")
	if err != nil {
		t.Fatal(err)
	}
	req := Request{Invoices: []*invoice.Invoice{inv}, Paper: PaperA5, Copies: 3}
	for _, c := range []struct {
		printers []Printer
		name     string
		want     error
	}{
		{nil, "", ErrNoPrinters},
		{[]Printer{{Name: "A", State: StateIdle}}, "", ErrNoDefault},
		{[]Printer{{Name: "A", State: StateIdle, Default: true}}, "B", ErrMissing},
		{[]Printer{{Name: "A", State: StateStopped, Default: true}}, "", ErrStopped},
		{[]Printer{{Name: "A", State: StateOffline, Default: true}}, "A", ErrOffline},
		{[]Printer{{Name: "A", State: StateRejecting, Default: true}}, "A", ErrRejecting},
	} {
		f := &fakeSpooler{printers: c.printers}
		req.Printer = c.name
		r, err := Print(context.Background(), f, req)
		if !errors.Is(err, c.want) || r != nil || len(f.jobs) != 0 {
			t.Errorf("%+v %q: %v, %v, %d jobs; want %v and nothing sent", c.printers, c.name, r, err, len(f.jobs), c.want)
		}
	}
	f := &fakeSpooler{printers: []Printer{{Name: "A", State: StateIdle, Default: true}},
		submit: &Error{Printer: "A", Err: ErrRefused, Detail: "lp: out of paper"}}
	req.Printer = ""
	if r, err := Print(context.Background(), f, req); !errors.Is(err, ErrRefused) || r != nil {
		t.Errorf("refused job: %v, %v", r, err)
	}
	f.submit = nil
	r, err := Print(context.Background(), f, req)
	if err != nil || r.Pages != 3 || len(f.jobs) != 1 || len(f.jobs[0].Sheets) != 3 || f.jobs[0].Sheets[0].Width != 210 {
		t.Errorf("three copies on A5: %+v, %v", r, err)
	}
	if _, err := Print(context.Background(), f, Request{Invoices: req.Invoices, Copies: 0}); err == nil {
		t.Error("zero copies accepted")
	}
	// A code that is not digits names no job (the review's ../../../../tmp/x).
	bad := *inv
	bad.Code = "../../../../tmp/x"
	sent := len(f.jobs)
	if _, err := Print(context.Background(), f, Request{Invoices: []*invoice.Invoice{&bad}, Copies: 1}); err == nil || len(f.jobs) != sent {
		t.Errorf("a ../ code was printed: %v", err)
	}
}

// Whatever lpstat prints, the printers read from it are named, in a known state, and the
// default (at most one) comes first.
func FuzzParseLpstat(f *testing.F) {
	f.Add("printer A is idle.  enabled since x\nA accepting requests since x\nsystem default destination: A\n")
	f.Add("printer B disabled since x -\n\treason\nB not accepting requests since x -\n\tRejecting Jobs\n")
	f.Add("printer C now printing C-1.  enabled since x\nsystem default destination: C\nprinter C is idle.\n")
	f.Fuzz(func(t *testing.T, out string) {
		ps := parseLpstat(out)
		defaults := 0
		for i, p := range ps {
			if p.Name == "" || strings.ContainsAny(p.Name, " \t\n") {
				t.Fatalf("printer %d has name %q", i, p.Name)
			}
			switch p.State {
			case StateIdle, StatePrinting, StateStopped, StateRejecting:
			default:
				t.Fatalf("printer %q in state %q", p.Name, p.State)
			}
			if p.Default {
				defaults++
				if i != 0 {
					t.Fatalf("the default %q is not first", p.Name)
				}
			}
		}
		if defaults > 1 {
			t.Fatalf("%d defaults", defaults)
		}
	})
}
