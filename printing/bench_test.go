package printing

import (
	"image"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
)

func benchInvoices(b *testing.B, n int) []*invoice.Invoice {
	b.Helper()
	names := []string{"01-software-service.json", "02-computers-tax-inclusive.json", "03-exempt-rice.json", "04-twelve-lines.json"}
	out := make([]*invoice.Invoice, n)
	for i := range out {
		inv, err := pdftest.Example(names[i%len(names)], "00000001")
		if err != nil {
			b.Fatal(err)
		}
		out[i] = inv
	}
	return out
}

// BenchmarkBatch20PDF is the CUPS path's work before lp: 20 invoices (25 sheets) laid
// out on A4 and written as one PDF.
func BenchmarkBatch20PDF(b *testing.B) {
	invs := benchInvoices(b, 20)
	for b.Loop() {
		sheets, err := Sheets(invs, PaperA4, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := pdf.RenderPages(sheets, "bench", time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}

// nullDevice takes the bands and drops them: the Windows path's rendering alone.
type nullDevice struct{ dpi int }

func (d nullDevice) Resolution() (int, int)                 { return d.dpi, d.dpi }
func (nullDevice) Offset() (int, int)                       { return 0, 0 }
func (nullDevice) StartPage() error                         { return nil }
func (nullDevice) EndPage() error                           { return nil }
func (nullDevice) Blit(_ *image.RGBA, _, _, _, _ int) error { return nil }

// BenchmarkRasteriseA4At600dpi is the Windows path's work for one A4 sheet on a 600 dpi
// printer: the sheet drawn in bands at the device's resolution.
func BenchmarkRasteriseA4At600dpi(b *testing.B) {
	sheets, err := Sheets(benchInvoices(b, 1), PaperA4, nil)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := rasterise(nullDevice{dpi: 600}, sheets); err != nil {
			b.Fatal(err)
		}
	}
}
