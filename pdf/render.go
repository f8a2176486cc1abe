package pdf

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"time"

	"github.com/signintech/gopdf"
)

// producer is the PDF's /Producer; fixed so that equal invoices give equal bytes.
const producer = "Kaipiao"

// drawPDF renders the display list with gopdf. created becomes /CreationDate: the
// invoice's issue time, never the clock, for the same reason.
func drawPDF(fs *fontSet, d *Document, title string, created time.Time) ([]byte, error) {
	var gp gopdf.GoPdf
	gp.Start(gopdf.Config{Unit: gopdf.UnitMM, PageSize: gopdf.Rect{W: pageW, H: pageH}})
	gp.SetInfo(gopdf.PdfInfo{Title: title, Producer: producer, Creator: producer, CreationDate: created})
	names, err := embedFonts(&gp, fs, d)
	if err != nil {
		return nil, err
	}
	for _, p := range d.Pages {
		gp.AddPageWithOption(gopdf.PageOption{PageSize: &gopdf.Rect{W: p.Width, H: p.Height}})
		for _, r := range p.Rects {
			gp.SetFillColor(r.Color.R, r.Color.G, r.Color.B)
			gp.RectFromUpperLeftWithStyle(r.X, r.Y, r.W, r.H, "F")
		}
		for _, l := range p.Lines {
			gp.SetLineWidth(l.Width)
			gp.SetStrokeColor(l.Color.R, l.Color.G, l.Color.B)
			gp.Line(l.X1, l.Y1, l.X2, l.Y2)
		}
		for _, e := range p.Ellipses {
			gp.SetLineWidth(e.Width)
			gp.SetStrokeColor(e.Color.R, e.Color.G, e.Color.B)
			gp.Oval(e.CX-e.RX, e.CY-e.RY, e.CX+e.RX, e.CY+e.RY)
		}
		for _, t := range p.Texts {
			if err := gp.SetFont(names[t.Face], "", t.Size); err != nil {
				return nil, fmt.Errorf("pdf: %w", err)
			}
			gp.SetTextColor(t.Color.R, t.Color.G, t.Color.B)
			if t.Angle != 0 {
				gp.Rotate(t.Angle, t.X, t.Y)
			}
			gp.SetXY(t.X, t.Y)
			if err := gp.Text(t.S); err != nil {
				return nil, fmt.Errorf("pdf: text %q: %w", t.S, err)
			}
			if t.Angle != 0 {
				gp.RotateReset()
			}
		}
	}
	return gp.GetBytesPdfReturnErr()
}

// embedFonts gives gopdf, for each face the document uses, a font cut down to the
// document's characters, and returns the names to select them by. A name is the
// face's PostScript name after a six-letter tag and "+", which marks an embedded subset
// (ISO 32000-1 9.6.4); the tag is derived from the characters, so equal documents get
// equal names and different subsets different ones.
func embedFonts(gp *gopdf.GoPdf, fs *fontSet, d *Document) ([]string, error) {
	names := make([]string, len(fs.faces))
	for _, sub := range fs.subsets(d) {
		f := fs.faces[sub.face]
		names[sub.face] = subsetTag(sub.runes) + "+" + f.name
		var missing []rune
		opt := gopdf.TtfOption{OnGlyphNotFound: func(r rune) { missing = append(missing, r) }}
		if err := gp.AddTTFFontDataWithOption(names[sub.face], sub.data, opt); err != nil {
			return nil, fmt.Errorf("pdf: font %s: %w", f.name, err)
		}
		if len(missing) > 0 {
			// Unreachable while runs() checks every rune: kept so that gopdf can never
			// print a substitute silently.
			return nil, fmt.Errorf("%w: %q", ErrMissingGlyph, string(missing))
		}
	}
	return names, nil
}

// faceSubset is one face cut down to a document's characters.
type faceSubset struct {
	face  int    // index into fontSet.faces and the display list's Text.Face
	runes []rune // the characters, in order
	data  []byte // TrueType of exactly those (subsetFont)
}

// subsets are the subsets of the faces d's texts use, in face order: what the PDF embeds
// and the OFD writer gets from Fonts, the same for both. An unused face has none (it
// would add an empty font to the file).
func (fs *fontSet) subsets(d *Document) []faceSubset {
	used := make([]map[rune]bool, len(fs.faces))
	for _, p := range d.Pages {
		for _, t := range p.Texts {
			if used[t.Face] == nil {
				used[t.Face] = map[rune]bool{}
			}
			for _, r := range t.S {
				used[t.Face][r] = true
			}
		}
	}
	var out []faceSubset
	for i, f := range fs.faces {
		if used[i] == nil {
			continue
		}
		runes := make([]rune, 0, len(used[i]))
		for r := range used[i] {
			runes = append(runes, r)
		}
		slices.Sort(runes)
		gids := make([]uint16, len(runes))
		for k, r := range runes {
			gids[k] = uint16(fs.glyphs[r].index)
		}
		out = append(out, faceSubset{face: i, runes: runes, data: subsetFont(f.tables, runes, gids)})
	}
	return out
}

// subsetTag is six capital letters derived from the subset's characters.
func subsetTag(runes []rune) string {
	h := sha256.New()
	for _, r := range runes {
		h.Write([]byte(string(r)))
	}
	sum := h.Sum(nil)
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	return string(tag)
}
