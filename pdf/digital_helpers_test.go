package pdf

import (
	"sync"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
)

// digitalSamples are the 数电 twins of the samples: a blue invoice with a discount line,
// a red one reversing example 02 through a confirmation slip, a 30-line one with a goods
// list, and a 增值税专用发票.
var digitalSamples = sync.OnceValues(func() ([]sample, error) {
	blue, err := pdftest.DigitalExample("01-software-service.json", pdftest.DigitalNumber(42))
	if err != nil {
		return nil, err
	}
	computers, err := pdftest.DigitalExample("02-computers-tax-inclusive.json", pdftest.DigitalNumber(43))
	if err != nil {
		return nil, err
	}
	red, err := pdftest.DigitalRed(computers, pdftest.DigitalNumber(44), "35020026112600000007")
	if err != nil {
		return nil, err
	}
	long, err := pdftest.DigitalLong(30, pdftest.DigitalNumber(45))
	if err != nil {
		return nil, err
	}
	special := *computers
	special.Kind = invoice.KindDigitalSpecial
	special.Issued = pdftest.DigitalIssued(pdftest.DigitalNumber(46))
	return []sample{{"digital-blue", blue}, {"digital-red", red}, {"digital-thirty-lines", long}, {"digital-special", &special}}, nil
})

func mustDigitalSamples(t testing.TB) []sample {
	t.Helper()
	s, err := digitalSamples()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
