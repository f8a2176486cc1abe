package pdf

import "image/color"

// The display list: what a page shows, in millimetres from the page's top-left corner,
// y down. The layout builds it once; drawPDF and drawImage render the same list, so the
// PDF and the preview cannot drift apart.

// Document is the pages of one invoice: the face, then any 销货清单 pages.
type Document struct {
	Pages []Page
}

// Page is one page: the face is 240 × 140 mm, a 销货清单 page as wide and taller, to
// hold the seal below its table.
type Page struct {
	Width, Height float64 // mm
	Texts         []Text
	Lines         []Line
	Rects         []Rect
	Ellipses      []Ellipse
}

// Text is a run of characters that one font face draws.
type Text struct {
	X, Y  float64 // the baseline's start, mm
	Size  float64 // pt
	Face  int     // index into the font set
	S     string
	Color color.RGBA
	// Angle turns the run counter-clockwise about (X, Y), in degrees: the seal's arc.
	Angle float64
	Width float64 // advance of S, mm; what the layout measured
}

// Line is a straight stroke.
type Line struct {
	X1, Y1, X2, Y2 float64
	Width          float64 // mm
	Color          color.RGBA
}

// Rect is a filled rectangle: the QR code's modules.
type Rect struct {
	X, Y, W, H float64
	Color      color.RGBA
}

// Ellipse is a stroked ellipse: the seal's rim.
type Ellipse struct {
	CX, CY, RX, RY float64
	Width          float64 // mm
	Color          color.RGBA
}

// The invoice's colours: the printed form is brown as on real 电子发票, the data black,
// the seal red.
var (
	formColor = color.RGBA{0x80, 0x40, 0x00, 0xff}
	dataColor = color.RGBA{0x00, 0x00, 0x00, 0xff}
	sealColor = color.RGBA{0xe0, 0x10, 0x10, 0xff}
)
