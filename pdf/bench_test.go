package pdf

import (
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
)

// benchSigned renders and signs inv b.N times and reports the file's size.
func benchSigned(b *testing.B, inv *invoice.Invoice) {
	s := signer(b)
	var size int
	for b.Loop() {
		out, err := RenderSigned(inv, Options{}, s)
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size), "bytes/pdf")
}

// BenchmarkRenderSignedOnePage renders and signs the one-page blue sample, as a clerk
// opening or e-mailing an invoice does. Budget: ≤ 10 ms median, ≤ 60 KB.
func BenchmarkRenderSignedOnePage(b *testing.B) {
	benchSigned(b, mustSamples(b)[0].inv)
}

// BenchmarkRender2000Lines renders and signs the largest invoice: a face and 77
// goods-list pages. Budget: ≤ 1 s.
func BenchmarkRender2000Lines(b *testing.B) {
	inv, err := pdftest.Long(2000, "00000046")
	if err != nil {
		b.Fatal(err)
	}
	benchSigned(b, inv)
}

// BenchmarkPreviewOnePage draws the blue sample's face at 100 dpi, the GUI's preview.
func BenchmarkPreviewOnePage(b *testing.B) {
	inv := mustSamples(b)[0].inv
	for b.Loop() {
		if _, err := Preview(inv, Options{Seal: true}, 100); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderSignedDigitalOnePage renders and signs the one-page 数电 blue sample.
// Budget as the device layout's: ≤ 10 ms, ≤ 60 KB.
func BenchmarkRenderSignedDigitalOnePage(b *testing.B) {
	benchSigned(b, mustDigitalSamples(b)[0].inv)
}

// BenchmarkRenderDigital2000Lines: the largest 数电 invoice, a face and 77 goods-list
// pages, signed. Budget: ≤ 1 s.
func BenchmarkRenderDigital2000Lines(b *testing.B) {
	inv, err := pdftest.DigitalLong(2000, pdftest.DigitalNumber(46))
	if err != nil {
		b.Fatal(err)
	}
	benchSigned(b, inv)
}
