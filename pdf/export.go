package pdf

import (
	"github.com/kaipiao/kaipiao/invoice"
)

// What other back ends of the display list (the OFD writer) need from this package:
// the colours that tell the printed form from the data and the seal, the glyph advances
// the layout measured with, and the same font subsets the PDF embeds.

// Colours of the display list's objects: FormColor is the printed form (the OFD
// template page), SealColor the seal, anything else the invoice's data.
var (
	FormColor = formColor
	SealColor = sealColor
)

// SealSize is the seal's width and height, mm.
const SealSize = 2 * sealRX

// SealHeight is the seal's height, mm.
const SealHeight = 2 * sealRY

// Font is one face a document uses, cut down to the document's characters.
type Font struct {
	Face   int    // the display list's Text.Face
	Name   string // PostScript name
	Family string
	Data   []byte // TrueType, glyphs renumbered, cmap for exactly those characters
}

// Fonts returns the subsets of the faces d's texts use, in face order.
func Fonts(d *Document) ([]Font, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	var out []Font
	for _, sub := range fs.subsets(d) {
		family := "Noto Serif SC"
		if sub.face > 0 {
			family = "Kaipiao Symbols"
		}
		out = append(out, Font{Face: sub.face, Name: fs.faces[sub.face].name, Family: family, Data: sub.data})
	}
	return out, nil
}

// Advances are the advances (mm) of t's characters, in order, as the layout measured
// them: an OFD text's DeltaX, so that a reader places each glyph where the PDF does.
func Advances(t Text) []float64 {
	fs, err := loadFonts()
	if err != nil {
		return nil
	}
	var out []float64
	for _, r := range t.S {
		if g, ok := fs.glyphs[r]; ok {
			out = append(out, fs.advance(g, t.Size))
		} else {
			out = append(out, t.Size*mmPerPt)
		}
	}
	return out
}

// SealPage is the seller's seal alone on a page of its own size, centred: what an OFD
// shows as its signature's stamp.
func SealPage(seller invoice.Party) (*Page, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	p := &Page{Width: SealSize + 1, Height: SealHeight + 1}
	b := &builder{fs: fs, page: p}
	seal(b, p.Width/2, p.Height/2, seller)
	return p, b.err
}
