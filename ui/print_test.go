package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/printing"
	"github.com/kaipiao/kaipiao/printing/cupstest"
)

// issueTwelveLines issues an invoice of 12 lines: its face and a goods-list page.
func issueTwelveLines(t *testing.T, ws *Workstation) *invoice.Invoice {
	t.Helper()
	o := &invoice.Order{OrderID: "B-12", Buyer: invoice.OrderBuyer{Name: "厦门十二行贸易有限公司"}}
	for i := 1; i <= 12; i++ {
		o.Lines = append(o.Lines, invoice.OrderLine{Name: fmt.Sprintf("计算机配件%02d", i), TaxCode: "1090509020000000000",
			Unit: "件", Quantity: fmt.Sprint(i), UnitPrice: "120.50", TaxRate: "0.13"})
	}
	outs, err := engineOf(t, ws).Issue(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return outs[0].Invoice
}

// printAudits counts the audit log's print entries.
func printAudits(t *testing.T, ws *Workstation) []string {
	t.Helper()
	log, err := dbOf(t, ws).AuditLog(1, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range log {
		if e.Action == "print" {
			out = append(out, e.Operator+" "+e.Subject+" "+e.Detail)
		}
	}
	return out
}

// waitPrint runs the dialog's print and waits for the spooler's answer.
func waitPrint(t *testing.T, p *printDialog) (*printing.Result, error) {
	t.Helper()
	var mu sync.Mutex
	var res *printing.Result
	var err error
	done := false
	p.done = func(r *printing.Result, e error) { mu.Lock(); res, err, done = r, e, true; mu.Unlock() }
	test.Tap(p.ok)
	eventually(t, "the print", func() bool { mu.Lock(); defer mu.Unlock(); return done })
	return res, err
}

// The clerk prints the selected invoice, then every invoice the filter shows as one job
// on another printer, which the dialog then remembers; a stopped printer is refused in
// the dialog with nothing recorded. Through a private CUPS scheduler onto cups-pdf.
func TestClerkPrintsInvoices(t *testing.T) {
	srv := cupstest.Start(t)
	office := srv.AddPDFPrinter(t, "Office-PDF", true)
	spare := srv.AddPDFPrinter(t, "Spare-PDF", false)
	ws := newWorkstation(t)
	ws.Printing = srv.CUPS()
	u, w := newTestUI(t, ws)
	blue := issueBlue(t, ws)
	twelve := issueTwelveLines(t, ws)
	u.ShowInvoices()
	eventually(t, "the list", func() bool { return len(u.list.records) == 2 })
	for i, r := range u.list.records {
		if r.Invoice.Number == blue.Number {
			u.list.table.Select(widgetCell(i))
		}
	}

	p := u.list.showPrint(false)
	if len(p.printer.Options) != 2 || p.printer.Selected != "Office-PDF（默认）" || p.printer.Options[1] != "Spare-PDF" {
		t.Fatalf("printers offered %q, selected %q", p.printer.Options, p.printer.Selected)
	}
	if p.count.Text != "已选 1 张 / 共 2 张" || p.preview.Image == nil || p.paperChoice() != printing.PaperInvoice {
		t.Fatalf("count %q, preview %v, paper %s", p.count.Text, p.preview.Image != nil, p.paperChoice())
	}
	p.paper.SetSelected(printing.PaperA4.Label())
	if b := p.preview.Image.Bounds(); b.Dx() <= b.Dy() {
		t.Errorf("the A4 preview is %v: the sheet is landscape", b)
	}
	screenshot(t, w, "print-dialog")
	res, err := waitPrint(t, p)
	if err != nil || res.Printer != "Office-PDF" || res.Pages != 1 || !strings.Contains(p.status.Text, "已发送 1 页到打印机 Office-PDF") {
		t.Fatalf("print: %+v %v; status %q", res, err, p.status.Text)
	}
	p.d.Hide()
	sheets := cupstest.Read(t, srv.Outputs(t, office, 1)[0])
	if len(sheets) != 1 || !strings.Contains(sheets[0].Text, blue.Number) || max(sheets[0].W, sheets[0].H) < 840 {
		t.Fatalf("printed %+v", sheets)
	}

	// Every invoice of the filter, two copies, on the other printer.
	p = u.list.showPrint(true)
	if p.count.Text != "已选 2 张 / 共 2 张" || p.paperChoice() != printing.PaperA4 {
		t.Errorf("batch: %q, paper %s (the last one used)", p.count.Text, p.paperChoice())
	}
	p.printer.SetSelectedIndex(1)
	p.paper.SetSelected(printing.PaperInvoice.Label())
	p.copies.SetText("2")
	res, err = waitPrint(t, p)
	if err != nil || res.Pages != 6 || res.Printer != "Spare-PDF" || p.progress.Value != 1 ||
		!strings.Contains(p.status.Text, "已发送 6 页到打印机 Spare-PDF（2 张发票 × 2 份") {
		t.Fatalf("batch: %+v %v; status %q", res, err, p.status.Text)
	}
	screenshot(t, w, "print-batch")
	p.d.Hide()
	sheets = cupstest.Read(t, srv.Outputs(t, spare, 1)[0])
	if len(sheets) != 6 {
		t.Fatalf("batch: %d pages printed, want 2 × (1 + 2)", len(sheets))
	}
	// Newest first: the 12-line invoice (face and goods list), then the other.
	for i, want := range []string{twelve.Number, twelve.Number, blue.Number} {
		if !strings.Contains(sheets[i].Text, want) || !strings.Contains(sheets[i+3].Text, want) {
			t.Errorf("batch page %d does not show %s", i+1, want)
		}
	}
	if a := printAudits(t, ws); len(a) != 2 || !strings.HasPrefix(a[1], "张三 ") || !strings.Contains(a[1], "printer=Spare-PDF") ||
		!strings.Contains(a[1], "copies=2") || !strings.Contains(a[1], blue.Code+":"+blue.Number) {
		t.Fatalf("audit log %q", a)
	}

	// The printer used last is chosen next time; stopped, it refuses in the dialog.
	srv.Run(t, "cupsdisable", "Spare-PDF")
	p = u.list.showPrint(false)
	if p.printer.Selected != "Spare-PDF（已暂停）" || p.paperChoice() != printing.PaperInvoice || p.copies.Text != "1" {
		t.Errorf("the last printer, stopped: %q, paper %s, copies %q (always 1 at first)", p.printer.Selected, p.paperChoice(), p.copies.Text)
	}
	res, err = waitPrint(t, p)
	if err == nil || res != nil || !strings.Contains(p.status.Text, "打印机“Spare-PDF”已暂停") {
		t.Fatalf("stopped printer: %+v %v; status %q", res, err, p.status.Text)
	}
	screenshot(t, w, "print-stopped")
	if a := printAudits(t, ws); len(a) != 2 {
		t.Errorf("a refused print reached the audit log: %q", a)
	}
}

// noPrinters is a computer without printers (or without a print service).
type noPrinters struct{ err error }

func (n noPrinters) Printers(context.Context) ([]printing.Printer, error) { return nil, n.err }
func (n noPrinters) Submit(context.Context, *printing.Job) (string, error) {
	return "", errors.New("no job should be sent")
}

// Without a printer, or without a print service, the dialog says so and sends nothing.
func TestPrintDialogWithoutPrinters(t *testing.T) {
	for _, sp := range []noPrinters{{}, {err: &printing.Error{Err: printing.ErrSpooler, Detail: "lpstat: scheduler is not running"}}} {
		ws := newWorkstation(t)
		ws.Printing = sp
		u, _ := newTestUI(t, ws)
		issueBlue(t, ws)
		u.ShowInvoices()
		eventually(t, "the list", func() bool { return len(u.list.records) == 1 })
		p := u.list.showPrint(true)
		want := "本机没有安装打印机"
		if sp.err != nil {
			want = "无法连接系统的打印服务"
		}
		if !strings.Contains(p.status.Text, want) || len(p.printer.Options) != 0 {
			t.Errorf("%v: status %q, printers %q", sp.err, p.status.Text, p.printer.Options)
		}
		test.Tap(p.ok)
		if !strings.Contains(p.status.Text, want) || len(printAudits(t, ws)) != 0 {
			t.Errorf("print without a printer: %q", p.status.Text)
		}
		p.d.Hide()
	}
}
