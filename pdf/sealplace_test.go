package pdf

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
)

// rectMM is a box on the page in millimetres, y down.
type rectMM struct{ x0, y0, x1, y1 float64 }

func (a rectMM) meets(b rectMM) bool { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1 }

func (a rectMM) String() string {
	return fmt.Sprintf("%.1f–%.1f × %.1f–%.1f mm", a.x0, a.x1, a.y0, a.y1)
}

// sealBox is the box around the page's seal, its rim's stroke included.
func sealBox(t *testing.T, p Page) rectMM {
	t.Helper()
	for _, e := range p.Ellipses {
		if e.Color == sealColor {
			w := e.Width / 2
			return rectMM{e.CX - e.RX - w, e.CY - e.RY - w, e.CX + e.RX + w, e.CY + e.RY + w}
		}
	}
	t.Fatal("the page has no seal")
	return rectMM{}
}

// tableBox is the box of the page's item table, every cell in it: on the face from the
// column heads to 价税合计, on a goods-list page from its heads to its 备注 row (the
// lowest rule across the frame).
func tableBox(p Page, face bool) rectMM {
	if face {
		top := frameTop + partyH
		return rectMM{frameL, top, frameR, top + headH + itemsH + sumH + totalH}
	}
	bottom := 0.0
	for _, l := range p.Lines {
		if l.Y1 == l.Y2 && l.Color == formColor && min(l.X1, l.X2) <= frameL && max(l.X1, l.X2) >= frameR {
			bottom = max(bottom, l.Y1)
		}
	}
	return rectMM{frameL, listTableTop, frameR, bottom}
}

// pdftotextWords reads every word pdftotext finds on each page of the file, with its box
// in millimetres.
func pdftotextWords(t *testing.T, path string) [][]struct {
	s   string
	box rectMM
} {
	t.Helper()
	out := mustTool(t, "pdftotext", "-bbox", path, "-")
	var pages [][]struct {
		s   string
		box rectMM
	}
	for _, page := range strings.Split(out, "<page ")[1:] {
		var words []struct {
			s   string
			box rectMM
		}
		for _, m := range bboxWord.FindAllStringSubmatch(page, -1) {
			var v [4]float64
			for i := range v {
				v[i], _ = strconv.ParseFloat(m[i+1], 64)
				v[i] /= 72 / 25.4 // points to mm
			}
			words = append(words, struct {
				s   string
				box rectMM
			}{html.UnescapeString(m[5]), rectMM{v[0], v[1], v[2], v[3]}})
		}
		pages = append(pages, words)
	}
	return pages
}

// sealInvoices are the blue, red and goods-list samples, and the longest invoices the
// rules allow — remarks of 230 GBK bytes, blue and reversed — on a face and with goods
// lists.
func sealInvoices(t *testing.T) []sample {
	t.Helper()
	out := mustSamples(t)
	for _, n := range []int{invoice.FaceLines, 30} {
		blue := longest(t, n)
		blue.Remark = strings.Repeat("鑫", 115) // the most a remark holds
		red, err := pdftest.Red(blue, "00000100")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sample{fmt.Sprintf("longest-%d", n), blue}, sample{fmt.Sprintf("longest-%d-red", n), red})
	}
	return out
}

// docs/rules.md "Printed layout": the seal covers none of the remark (the red invoice's
// reference to the blue one included) and no table cell, on the face and on goods-list
// pages, blue and red. Checked twice: on the layout's own boxes, and on the words
// pdftotext -bbox reads back from the PDF — inside the seal's box there is nothing but
// the seal's own text.
func TestSealCoversNoRemarkAndNoTableCell(t *testing.T) {
	for _, s := range sealInvoices(t) {
		t.Run(s.name, func(t *testing.T) {
			d, err := Layout(s.inv, Options{Seal: true})
			if err != nil {
				t.Fatal(err)
			}
			seals := make([]rectMM, len(d.Pages))
			for i, p := range d.Pages {
				seals[i] = sealBox(t, p)
				for _, c := range sealCovers(t, p, i == 0) {
					t.Errorf("page %d: %s", i+1, c)
				}
			}

			data, err := Render(s.inv, Options{Seal: true})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), s.name+".pdf")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			own := s.inv.Seller.Name + s.inv.Seller.TaxID + "发票专用章"
			pages := pdftotextWords(t, path)
			if len(pages) != len(d.Pages) {
				t.Fatalf("pdftotext reads %d pages, the layout has %d", len(pages), len(d.Pages))
			}
			remarkSeen := false
			for i, words := range pages {
				for _, w := range words {
					if strings.Contains(s.inv.Remark, w.s) && len(w.s) > 3 {
						remarkSeen = true
					}
					if !seals[i].meets(w.box) {
						continue
					}
					if strings.Trim(w.s, own) != "" {
						t.Errorf("page %d: pdftotext finds %q at %s, under the seal %s", i+1, w.s, w.box, seals[i])
					}
				}
			}
			if !remarkSeen {
				t.Error("pdftotext finds none of the remark: the check proves nothing")
			}
		})
	}
}

// sealCovers lists what the seal of a page covers in the layout: table cells, and any
// text but its own.
func sealCovers(t *testing.T, p Page, face bool) []string {
	seal := sealBox(t, p)
	var out []string
	if tb := tableBox(p, face); seal.meets(tb) {
		out = append(out, fmt.Sprintf("the seal %s covers table cells %s", seal, tb))
	}
	for _, tx := range p.Texts {
		x0, y0, x1, y1 := box(tx)
		if tx.Color != sealColor && seal.meets(rectMM{x0, y0, x1, y1}) {
			out = append(out, fmt.Sprintf("the seal %s covers %q", seal, tx.S))
		}
	}
	return out
}

// The check above must be able to fail: the seal where it used to be, over the remark
// on the face and over rows 23–26 on a goods-list page, is caught.
func TestSealCheckCatchesASealOverTheRemarkOrTheTable(t *testing.T) {
	for _, c := range []struct {
		sample int
		page   int
		cx, cy float64
		want   string
	}{{1, 0, 207, 124.5, "对应正数发票代码"}, {2, 1, 112, 124.5, "table cells"}} {
		d, err := Layout(mustSamples(t)[c.sample].inv, Options{Seal: true})
		if err != nil {
			t.Fatal(err)
		}
		p := d.Pages[c.page]
		p.Ellipses = []Ellipse{{CX: c.cx, CY: c.cy, RX: sealRX, RY: sealRY, Width: 0.8, Color: sealColor}}
		if got := strings.Join(sealCovers(t, p, c.page == 0), "\n"); !strings.Contains(got, c.want) {
			t.Errorf("the seal at (%.1f, %.1f) on page %d: %q, want %q noticed", c.cx, c.cy, c.page+1, got, c.want)
		}
	}
}
