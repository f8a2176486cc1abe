package pdf

import (
	"math"

	"github.com/kaipiao/kaipiao/invoice"
)

// seal draws the seller's 发票专用章 centred at (cx, cy): a red oval 40 × 30 mm with
// the seller's name along the top arc, the tax ID across the middle and 发票专用章 below,
// the form tax rules prescribe for invoice seals. It is drawn from the seller's data,
// never a picture of a real seal.
func seal(b *builder, cx, cy float64, seller invoice.Party) {
	const rx, ry = sealRX, sealRY
	b.page.Ellipses = append(b.page.Ellipses, Ellipse{CX: cx, CY: cy, RX: rx, RY: ry, Width: 0.8, Color: sealColor})

	// The name runs clockwise over the top, from lower left to lower right, each
	// character upright to the rim and the characters evenly spaced along the arc (not
	// by angle: on an oval that crowds the ends). Long names get smaller characters.
	name := []rune(seller.Name)
	if n := len(name); n > 0 {
		const from, to = 195.0, -15.0 // degrees, counter-clockwise from 3 o'clock
		arx, ary := rx-3.6, ry-3.6    // the arc the characters' centres follow
		at := arcPositions(arx, ary, from, to, n)
		size := math.Min(11, arcLength(arx, ary, from, to)/float64(n)*0.92/mmPerPt)
		for i, r := range name {
			t := at[i] * math.Pi / 180
			px, py := cx+arx*math.Cos(t), cy-ary*math.Sin(t)
			// The character's up points along the ellipse's outward normal.
			nx, ny := math.Cos(t)/arx, math.Sin(t)/ary
			angle := math.Atan2(ny, nx)*180/math.Pi - 90
			b.rotated(px, py, size, string(r), sealColor, angle)
		}
	}
	if seller.TaxID != "" {
		size := math.Min(8, 24/b.fs.width(seller.TaxID, 1))
		b.text(cx, cy+1.5, size, seller.TaxID, sealColor, center)
	}
	b.text(cx, cy+8.5, 10, "发票专用章", sealColor, center)
}

// arcPositions are the angles (degrees) of n points spaced evenly by length along the
// elliptic arc from one angle to the other, each in the middle of its share.
func arcPositions(rx, ry, from, to float64, n int) []float64 {
	const steps = 720
	total := arcLength(rx, ry, from, to)
	out := make([]float64, 0, n)
	var l float64
	px, py := rx*math.Cos(from*math.Pi/180), ry*math.Sin(from*math.Pi/180)
	for i := 1; i <= steps && len(out) < n; i++ {
		deg := from + (to-from)*float64(i)/steps
		x, y := rx*math.Cos(deg*math.Pi/180), ry*math.Sin(deg*math.Pi/180)
		l += math.Hypot(x-px, y-py)
		px, py = x, y
		for len(out) < n && l >= total*(float64(len(out))+0.5)/float64(n) {
			out = append(out, deg)
		}
	}
	for len(out) < n { // rounding at the arc's end
		out = append(out, to)
	}
	return out
}

// arcLength approximates the length of the elliptic arc between two angles (degrees).
func arcLength(rx, ry, from, to float64) float64 {
	const steps = 64
	var l float64
	px, py := rx*math.Cos(from*math.Pi/180), ry*math.Sin(from*math.Pi/180)
	for i := 1; i <= steps; i++ {
		t := (from + (to-from)*float64(i)/steps) * math.Pi / 180
		x, y := rx*math.Cos(t), ry*math.Sin(t)
		l += math.Hypot(x-px, y-py)
		px, py = x, y
	}
	return l
}
