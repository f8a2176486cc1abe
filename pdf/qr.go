package pdf

import (
	qrcode "github.com/skip2/go-qrcode"
)

// qrCode draws the QR code as filled rectangles, one per horizontal run of dark
// modules: vector modules stay sharp at any print or preview resolution and cost a few
// hundred bytes, where an image would cost kilobytes. The page's white around the code
// is its quiet zone.
func qrCode(b *builder, payload string, x, y, size float64) {
	if b.err != nil {
		return
	}
	q, err := qrcode.New(payload, qrcode.Medium)
	if err != nil {
		b.err = err
		return
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	m := size / float64(len(bm))
	for r, row := range bm {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < len(row) && row[c] {
				c++
			}
			// Each run reaches a hair into the row below: anti-aliased edges of
			// abutting rectangles otherwise leave faint white seams between rows.
			h := m
			if r+1 < len(bm) {
				h += m / 20
			}
			b.page.Rects = append(b.page.Rects, Rect{
				X: x + float64(start)*m, Y: y + float64(r)*m,
				W: float64(c-start) * m, H: h, Color: dataColor,
			})
		}
	}
}
