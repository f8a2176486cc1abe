package printing

import (
	"image"
	"image/draw"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
)

// pageDevice is a device context in memory: each page a sheet-sized image in device
// pixels, the printable area offset as a printer's is. It checks what rasterise asks of
// a device the way GDI would take it.
type pageDevice struct {
	t           *testing.T
	dpi, ox, oy int
	sheetW      int // device pixels
	sheetH      int
	pages       []*image.RGBA
	blits       int
	open        bool
}

func (d *pageDevice) Resolution() (int, int) { return d.dpi, d.dpi }
func (d *pageDevice) Offset() (int, int)     { return d.ox, d.oy }
func (d *pageDevice) StartPage() error {
	if d.open {
		d.t.Error("StartPage inside a page")
	}
	d.open = true
	d.pages = append(d.pages, image.NewRGBA(image.Rect(0, 0, d.sheetW, d.sheetH)))
	return nil
}
func (d *pageDevice) EndPage() error {
	if !d.open {
		d.t.Error("EndPage outside a page")
	}
	d.open = false
	return nil
}
func (d *pageDevice) Blit(img *image.RGBA, x, y, w, h int) error {
	if !d.open {
		d.t.Error("Blit outside a page")
	}
	if w != img.Bounds().Dx() || h != img.Bounds().Dy() {
		d.t.Errorf("a band of %v stretched to %d × %d at the same resolution", img.Bounds(), w, h)
	}
	d.blits++
	// Device (x, y) is sheet (x+ox, y+oy).
	draw.Draw(d.pages[len(d.pages)-1], image.Rect(x+d.ox, y+d.oy, x+d.ox+w, y+d.oy+h), img, img.Bounds().Min, draw.Src)
	return nil
}

// The pages the Windows backend draws on a printer's device context are the invoice's
// sheets at the printer's resolution, what the layout draws (within two levels where a
// band cuts a glyph's anti-aliased edge), whatever
// the printable area's offset, in bands that join without a seam.
func TestRasteriseDrawsTheSheetsAtThePrintersResolution(t *testing.T) {
	inv, err := pdftest.Example("04-twelve-lines.json", "00000012")
	if err != nil {
		t.Fatal(err)
	}
	sheets, err := Sheets([]*invoice.Invoice{inv}, PaperA4, nil)
	if err != nil {
		t.Fatal(err)
	}
	const dpi = 300
	// A4 landscape at 300 dpi: 297 × 210 mm is 3508 × 2481 pixels.
	dev := &pageDevice{t: t, dpi: dpi, ox: 71, oy: 59, sheetW: 3508, sheetH: 2481}
	if err := rasterise(dev, sheets); err != nil {
		t.Fatal(err)
	}
	if len(dev.pages) != 2 || dev.blits <= 2 {
		t.Fatalf("%d pages in %d bands; want the face and the goods list, in several bands each", len(dev.pages), dev.blits)
	}
	for i := range sheets {
		want, err := pdf.DrawPage(&sheets[i], dpi)
		if err != nil {
			t.Fatal(err)
		}
		got := dev.pages[i]
		if want.Bounds() != got.Bounds() {
			t.Fatalf("page %d: %v on the device, the sheet at %d dpi is %v", i+1, got.Bounds(), dpi, want.Bounds())
		}
		diff, ink, worst := 0, 0, 0
		for j := range want.Pix {
			if d := int(want.Pix[j]) - int(got.Pix[j]); d > 2 || d < -2 {
				diff++
				worst = max(worst, d, -d)
			}
			if want.Pix[j] < 0x80 {
				ink++
			}
		}
		if diff != 0 || ink < 10000 {
			t.Errorf("page %d: %d bytes differ from the layout at %d dpi by up to %d (%d dark bytes)", i+1, diff, dpi, worst, ink)
		}
	}
	// The invoice is at its own size: 240 mm across is 2835 pixels at 300 dpi, centred,
	// and nothing is drawn outside it.
	face := dev.pages[0]
	left, right := face.Bounds().Max.X, 0
	for y := 0; y < face.Bounds().Dy(); y++ {
		for x := 0; x < face.Bounds().Dx(); x++ {
			if face.RGBAAt(x, y).R < 0xf0 {
				left, right = min(left, x), max(right, x)
			}
		}
	}
	if inv := float64(right-left) / dpi * 25.4; inv < 200 || inv > 240 || left < 336 || right > 3508-336 {
		t.Errorf("ink from x %d to %d (%.0f mm): the invoice is not at its own size in the middle of the sheet", left, right, inv)
	}
}
