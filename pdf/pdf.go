// Package pdf renders an issued invoice as the printed 电子普通发票: a 240 × 140 mm face
// page and, past 8 lines, 销货清单 pages as wide and 166 mm tall (docs/rules.md "Printed
// layout"); on each the seal covers neither the remark nor a table cell. A 数电 invoice of
// the digital channel has its own layout, 210 × 140 mm without seal (digital.go,
// docs/einvoice.md "The 数电 layout"). One layout, a display list in
// millimetres, feeds both the PDF (gopdf, fonts embedded as subsets) and the preview
// image for the GUI, so the two cannot disagree. A signed PDF carries the seller's
// 电子签章: an adbe.pkcs7.detached signature that standard readers verify, and the seal
// drawn at 销售方（章）.
//
// Output is deterministic: the same invoice (and the same RSA key and signing time)
// gives the same bytes, which is what lets tests keep golden files.
package pdf

import (
	"fmt"
	"image"

	"github.com/kaipiao/kaipiao/invoice"
)

// Options adjust the printed invoice.
type Options struct {
	// Region is the place in the title, e.g. 厦门 in 厦门增值税电子普通发票: the seller's
	// setting where it has one. Empty takes it from the invoice code (RegionOf). The 数电
	// layout has no region in its title and ignores it.
	Region string
	// Seal draws the seller's 发票专用章 at 销售方（章）. RenderSigned always draws it: the
	// seal is what a reader sees of the signature. A 数电 invoice has no seal: ignored.
	Seal bool
}

// Layout lays the invoice out: the face, then the goods-list pages an invoice with more
// than invoice.FaceLines lines needs. It fails, wrapping ErrMissingGlyph, when a
// character of the invoice is in none of the embedded fonts: the invoice would otherwise
// print a blank where that character belongs.
func Layout(inv *invoice.Invoice, opts Options) (*Document, error) {
	_, d, err := layout(inv, &opts)
	return d, err
}

// layout is Layout with the fonts it measured with, which drawing the document needs.
func layout(inv *invoice.Invoice, o *Options) (*fontSet, *Document, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, nil, err
	}
	d, err := layoutWith(fs, inv, o)
	return fs, d, err
}

func layoutWith(fs *fontSet, inv *invoice.Invoice, o *Options) (*Document, error) {
	if len(inv.Lines) == 0 {
		return nil, fmt.Errorf("pdf: invoice %s:%s has no lines", inv.Code, inv.Number)
	}
	if inv.Kind.Digital() {
		return digitalLayout(fs, inv)
	}
	face, err := facePage(fs, inv, o)
	if err != nil {
		return nil, err
	}
	d := &Document{Pages: []Page{face}}
	if inv.NeedsGoodsList() {
		list, err := listPages(fs, inv, taxList(o))
		if err != nil {
			return nil, err
		}
		d.Pages = append(d.Pages, list...)
	}
	return d, nil
}

// Render returns the invoice as an unsigned PDF. The same invoice and options give the
// same bytes: every date in the file is the invoice's IssuedAt.
func Render(inv *invoice.Invoice, opts Options) ([]byte, error) {
	fs, d, err := layout(inv, &opts)
	if err != nil {
		return nil, err
	}
	return drawPDF(fs, d, docTitle(inv), inv.IssuedAt)
}

// docTitle is the PDF's /Title, what a reader's window shows.
func docTitle(inv *invoice.Invoice) string {
	if inv.Code == "" {
		return inv.Kind.Title() + " " + inv.Number
	}
	return fmt.Sprintf("%s %s %s", inv.Kind.Title(), inv.Code, inv.Number)
}

// Preview renders the invoice's pages as images at dpi dots per inch for the GUI: the
// same layout as the PDF, drawn from the same glyph outlines, so what the clerk sees is
// what prints. It fails as Layout does.
func Preview(inv *invoice.Invoice, opts Options, dpi float64) ([]*image.RGBA, error) {
	fs, d, err := layout(inv, &opts)
	if err != nil {
		return nil, err
	}
	out := make([]*image.RGBA, len(d.Pages))
	for i := range d.Pages {
		out[i] = drawImage(fs, &d.Pages[i], dpi)
	}
	return out, nil
}
