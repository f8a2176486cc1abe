package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
)

// longest is an invoice whose every field is as long as the order rules allow, in the
// widest characters: 8 lines on the face, or n lines with a goods list.
func longest(t testing.TB, n int) *invoice.Invoice {
	t.Helper()
	zh := func(k int) string { return strings.Repeat("鑫", k) }
	o := &invoice.Order{
		OrderID: fmt.Sprintf("MAX-%d", n),
		Buyer: invoice.OrderBuyer{
			Name:         zh(50),
			TaxID:        "91350200776049653A",
			AddressPhone: zh(40) + "0592-12345678901",
			BankAccount:  zh(30) + "6222020200112233445566778899",
		},
		Remark: zh(100) + "\n" + strings.Repeat("W", 28),
		Payee:  zh(8), Reviewer: zh(8), Issuer: zh(8),
	}
	for i := range n {
		o.Lines = append(o.Lines, invoice.OrderLine{
			Name:      zh(40),
			TaxCode:   "1090509020000000000",
			Spec:      strings.Repeat("W", 36),
			Unit:      zh(10),
			Quantity:  fmt.Sprintf("%d.12345678", 90+i),
			UnitPrice: "99.87654321",
			TaxRate:   "0.13",
		})
	}
	inv, err := pdftest.Issue(o, "00000099")
	if err != nil {
		t.Fatal(err)
	}
	inv.Seller.Name = zh(50)
	return inv
}

// box is the ink of a text run, roughly: its advance across, ascent and descent down.
func box(t Text) (x0, y0, x1, y1 float64) {
	em := t.Size * mmPerPt
	return t.X, t.Y - ascent*em, t.X + t.Width, t.Y + descent*em
}

// overflows lists the text runs that cross a vertical rule of the form or run into
// another run: what "wrapped inside its cell, never overflowing" means on paper.
func overflows(p Page) []string { return overflowsIn(p, frameL, frameTop, frameR) }

// overflowsIn is overflows for a form whose frame spans left to right below top.
func overflowsIn(p Page, frameL, frameTop, frameR float64) []string {
	const eps = 0.05
	var bad []string
	var texts []Text
	for _, tx := range p.Texts {
		if tx.Color != sealColor { // the seal lies over the form by design
			texts = append(texts, tx)
		}
	}
	for _, tx := range texts {
		x0, y0, x1, y1 := box(tx)
		if x0 < frameL-eps && y0 > frameTop || x1 > frameR+eps || x0 < 0 || y1 > p.Height {
			bad = append(bad, fmt.Sprintf("%q runs off the form (%.1f–%.1f mm)", tx.S, x0, x1))
		}
		for _, l := range p.Lines {
			if l.X1 != l.X2 || l.Color != formColor {
				continue
			}
			top, bottom := min(l.Y1, l.Y2), max(l.Y1, l.Y2)
			if y1 > top+eps && y0 < bottom-eps && x0 < l.X1-eps && x1 > l.X1+eps {
				bad = append(bad, fmt.Sprintf("%q (%.1f–%.1f mm) crosses the rule at x = %.1f mm", tx.S, x0, x1, l.X1))
			}
		}
	}
	for i, a := range texts {
		ax0, ay0, ax1, ay1 := box(a)
		for _, b := range texts[i+1:] {
			bx0, by0, bx1, by1 := box(b)
			if ax0 < bx1-eps && bx0 < ax1-eps && ay0 < by1-eps && by0 < ay1-eps {
				bad = append(bad, fmt.Sprintf("%q and %q overlap", a.S, b.S))
			}
		}
	}
	return bad
}

func TestLongestFieldsStayInsideTheirCells(t *testing.T) {
	for _, n := range []int{invoice.FaceLines, 30} {
		inv := longest(t, n)
		d, err := Layout(inv, Options{Seal: true})
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range d.Pages {
			for _, b := range overflows(p) {
				t.Errorf("%d lines, page %d: %s", n, i+1, b)
			}
		}
	}
}

func TestSamplesHaveNoOverlappingText(t *testing.T) {
	for _, s := range mustSamples(t) {
		d, err := Layout(s.inv, Options{Seal: true})
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range d.Pages {
			for _, b := range overflows(p) {
				t.Errorf("%s, page %d: %s", s.name, i+1, b)
			}
		}
	}
}

func TestOverflowCheckCatchesTextAcrossARule(t *testing.T) {
	// The check above must be able to fail: a run laid across the 金额 column's rule.
	p := Page{Lines: []Line{{X1: 154, Y1: 60, X2: 154, Y2: 100, Color: formColor}},
		Texts: []Text{{X: 150, Y: 80, Size: 8, S: "1234567.89", Width: 10, Color: dataColor}}}
	if len(overflows(p)) == 0 {
		t.Fatal("a run across a rule went unnoticed")
	}
}

func TestSameInvoiceGivesSameBytes(t *testing.T) {
	blue := mustSamples(t)[0].inv
	a, err := Render(blue, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Render(blue, Options{})
	if !bytes.Equal(a, b) {
		t.Error("two renders of one invoice differ")
	}
	sa, err := RenderSigned(blue, Options{}, signer(t))
	if err != nil {
		t.Fatal(err)
	}
	sb, _ := RenderSigned(blue, Options{}, signer(t))
	if !bytes.Equal(sa, sb) {
		t.Error("two signed renders of one invoice with one RSA key differ")
	}
	other, _ := Render(mustSamples(t)[1].inv, Options{})
	if bytes.Equal(a, other) {
		t.Error("two different invoices render the same")
	}
}
