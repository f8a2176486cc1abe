package pdf

import (
	"fmt"
	"image"
	"math"
	"time"
)

// Sheet is a sheet of paper and where an invoice page lies on it: the printing
// package's papers (the invoice's own page, A4, A5) are sheets. Placing a page only
// moves and scales its display list, so a printed sheet is drawn from the same layout
// as the PDF and the preview.
type Sheet struct {
	Width, Height float64 // the paper, mm
	X, Y          float64 // where the page's top-left corner goes, mm from the sheet's
	Scale         float64 // sheet mm per page mm; 1 prints the invoice at its own size
}

// Place returns the page moved and scaled onto the sheet: a page of the sheet's size.
func (s Sheet) Place(p *Page) Page {
	k := s.Scale
	at := func(x, y float64) (float64, float64) { return s.X + x*k, s.Y + y*k }
	out := Page{Width: s.Width, Height: s.Height,
		Texts: make([]Text, len(p.Texts)), Lines: make([]Line, len(p.Lines)),
		Rects: make([]Rect, len(p.Rects)), Ellipses: make([]Ellipse, len(p.Ellipses))}
	for i, t := range p.Texts {
		t.X, t.Y = at(t.X, t.Y)
		t.Size *= k
		t.Width *= k
		out.Texts[i] = t
	}
	for i, l := range p.Lines {
		l.X1, l.Y1 = at(l.X1, l.Y1)
		l.X2, l.Y2 = at(l.X2, l.Y2)
		l.Width *= k
		out.Lines[i] = l
	}
	for i, r := range p.Rects {
		r.X, r.Y = at(r.X, r.Y)
		r.W, r.H = r.W*k, r.H*k
		out.Rects[i] = r
	}
	for i, e := range p.Ellipses {
		e.CX, e.CY = at(e.CX, e.CY)
		e.RX, e.RY, e.Width = e.RX*k, e.RY*k, e.Width*k
		out.Ellipses[i] = e
	}
	return out
}

// RenderPages writes pages (of any size: placed sheets, the pages of several invoices)
// as one unsigned PDF, for a print job that must be a single document. created is the
// file's /CreationDate.
func RenderPages(pages []Page, title string, created time.Time) ([]byte, error) {
	if len(pages) == 0 {
		return nil, fmt.Errorf("pdf: nothing to render")
	}
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	return drawPDF(fs, &Document{Pages: pages}, title, created)
}

// DrawPage renders one page as an image at dpi dots per inch: the pages a printer's
// device context receives, at its resolution.
func DrawPage(p *Page, dpi float64) (*image.RGBA, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	return drawImage(fs, p, dpi), nil
}

// DrawBand renders the pixel rows [top, top+rows) of a page at dpi dots per inch: a
// printer at 600 dpi takes an A4 sheet in bands rather than as one 140 MB image. The
// band's bounds are in the whole page's pixels; joined, the bands are DrawPage's image.
func DrawBand(p *Page, dpi float64, top, rows int) (*image.RGBA, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	s := dpi / 25.4
	img := image.NewRGBA(image.Rect(0, top, int(math.Ceil(p.Width*s)), top+rows))
	drawInto(fs, p, s, img)
	return img, nil
}
