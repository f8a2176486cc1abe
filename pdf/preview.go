package pdf

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// drawImage renders one page of the display list at dpi dots per inch: white paper,
// then what drawPDF draws, in the same order, from the same glyph outlines.
func drawImage(fs *fontSet, p *Page, dpi float64) *image.RGBA {
	s := dpi / 25.4 // pixels per mm
	img := image.NewRGBA(image.Rect(0, 0, int(math.Ceil(p.Width*s)), int(math.Ceil(p.Height*s))))
	drawInto(fs, p, s, img)
	return img
}

// drawInto draws the page at s pixels per mm into img, whose bounds may be any part of
// the page (a band of a printed sheet): what lies outside is skipped.
func drawInto(fs *fontSet, p *Page, s float64, img *image.RGBA) {
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	r := &painter{img: img, s: s}
	for _, q := range p.Rects {
		r.fill(q.Color, [][]pt{{{q.X, q.Y}, {q.X + q.W, q.Y}, {q.X + q.W, q.Y + q.H}, {q.X, q.Y + q.H}}})
	}
	for _, l := range p.Lines {
		r.line(l)
	}
	for _, e := range p.Ellipses {
		r.ellipse(e)
	}
	var buf sfnt.Buffer
	for _, t := range p.Texts {
		r.text(fs, &buf, t)
	}
}

type pt struct{ x, y float64 } // mm

// painter fills paths, given in mm, on an image. Each path is rasterised in a
// rasteriser the size of its bounding box only: clearing a page-sized one for each of
// a page's hundreds of text runs would dominate the preview's time.
type painter struct {
	img *image.RGBA
	s   float64
	ras vector.Rasterizer
}

// fill paints the polygons with c; polygons wound opposite ways cut holes.
func (p *painter) fill(c color.RGBA, polys [][]pt) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, poly := range polys {
		for _, q := range poly {
			minX, minY = math.Min(minX, q.x), math.Min(minY, q.y)
			maxX, maxY = math.Max(maxX, q.x), math.Max(maxY, q.y)
		}
	}
	box := image.Rect(int(math.Floor(minX*p.s)), int(math.Floor(minY*p.s)), int(math.Ceil(maxX*p.s))+1, int(math.Ceil(maxY*p.s))+1)
	if box.Empty() || !box.Overlaps(p.img.Bounds()) {
		return
	}
	p.ras.Reset(box.Dx(), box.Dy())
	ox, oy := float64(box.Min.X), float64(box.Min.Y)
	for _, poly := range polys {
		for i, q := range poly {
			x, y := float32(q.x*p.s-ox), float32(q.y*p.s-oy)
			if i == 0 {
				p.ras.MoveTo(x, y)
			} else {
				p.ras.LineTo(x, y)
			}
		}
		p.ras.ClosePath()
	}
	if box.In(p.img.Bounds()) {
		p.ras.Draw(p.img, box, image.NewUniform(c), image.Point{})
		return
	}
	// The shape reaches past the page (the seal near its edge at some resolutions): the
	// rasterizer does not clip its destination, so draw through a mask, which does.
	mask := image.NewAlpha(image.Rect(0, 0, box.Dx(), box.Dy()))
	p.ras.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	draw.DrawMask(p.img, box, image.NewUniform(c), image.Point{}, mask, image.Point{}, draw.Over)
}

// line strokes a line with butt ends, as the PDF's default line cap does.
func (p *painter) line(l Line) {
	dx, dy := l.X2-l.X1, l.Y2-l.Y1
	n := math.Hypot(dx, dy)
	if n == 0 {
		return
	}
	nx, ny := -dy/n*l.Width/2, dx/n*l.Width/2
	p.fill(l.Color, [][]pt{{{l.X1 + nx, l.Y1 + ny}, {l.X2 + nx, l.Y2 + ny}, {l.X2 - nx, l.Y2 - ny}, {l.X1 - nx, l.Y1 - ny}}})
}

// ellipse strokes an ellipse as a ring: the outer outline one way, the inner the other.
func (p *painter) ellipse(e Ellipse) {
	const n = 180
	outer, inner := make([]pt, n), make([]pt, n)
	for i := range n {
		t := 2 * math.Pi * float64(i) / n
		c, s := math.Cos(t), math.Sin(t)
		outer[i] = pt{e.CX + (e.RX+e.Width/2)*c, e.CY + (e.RY+e.Width/2)*s}
		inner[n-1-i] = pt{e.CX + (e.RX-e.Width/2)*c, e.CY + (e.RY-e.Width/2)*s}
	}
	p.fill(e.Color, [][]pt{outer, inner})
}

// text fills the glyph outlines of a run, turned by its angle about its origin.
func (p *painter) text(fs *fontSet, buf *sfnt.Buffer, t Text) {
	f := fs.faces[t.Face]
	scale := t.Size * mmPerPt / f.unitsPerEm // mm per font unit
	rad := t.Angle * math.Pi / 180
	cos, sin := math.Cos(rad), math.Sin(rad)
	ppem := fixed.Int26_6(f.sfnt.UnitsPerEm()) << 6
	// Glyph coordinates come y down, in 26.6 font units, relative to the pen.
	at := func(pen float64, v fixed.Point26_6) pt {
		u, w := pen+float64(v.X)/64*scale, float64(v.Y)/64*scale
		// turning counter-clockwise on a y-down page
		return pt{t.X + u*cos + w*sin, t.Y - u*sin + w*cos}
	}
	var polys [][]pt
	pen := 0.0
	for _, r := range t.S {
		g := fs.glyphs[r]
		segs, err := f.sfnt.LoadGlyph(buf, g.index, ppem, nil)
		if err == nil {
			polys = appendOutline(polys, segs, func(v fixed.Point26_6) pt { return at(pen, v) })
		}
		pen += float64(g.advance) * scale
	}
	if len(polys) > 0 {
		p.fill(t.Color, polys)
	}
}

// appendOutline flattens a glyph's contours into polygons, quadratic and cubic arcs
// cut into straight pieces fine enough for any preview size.
func appendOutline(polys [][]pt, segs sfnt.Segments, at func(fixed.Point26_6) pt) [][]pt {
	var cur []pt
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			if len(cur) > 0 {
				polys = append(polys, cur)
			}
			cur = []pt{at(s.Args[0])}
		case sfnt.SegmentOpLineTo:
			cur = append(cur, at(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			a, b, c := cur[len(cur)-1], at(s.Args[0]), at(s.Args[1])
			for i := 1; i <= 4; i++ {
				k := float64(i) / 4
				cur = append(cur, pt{
					(1-k)*(1-k)*a.x + 2*k*(1-k)*b.x + k*k*c.x,
					(1-k)*(1-k)*a.y + 2*k*(1-k)*b.y + k*k*c.y,
				})
			}
		case sfnt.SegmentOpCubeTo:
			a, b, c, d := cur[len(cur)-1], at(s.Args[0]), at(s.Args[1]), at(s.Args[2])
			for i := 1; i <= 6; i++ {
				k := float64(i) / 6
				m := 1 - k
				cur = append(cur, pt{
					m*m*m*a.x + 3*k*m*m*b.x + 3*k*k*m*c.x + k*k*k*d.x,
					m*m*m*a.y + 3*k*m*m*b.y + 3*k*k*m*c.y + k*k*k*d.y,
				})
			}
		}
	}
	if len(cur) > 0 {
		polys = append(polys, cur)
	}
	return polys
}
