package pdf

import (
	"errors"
	"fmt"
	"sync"

	"github.com/kaipiao/kaipiao/assets"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// face is one embedded font, parsed once: sfnt for measuring and outlines, its tables
// for cutting the per-document subsets that gopdf embeds (subset.go).
type face struct {
	name       string // PostScript name, after the subset tag in the PDF
	data       []byte
	sfnt       *sfnt.Font
	tables     sfntTables
	unitsPerEm float64
}

// glyph is where a rune is drawn from: which face, which glyph, how far it advances.
type glyph struct {
	face    uint8
	index   sfnt.GlyphIndex
	advance int16 // in font units of its face
}

// fontSet is the faces in order of preference and, for every rune any of them has, the
// glyph to draw it with. It is read-only after loading, so documents rendered
// concurrently share it.
type fontSet struct {
	faces  []*face
	glyphs map[rune]glyph
}

// ErrMissingGlyph is wrapped by the error of a render whose text holds a character no
// embedded font can draw: the invoice would otherwise print a blank or a box.
var ErrMissingGlyph = errors.New("pdf: character not in the invoice fonts")

var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	return newFontSet(
		&face{name: "NotoSerifSC-Regular", data: assets.SerifFont()},
		&face{name: "KaipiaoSymbols", data: assets.SymbolFont()},
	)
})

func newFontSet(faces ...*face) (*fontSet, error) {
	fs := &fontSet{faces: faces, glyphs: map[rune]glyph{}}
	var buf sfnt.Buffer
	for i := len(faces) - 1; i >= 0; i-- { // earlier faces win: they overwrite
		f := faces[i]
		var err error
		if f.sfnt, err = sfnt.Parse(f.data); err != nil {
			return nil, fmt.Errorf("pdf: font %s: %w", f.name, err)
		}
		if f.tables, err = readTables(f.data); err != nil {
			return nil, fmt.Errorf("pdf: font %s: %w", f.name, err)
		}
		f.unitsPerEm = float64(f.sfnt.UnitsPerEm())
		ppem := fixed.Int26_6(f.sfnt.UnitsPerEm()) << 6
		for r := rune(0x20); r < 0x10000; r++ {
			gi, err := f.sfnt.GlyphIndex(&buf, r)
			if err != nil || gi == 0 {
				continue
			}
			adv, err := f.sfnt.GlyphAdvance(&buf, gi, ppem, font.HintingNone)
			if err != nil {
				return nil, fmt.Errorf("pdf: font %s, glyph of %U: %w", f.name, r, err)
			}
			fs.glyphs[r] = glyph{face: uint8(i), index: gi, advance: int16(adv >> 6)}
		}
	}
	return fs, nil
}

// run is a stretch of text drawn with one face.
type run struct {
	face  int
	text  string
	width float64 // mm at the size it was measured at
}

// runs splits s into stretches of one face each and measures them at size pt. It fails
// on the first character no face has.
func (fs *fontSet) runs(s string, size float64) ([]run, error) {
	var out []run
	start, cur := 0, -1
	var w float64
	for i, r := range s {
		g, ok := fs.glyphs[r]
		if !ok {
			return nil, fmt.Errorf("%w: %q (%U) in %q", ErrMissingGlyph, r, r, s)
		}
		if int(g.face) != cur {
			if cur >= 0 {
				out = append(out, run{face: cur, text: s[start:i], width: w})
			}
			start, cur, w = i, int(g.face), 0
		}
		w += fs.advance(g, size)
	}
	if cur >= 0 {
		out = append(out, run{face: cur, text: s[start:], width: w})
	}
	return out, nil
}

// advance is how far g moves the pen at size pt, in mm.
func (fs *fontSet) advance(g glyph, size float64) float64 {
	return float64(g.advance) / fs.faces[g.face].unitsPerEm * size * mmPerPt
}

// width measures s at size pt in mm; characters no face has count as one em, so that
// layout can go on and the render fails on them with a clear error instead.
func (fs *fontSet) width(s string, size float64) float64 {
	var w float64
	for _, r := range s {
		if g, ok := fs.glyphs[r]; ok {
			w += fs.advance(g, size)
		} else {
			w += size * mmPerPt
		}
	}
	return w
}

// has reports whether some face draws r.
func (fs *fontSet) has(r rune) bool {
	_, ok := fs.glyphs[r]
	return ok
}

const mmPerPt = 25.4 / 72
