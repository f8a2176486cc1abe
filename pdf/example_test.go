package pdf_test

import (
	"fmt"

	"github.com/kaipiao/kaipiao/pdf"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
)

// An issued invoice prints as a PDF; with a goods list it has more pages, and the
// preview has the same pages as images.
func ExampleRender() {
	inv, err := pdftest.Example("04-twelve-lines.json", "00000042")
	if err != nil {
		panic(err)
	}
	data, err := pdf.Render(inv, pdf.Options{})
	if err != nil {
		panic(err)
	}
	pages, err := pdf.Preview(inv, pdf.Options{}, 50)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(data[:8]), len(pages), "pages,", pages[0].Bounds().Dx(), "×", pages[0].Bounds().Dy(), "pixels at 50 dpi")
	// Output: %PDF-1.7 2 pages, 473 × 276 pixels at 50 dpi
}
