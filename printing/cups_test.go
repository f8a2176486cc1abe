package printing_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
	"github.com/kaipiao/kaipiao/printing"
	"github.com/kaipiao/kaipiao/printing/cupstest"
)

// These tests print through a real CUPS scheduler (a private cupsd) onto cups-pdf, a
// virtual printer that writes each job as a PDF, and read those files back with pdfinfo
// and pdftotext: what a clerk would see come out of the printer.

const mmPt = 72 / 25.4

// paperPt is each paper's size in pt, short side first.
var paperPt = map[printing.Paper][2]float64{
	printing.PaperInvoice: {140 * mmPt, 240 * mmPt},
	printing.PaperA4:      {210 * mmPt, 297 * mmPt},
	printing.PaperA5:      {148 * mmPt, 210 * mmPt},
}

// samples issues n sample invoices from docs/examples, cycling through four orders; the
// fourth is the 12-line one that needs a goods-list page.
func samples(t *testing.T, n int) []*invoice.Invoice {
	t.Helper()
	names := []string{"01-software-service.json", "02-computers-tax-inclusive.json", "03-exempt-rice.json", "04-twelve-lines.json"}
	out := make([]*invoice.Invoice, n)
	for i := range out {
		inv, err := pdftest.Example(names[i%len(names)], fmt.Sprintf("%08d", 31+i))
		if err != nil {
			t.Fatal(err)
		}
		out[i] = inv
	}
	return out
}

// checkSheet asserts a printed page is the paper's size and shows the invoice: its code
// and number, its total with tax on the face (page 0), and the amount and tax on the
// goods list's last page.
func checkSheet(t *testing.T, where string, s cupstest.Sheet, paper printing.Paper, inv *invoice.Invoice, page int) {
	t.Helper()
	want := paperPt[paper]
	short, long := math.Min(s.W, s.H), math.Max(s.W, s.H)
	if math.Abs(short-want[0]) > 2.5 || math.Abs(long-want[1]) > 2.5 {
		t.Errorf("%s: page is %.0f × %.0f pt, want %s: %.0f × %.0f", where, s.W, s.H, paper, want[1], want[0])
	}
	if paper == printing.PaperInvoice && s.W < s.H {
		t.Errorf("%s: the invoice paper comes out portrait (%.0f × %.0f pt): it reads sideways", where, s.W, s.H)
	}
	for _, f := range []string{inv.Code, inv.Number} {
		if !strings.Contains(s.Text, f) {
			t.Errorf("%s: %q (invoice %s:%s) is not on the page: %.200s", where, f, inv.Code, inv.Number, s.Text)
		}
	}
	tot := inv.Totals()
	var sums []string
	switch page {
	case 0:
		sums = []string{"¥" + tot.Total.String()}
	case inv.GoodsListPages():
		sums = []string{tot.Amount.String(), tot.Tax.String(), "总计"}
	}
	for _, f := range sums {
		if !strings.Contains(s.Text, f) {
			t.Errorf("%s: %s of %s:%s is not on its page %d: %.300s", where, f, inv.Code, inv.Number, page+1, s.Text)
		}
	}
}

func TestCUPSPrintsOneInvoiceOnEachPaper(t *testing.T) {
	srv := cupstest.Start(t)
	out := srv.AddPDFPrinter(t, "Kaipiao-PDF", true)
	sp := srv.CUPS()
	ctx := context.Background()
	inv := samples(t, 1)[0]
	want := []printing.Paper{printing.PaperInvoice, printing.PaperA4, printing.PaperA5}
	for _, paper := range want {
		// No printer named: the default one.
		r, err := printing.Print(ctx, sp, printing.Request{Invoices: []*invoice.Invoice{inv}, Paper: paper, Copies: 1})
		if err != nil {
			t.Fatalf("%s: %v", paper, err)
		}
		if r.Printer != "Kaipiao-PDF" || r.Job == "" || r.Pages != 1 {
			t.Errorf("%s: result %+v, want one page on Kaipiao-PDF with a job id", paper, r)
		}
	}
	// Two copies of the 12-line invoice: face and goods list, twice, in one file.
	twelve := samples(t, 4)[3]
	r, err := printing.Print(ctx, sp, printing.Request{Invoices: []*invoice.Invoice{twelve}, Printer: "Kaipiao-PDF",
		Paper: printing.PaperA4, Copies: 2})
	if err != nil {
		t.Fatal(err)
	}
	if r.Pages != 4 {
		t.Errorf("two copies of a 2-page invoice: %d pages sent, want 4", r.Pages)
	}
	files := srv.Outputs(t, out, len(want)+1)
	if len(files) != len(want)+1 {
		t.Fatalf("%d output files, want %d: %v", len(files), len(want)+1, files)
	}
	for i, paper := range want {
		sheets := cupstest.Read(t, files[i])
		if len(sheets) != 1 {
			t.Errorf("%s: %d pages, want 1", paper, len(sheets))
			continue
		}
		checkSheet(t, string(paper), sheets[0], paper, inv, 0)
	}
	sheets := cupstest.Read(t, files[len(want)])
	if len(sheets) != 4 {
		t.Fatalf("two copies: %d pages, want 4", len(sheets))
	}
	for i, s := range sheets {
		checkSheet(t, fmt.Sprintf("copies page %d", i+1), s, printing.PaperA4, twelve, i%2)
	}
	if !strings.Contains(sheets[1].Text, "销售货物或者提供应税劳务、服务清单") || !strings.Contains(sheets[3].Text, "总计") {
		t.Error("the goods list does not follow its invoice in each copy")
	}
}

func TestCUPSPrintsABatchAsOneJob(t *testing.T) {
	srv := cupstest.Start(t)
	out := srv.AddPDFPrinter(t, "Kaipiao-PDF", true)
	invs := samples(t, 20) // 5 of them with 12 lines: face + goods list
	var progress []int
	r, err := printing.Print(context.Background(), srv.CUPS(), printing.Request{Invoices: invs, Paper: printing.PaperInvoice,
		Copies: 1, Progress: func(done, total int) { progress = append(progress, done) }})
	if err != nil {
		t.Fatal(err)
	}
	wantPages := 0
	for _, inv := range invs {
		wantPages += 1 + inv.GoodsListPages()
	}
	if r.Pages != wantPages || len(r.Invoices) != 20 || len(progress) != 20 || progress[19] != 20 {
		t.Errorf("result %+v, progress %v; want %d pages of 20 invoices", r, progress, wantPages)
	}
	files := srv.Outputs(t, out, 1)
	if len(files) != 1 {
		t.Fatalf("%d output files, want one job: %v", len(files), files)
	}
	sheets := cupstest.Read(t, files[0])
	if len(sheets) != wantPages {
		t.Fatalf("%d pages printed, want %d", len(sheets), wantPages)
	}
	k := 0
	for _, inv := range invs {
		n := 1 + inv.GoodsListPages()
		for p := range n {
			checkSheet(t, fmt.Sprintf("page %d", k+1), sheets[k], printing.PaperInvoice, inv, p)
			k++
		}
		if n > 1 && !strings.Contains(sheets[k-1].Text, "总计") {
			t.Errorf("page %d: the goods list of %s does not follow its face", k, inv.Number)
		}
	}
}

func TestCUPSRefusesAStoppedOrMissingPrinter(t *testing.T) {
	srv := cupstest.Start(t)
	out := srv.AddPDFPrinter(t, "Kaipiao-PDF", true)
	sp := srv.CUPS()
	invs := samples(t, 1)
	ctx := context.Background()
	req := printing.Request{Invoices: invs, Paper: printing.PaperA4, Copies: 1}

	srv.Run(t, "cupsdisable", "-r", "toner low", "Kaipiao-PDF")
	ps, err := sp.Printers(ctx)
	if err != nil || len(ps) != 1 || ps[0].State != printing.StateStopped || ps[0].Reason != "toner low" || !ps[0].Default {
		t.Errorf("printers of a disabled queue: %+v, %v", ps, err)
	}
	_, err = printing.Print(ctx, sp, req)
	if !errors.Is(err, printing.ErrStopped) || !strings.Contains(printing.Message(err), "已暂停") {
		t.Errorf("disabled printer: %v (%s), want ErrStopped", err, printing.Message(err))
	}
	// Disabled between the check and the job: the job lp took is taken back.
	sheets, err := printing.Sheets(invs, printing.PaperA4, nil)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := sp.Submit(ctx, &printing.Job{Printer: "Kaipiao-PDF", Paper: printing.PaperA4, Copies: 1, Title: "t", Sheets: sheets}); !errors.Is(err, printing.ErrStopped) {
		t.Errorf("a job sent to a disabled queue: %q, %v; want ErrStopped", id, err)
	}
	srv.Run(t, "cupsenable", "Kaipiao-PDF")
	srv.Run(t, "cupsreject", "-r", "maintenance", "Kaipiao-PDF")
	if _, err := printing.Print(ctx, sp, req); !errors.Is(err, printing.ErrRejecting) {
		t.Errorf("rejecting printer: %v, want ErrRejecting", err)
	}
	srv.Run(t, "cupsaccept", "Kaipiao-PDF")
	req.Printer = "Gone"
	if _, err := printing.Print(ctx, sp, req); !errors.Is(err, printing.ErrMissing) || !strings.Contains(printing.Message(err), "找不到打印机“Gone”") {
		t.Errorf("missing printer: %v, want ErrMissing", err)
	}
	// Nothing reached the printer: no job was queued, no file written.
	if jobs := srv.Run(t, "lpstat", "-W", "not-completed", "-o"); strings.TrimSpace(jobs) != "" {
		t.Errorf("jobs wait in the queue: %s", jobs)
	}
	if files, _ := os.ReadDir(out); len(files) != 0 {
		t.Errorf("the printer wrote %d files", len(files))
	}
}
