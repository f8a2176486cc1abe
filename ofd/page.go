package ofd

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"github.com/kaipiao/kaipiao/pdf"
)

// What one page of the display list becomes: objects in OFD's page description
// (GB/T 33190-2016 clause 8 and 9), in millimetres from the top-left corner, y down, as
// the display list itself. The printed form (pdf.FormColor) goes on a template page, the
// data on the page's own layer.

// ids hands out the document's object IDs (ST_ID, unique in the document).
type ids struct{ next int }

func (i *ids) id() int { i.next++; return i.next }

// textRef is where a text of the display list ended up: the OFD object showing it.
type textRef struct {
	t  *pdf.Text
	id int
}

// layer writes a Layer of objects: the given texts, lines, rectangles and ellipses.
// fontID maps a display list face to its OFD font resource.
type layer struct {
	b    strings.Builder
	refs []textRef
}

func num(v float64) string {
	s := strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

func rgb(c color.RGBA) string { return fmt.Sprintf("%d %d %d", c.R, c.G, c.B) }

// text writes one TextObject. Its boundary is the run's box with a margin (readers may
// clip to it); the text code starts inside it at the baseline, and DeltaX spaces the
// glyphs by the advances the layout measured, so every reader places each glyph where
// the PDF does whatever font it falls back to.
func (l *layer) text(ids *ids, t *pdf.Text, font int) {
	const mmPerPt = 25.4 / 72
	em := t.Size * mmPerPt
	id := ids.id()
	l.refs = append(l.refs, textRef{t: t, id: id})
	if t.Angle != 0 {
		// The seal's rotated characters: the object's own coordinates turned by CTM
		// about the baseline's start, which the boundary's origin puts at (X, Y).
		rad := t.Angle * math.Pi / 180
		c, s := math.Cos(rad), math.Sin(rad)
		fmt.Fprintf(&l.b, `<ofd:TextObject ID="%d" Boundary="%s %s %s %s" Font="%d" Size="%s" CTM="%s %s %s %s 0 0">`,
			id, num(t.X), num(t.Y), num(em*2), num(em*2), font, num(em), num(c), num(-s), num(s), num(c))
		fmt.Fprintf(&l.b, `<ofd:FillColor Value="%s"/><ofd:TextCode X="0" Y="0">%s</ofd:TextCode></ofd:TextObject>`, rgb(t.Color), escape(t.S))
		return
	}
	x0, y0 := t.X-0.5, t.Y-em
	fmt.Fprintf(&l.b, `<ofd:TextObject ID="%d" Boundary="%s %s %s %s" Font="%d" Size="%s">`,
		id, num(x0), num(y0), num(t.Width+1), num(em*1.3), font, num(em))
	fmt.Fprintf(&l.b, `<ofd:FillColor Value="%s"/><ofd:TextCode X="0.5" Y="%s"`, rgb(t.Color), num(em))
	if adv := pdf.Advances(*t); len(adv) > 1 {
		fmt.Fprintf(&l.b, ` DeltaX="%s"`, deltaX(adv[:len(adv)-1]))
	}
	fmt.Fprintf(&l.b, `>%s</ofd:TextCode></ofd:TextObject>`, escape(t.S))
}

// gNotation turns on the "g" run-length form (ofd.js reads it; other readers may not).
const gNotation = true

// deltaX writes the advances, runs of equal ones as "g N value" (GB/T 33190 11.4.2).
func deltaX(adv []float64) string {
	var parts []string
	for i := 0; i < len(adv); {
		j := i
		for j < len(adv) && num(adv[j]) == num(adv[i]) {
			j++
		}
		if j-i > 2 && gNotation {
			parts = append(parts, "g", strconv.Itoa(j-i), num(adv[i]))
		} else {
			for range j - i {
				parts = append(parts, num(adv[i]))
			}
		}
		i = j
	}
	return strings.Join(parts, " ")
}

// path writes one PathObject over the whole page with the given abbreviated data.
func (l *layer) path(ids *ids, w, h float64, data string, stroke bool, width float64, c color.RGBA, drawParam int) {
	fmt.Fprintf(&l.b, `<ofd:PathObject ID="%d" Boundary="0 0 %s %s"`, ids.id(), num(w), num(h))
	if drawParam > 0 {
		fmt.Fprintf(&l.b, ` DrawParam="%d"`, drawParam)
	}
	if stroke {
		fmt.Fprintf(&l.b, ` LineWidth="%s"><ofd:StrokeColor Value="%s"/>`, num(width), rgb(c))
	} else {
		fmt.Fprintf(&l.b, ` Stroke="false" Fill="true"><ofd:FillColor Value="%s"/>`, rgb(c))
	}
	fmt.Fprintf(&l.b, `<ofd:AbbreviatedData>%s</ofd:AbbreviatedData></ofd:PathObject>`, data)
}

// lines writes the lines, one path per width and colour.
func (l *layer) lines(ids *ids, w, h float64, lines []pdf.Line, drawParam int) {
	type key struct {
		w float64
		c color.RGBA
	}
	var order []key
	groups := map[key]*strings.Builder{}
	for _, ln := range lines {
		k := key{ln.Width, ln.Color}
		g := groups[k]
		if g == nil {
			g = &strings.Builder{}
			groups[k] = g
			order = append(order, k)
		} else {
			g.WriteByte(' ')
		}
		fmt.Fprintf(g, "M %s %s L %s %s", num(ln.X1), num(ln.Y1), num(ln.X2), num(ln.Y2))
	}
	for _, k := range order {
		l.path(ids, w, h, groups[k].String(), true, k.w, k.c, drawParam)
	}
}

// rects fills the rectangles (the QR code's modules) as one path.
func (l *layer) rects(ids *ids, w, h float64, rects []pdf.Rect) {
	if len(rects) == 0 {
		return
	}
	var b strings.Builder
	for i, r := range rects {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "M %s %s L %s %s L %s %s L %s %s C", num(r.X), num(r.Y), num(r.X+r.W), num(r.Y),
			num(r.X+r.W), num(r.Y+r.H), num(r.X), num(r.Y+r.H))
	}
	l.path(ids, w, h, b.String(), false, 0, rects[0].Color, 0)
}

// ellipse strokes an ellipse as four cubic Béziers.
func (l *layer) ellipse(ids *ids, w, h float64, e pdf.Ellipse) {
	const k = 0.5522847498
	cx, cy, rx, ry := e.CX, e.CY, e.RX, e.RY
	d := fmt.Sprintf("M %s %s B %s %s %s %s %s %s B %s %s %s %s %s %s B %s %s %s %s %s %s B %s %s %s %s %s %s C",
		num(cx+rx), num(cy),
		num(cx+rx), num(cy+k*ry), num(cx+k*rx), num(cy+ry), num(cx), num(cy+ry),
		num(cx-k*rx), num(cy+ry), num(cx-rx), num(cy+k*ry), num(cx-rx), num(cy),
		num(cx-rx), num(cy-k*ry), num(cx-k*rx), num(cy-ry), num(cx), num(cy-ry),
		num(cx+k*rx), num(cy-ry), num(cx+rx), num(cy-k*ry), num(cx+rx), num(cy))
	l.path(ids, w, h, d, true, e.Width, e.Color, 0)
}

func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pageXML wraps a layer as a page or template page file.
func pageXML(w, h float64, templateID, layerID int, l *layer) []byte {
	var b strings.Builder
	b.WriteString(xmlHead + `<ofd:Page xmlns:ofd="` + ns + `">`)
	if templateID > 0 {
		fmt.Fprintf(&b, `<ofd:Template TemplateID="%d" ZOrder="Background"/>`, templateID)
	}
	fmt.Fprintf(&b, `<ofd:Area><ofd:PhysicalBox>0 0 %s %s</ofd:PhysicalBox></ofd:Area>`, num(w), num(h))
	fmt.Fprintf(&b, `<ofd:Content><ofd:Layer ID="%d" Type="Body">`, layerID)
	b.WriteString(l.b.String())
	b.WriteString(`</ofd:Layer></ofd:Content></ofd:Page>`)
	return []byte(b.String())
}
