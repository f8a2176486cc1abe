package printing

import (
	"fmt"
	"image"
	"math"

	"github.com/kaipiao/kaipiao/pdf"
)

// device is a printer's device context as the Windows backend drives it (GDI), kept
// apart from the system calls so that what is drawn on it can be tested anywhere.
type device interface {
	// Resolution is the device's dots per inch, across and down.
	Resolution() (dpiX, dpiY int)
	// Offset is where the printable area starts on the sheet, in device pixels: the
	// device's (0, 0) is that corner, not the sheet's.
	Offset() (x, y int)
	StartPage() error
	// Blit draws img (a band of the sheet) with its top-left corner at device (x, y),
	// stretched to w × h device pixels.
	Blit(img *image.RGBA, x, y, w, h int) error
	EndPage() error
}

// bandBytes bounds one band's image: an A4 sheet at 600 dpi is 140 MB in one piece.
const bandBytes = 16 << 20

// rasterise draws each sheet on the device at the device's own resolution, in bands,
// one page per sheet. Rows are drawn at the across resolution and stretched to the
// down resolution where the two differ.
func rasterise(dev device, sheets []pdf.Page) error {
	dx, dy := dev.Resolution()
	if dx <= 0 || dy <= 0 {
		return fmt.Errorf("the printer reports a resolution of %d × %d dpi", dx, dy)
	}
	ox, oy := dev.Offset()
	for i := range sheets {
		s := &sheets[i]
		if err := dev.StartPage(); err != nil {
			return err
		}
		w := int(math.Ceil(s.Width * float64(dx) / 25.4))
		h := int(math.Ceil(s.Height * float64(dx) / 25.4))
		rows := max(1, bandBytes/(4*w))
		for top := 0; top < h; top += rows {
			n := min(rows, h-top)
			img, err := pdf.DrawBand(s, float64(dx), top, n)
			if err != nil {
				return err
			}
			y0, y1 := top*dy/dx, (top+n)*dy/dx
			if err := dev.Blit(img, -ox, y0-oy, w, y1-y0); err != nil {
				return err
			}
		}
		if err := dev.EndPage(); err != nil {
			return err
		}
	}
	return nil
}
