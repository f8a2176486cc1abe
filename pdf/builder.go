package pdf

import (
	"image/color"
	"math"
	"strings"
)

// builder appends to one page of the display list. It keeps the first error (a
// character no font has) so that layout code reads as a sequence of drawing calls.
type builder struct {
	fs   *fontSet
	page *Page
	err  error
}

type align int

const (
	left align = iota
	center
	right
)

// Typographic proportions of the serif face, as fractions of the em: where the ink of
// a CJK character sits relative to the baseline, used to centre text in boxes.
const (
	ascent  = 0.88
	descent = 0.12
	leading = 1.18 // line pitch of wrapped text
)

// text draws s on one line with its baseline at y; x is its left end, centre or right
// end as a says.
func (b *builder) text(x, y, size float64, s string, c color.RGBA, a align) {
	if s == "" || b.err != nil {
		return
	}
	runs, err := b.fs.runs(s, size)
	if err != nil {
		b.err = err
		return
	}
	var w float64
	for _, r := range runs {
		w += r.width
	}
	switch a {
	case center:
		x -= w / 2
	case right:
		x -= w
	}
	for _, r := range runs {
		b.page.Texts = append(b.page.Texts, Text{X: x, Y: y, Size: size, Face: r.face, S: r.text, Color: c, Width: r.width})
		x += r.width
	}
}

// rotated draws s with its centre at (cx, cy), turned angle degrees counter-clockwise.
func (b *builder) rotated(cx, cy, size float64, s string, c color.RGBA, angle float64) {
	if b.err != nil {
		return
	}
	runs, err := b.fs.runs(s, size)
	if err != nil {
		b.err = err
		return
	}
	var w float64
	for _, r := range runs {
		w += r.width
	}
	rad := angle * math.Pi / 180
	dx, dy := math.Cos(rad), -math.Sin(rad)  // along the baseline, y down
	ux, uy := -math.Sin(rad), -math.Cos(rad) // up
	h := (ascent - descent) * size * mmPerPt / 2
	x, y := cx-dx*w/2-ux*h, cy-dy*w/2-uy*h
	for _, r := range runs {
		b.page.Texts = append(b.page.Texts, Text{X: x, Y: y, Size: size, Face: r.face, S: r.text, Color: c, Angle: angle, Width: r.width})
		x += dx * r.width
		y += dy * r.width
	}
}

// box draws s inside the w × h box at (x, y), wrapped to the box's width and centred
// vertically, at the largest size from maxSize down (0.5 pt steps) at which it fits.
// The order rules' length limits keep every field readable at 4 pt or more in its
// cell; text that still does not fit (36 W's in a spec cell of the goods list) goes
// smaller rather than past the cell's edge, down to 2 pt.
func (b *builder) box(x, y, w, h float64, s string, maxSize float64, c color.RGBA, a align) {
	b.fit(x, y, w, h, s, maxSize, c, a, false)
}

// topBox is box with the text set from the box's top instead of centred: the 备注,
// whose first lines must stay clear of the seal below them.
func (b *builder) topBox(x, y, w, h float64, s string, maxSize float64, c color.RGBA, a align) {
	b.fit(x, y, w, h, s, maxSize, c, a, true)
}

func (b *builder) fit(x, y, w, h float64, s string, maxSize float64, c color.RGBA, a align, top bool) {
	if s == "" || b.err != nil {
		return
	}
	const minSize = 2
	size := maxSize
	var lines []string
	for ; ; size -= 0.5 {
		lines = b.wrap(s, w, size)
		if float64(len(lines))*size*mmPerPt*leading <= h || size-0.5 < minSize {
			break
		}
	}
	if top {
		h = float64(len(lines)) * size * mmPerPt * leading
	}
	b.lines(x, y, w, h, lines, size, c, a)
}

// lines draws lines of text centred vertically in the box.
func (b *builder) lines(x, y, w, h float64, lines []string, size float64, c color.RGBA, a align) {
	pitch := size * mmPerPt * leading
	em := size * mmPerPt
	top := y + (h-float64(len(lines))*pitch)/2
	for i, l := range lines {
		base := top + float64(i)*pitch + (pitch-em)/2 + ascent*em
		switch a {
		case left:
			b.text(x, base, size, l, c, left)
		case center:
			b.text(x+w/2, base, size, l, c, center)
		case right:
			b.text(x+w, base, size, l, c, right)
		}
	}
}

// wrap breaks s into lines no wider than w at size pt: at explicit newlines, and
// between any two characters where a line would overflow (Chinese text has no spaces to
// break at). A line holds at least one character, so a box narrower than a glyph still
// makes progress: that is the loop gopdf's SplitText never leaves.
func (b *builder) wrap(s string, w, size float64) []string {
	var out []string
	for para := range strings.SplitSeq(s, "\n") {
		start, lw := 0, 0.0
		for i, r := range para {
			cw := b.fs.width(string(r), size)
			if lw+cw > w && i > start {
				out = append(out, para[start:i])
				start, lw = i, 0
			}
			lw += cw
		}
		out = append(out, para[start:])
	}
	return out
}

// vertical stacks the characters of s top to bottom, centred in the column from x to
// x+w and spread over y0..y1: the section labels 购买方, 密码区, 销售方, 备注.
func (b *builder) vertical(x, w, y0, y1 float64, s string, size float64, c color.RGBA) {
	rs := []rune(s)
	step := (y1 - y0) / float64(len(rs))
	for i, r := range rs {
		mid := y0 + step*(float64(i)+0.5)
		b.text(x+w/2, mid+(ascent-descent)/2*size*mmPerPt, size, string(r), c, center)
	}
}

func (b *builder) line(x1, y1, x2, y2, width float64, c color.RGBA) {
	b.page.Lines = append(b.page.Lines, Line{X1: x1, Y1: y1, X2: x2, Y2: y2, Width: width, Color: c})
}

// rect strokes a rectangle's outline.
func (b *builder) rect(x, y, w, h, width float64, c color.RGBA) {
	b.line(x, y, x+w, y, width, c)
	b.line(x+w, y, x+w, y+h, width, c)
	b.line(x+w, y+h, x, y+h, width, c)
	b.line(x, y+h, x, y, width, c)
}
