package printing

import (
	"context"
	"fmt"
	"image"
	"strconv"
	"syscall"
	"unsafe"

	"github.com/kaipiao/kaipiao/pdf"
)

// System is the computer's own print spooler: on Windows, the Windows spooler, driven
// through GDI so that nothing (no PDF reader) needs to be installed.
func System() Spooler { return &Winspool{} }

// Winspool prints through the Windows spooler: it lists the printers with
// EnumPrinters, and prints a job by drawing each sheet, rendered at the printer's own
// resolution, on the printer's device context (CreateDC, StartDoc, StartPage,
// StretchDIBits, EndPage, EndDoc). The spooler's job ID is StartDoc's answer.
type Winspool struct{}

var (
	winspool    = syscall.NewLazyDLL("winspool.drv")
	gdi32       = syscall.NewLazyDLL("gdi32.dll")
	enumPrinter = winspool.NewProc("EnumPrintersW")
	getDefault  = winspool.NewProc("GetDefaultPrinterW")
	openPrinter = winspool.NewProc("OpenPrinterW")
	closePrint  = winspool.NewProc("ClosePrinter")
	docProps    = winspool.NewProc("DocumentPropertiesW")
	createDC    = gdi32.NewProc("CreateDCW")
	deleteDC    = gdi32.NewProc("DeleteDC")
	deviceCaps  = gdi32.NewProc("GetDeviceCaps")
	startDoc    = gdi32.NewProc("StartDocW")
	endDoc      = gdi32.NewProc("EndDoc")
	abortDoc    = gdi32.NewProc("AbortDoc")
	startPage   = gdi32.NewProc("StartPage")
	endPage     = gdi32.NewProc("EndPage")
	stretchDIB  = gdi32.NewProc("StretchDIBits")
)

// printerInfo2 is PRINTER_INFO_2W.
type printerInfo2 struct {
	ServerName, PrinterName, ShareName, PortName, DriverName, Comment, Location *uint16
	DevMode                                                                     uintptr
	SepFile, PrintProcessor, Datatype, Parameters                               *uint16
	SecurityDescriptor                                                          uintptr
	Attributes, Priority, DefaultPriority, StartTime, UntilTime                 uint32
	Status, Jobs, AveragePPM                                                    uint32
}

// Printer status and attribute bits (winspool.h).
const (
	enumLocal       = 0x2
	enumConnections = 0x4

	statusPaused       = 0x1
	statusError        = 0x2
	statusPendingDel   = 0x4
	statusPaperJam     = 0x8
	statusPaperOut     = 0x10
	statusOffline      = 0x80
	statusPrinting     = 0x400
	statusNotAvailable = 0x1000
	statusDoorOpen     = 0x400000
	attrWorkOffline    = 0x400
)

func utf16(p *uint16) string {
	if p == nil {
		return ""
	}
	var s []uint16
	for ptr := unsafe.Pointer(p); *(*uint16)(ptr) != 0; ptr = unsafe.Add(ptr, 2) {
		s = append(s, *(*uint16)(ptr))
	}
	return syscall.UTF16ToString(s)
}

// Printers lists the local and connected printers, the default first.
func (w *Winspool) Printers(context.Context) ([]Printer, error) {
	var need, n uint32
	flags := uintptr(enumLocal | enumConnections)
	enumPrinter.Call(flags, 0, 2, 0, 0, uintptr(unsafe.Pointer(&need)), uintptr(unsafe.Pointer(&n)))
	if need == 0 {
		return nil, nil
	}
	buf := make([]byte, need)
	r, _, err := enumPrinter.Call(flags, 0, 2, uintptr(unsafe.Pointer(&buf[0])), uintptr(need),
		uintptr(unsafe.Pointer(&need)), uintptr(unsafe.Pointer(&n)))
	if r == 0 {
		return nil, &Error{Err: ErrSpooler, Detail: "EnumPrinters: " + err.Error()}
	}
	def := defaultPrinter()
	infos := unsafe.Slice((*printerInfo2)(unsafe.Pointer(&buf[0])), n)
	var out []Printer
	for _, in := range infos {
		p := Printer{Name: utf16(in.PrinterName), State: StateIdle}
		switch st := in.Status; {
		case st&statusPaused != 0:
			p.State = StateStopped
		case st&statusPendingDel != 0:
			p.State = StateRejecting
		case st&(statusError|statusPaperJam|statusPaperOut|statusOffline|statusNotAvailable|statusDoorOpen) != 0 ||
			in.Attributes&attrWorkOffline != 0:
			p.State = StateOffline
			p.Reason = fmt.Sprintf("status 0x%x", st)
		case st&statusPrinting != 0:
			p.State = StatePrinting
		}
		if p.Name == def {
			p.Default = true
			out = append([]Printer{p}, out...)
		} else {
			out = append(out, p)
		}
	}
	return out, nil
}

func defaultPrinter() string {
	var n uint32
	getDefault.Call(0, uintptr(unsafe.Pointer(&n)))
	if n == 0 {
		return ""
	}
	buf := make([]uint16, n)
	if r, _, _ := getDefault.Call(uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n))); r == 0 {
		return ""
	}
	return syscall.UTF16ToString(buf)
}

// DEVMODEW fields (wingdi.h): offsets of the printer part and its flags.
const (
	dmFieldsOff      = 72
	dmOrientationOff = 76
	dmPaperSizeOff   = 78
	dmPaperLengthOff = 80
	dmPaperWidthOff  = 82

	dmOrientation = 0x1
	dmPaperSize   = 0x2
	dmPaperLength = 0x4
	dmPaperWidth  = 0x8

	orientLandscape = 2
	paperA4         = 9
	paperA5         = 11

	dmOutBuffer = 2
	dmInBuffer  = 8
)

// devMode asks the driver for the printer's settings with the job's paper: A4 or A5,
// or a 140 × 240 mm custom size for the invoice paper, all landscape.
func devMode(name *uint16, paper Paper) ([]byte, error) {
	var h uintptr
	if r, _, err := openPrinter.Call(uintptr(unsafe.Pointer(name)), uintptr(unsafe.Pointer(&h)), 0); r == 0 {
		return nil, fmt.Errorf("OpenPrinter: %v", err)
	}
	defer closePrint.Call(h)
	size, _, _ := docProps.Call(0, h, uintptr(unsafe.Pointer(name)), 0, 0, 0)
	if int32(size) <= 0 {
		return nil, fmt.Errorf("DocumentProperties: the driver gives no settings")
	}
	dm := make([]byte, size)
	if r, _, _ := docProps.Call(0, h, uintptr(unsafe.Pointer(name)), uintptr(unsafe.Pointer(&dm[0])), 0, dmOutBuffer); int32(r) < 0 {
		return nil, fmt.Errorf("DocumentProperties: the driver refused to give its settings")
	}
	put16 := func(off int, v int16) { *(*int16)(unsafe.Pointer(&dm[off])) = v }
	fields := (*uint32)(unsafe.Pointer(&dm[dmFieldsOff]))
	put16(dmOrientationOff, orientLandscape)
	*fields |= dmOrientation
	switch paper {
	case PaperA4:
		put16(dmPaperSizeOff, paperA4)
		*fields |= dmPaperSize
	case PaperA5:
		put16(dmPaperSizeOff, paperA5)
		*fields |= dmPaperSize
	default:
		// Tenths of a millimetre, portrait as the paper feeds. The width and length
		// override the paper size (DEVMODE's documentation); naming DMPAPER_USER as the
		// size as well makes some drivers (Wine's PostScript driver) look for a form of
		// that number, fail, and keep their default paper.
		*fields &^= dmPaperSize
		put16(dmPaperWidthOff, 1400)
		put16(dmPaperLengthOff, 2400)
		*fields |= dmPaperLength | dmPaperWidth
	}
	out := make([]byte, size)
	if r, _, _ := docProps.Call(0, h, uintptr(unsafe.Pointer(name)), uintptr(unsafe.Pointer(&out[0])),
		uintptr(unsafe.Pointer(&dm[0])), dmInBuffer|dmOutBuffer); int32(r) < 0 {
		return nil, fmt.Errorf("DocumentProperties: the driver refused the paper %s", paper)
	}
	return out, nil
}

// docInfo is DOCINFOW.
type docInfo struct {
	size     int32
	name     *uint16
	output   *uint16
	datatype *uint16
	fwType   uint32
}

// Submit draws the job's sheets on the printer's device context, one page each.
func (w *Winspool) Submit(_ context.Context, j *Job) (string, error) {
	name, err := syscall.UTF16PtrFromString(j.Printer)
	if err != nil {
		return "", &Error{Printer: j.Printer, Err: ErrMissing, Detail: err.Error()}
	}
	dm, err := devMode(name, j.Paper)
	if err != nil {
		return "", &Error{Printer: j.Printer, Err: ErrRefused, Detail: err.Error()}
	}
	hdc, _, cerr := createDC.Call(0, uintptr(unsafe.Pointer(name)), 0, uintptr(unsafe.Pointer(&dm[0])))
	if hdc == 0 {
		return "", &Error{Printer: j.Printer, Err: ErrRefused, Detail: "CreateDC: " + cerr.Error()}
	}
	defer deleteDC.Call(hdc)
	dev := &gdiDevice{hdc: hdc}
	if err := dev.fits(j.Sheets); err != nil {
		return "", &Error{Printer: j.Printer, Err: ErrRefused, Detail: err.Error()}
	}
	title, _ := syscall.UTF16PtrFromString(j.Title)
	di := docInfo{name: title}
	di.size = int32(unsafe.Sizeof(di))
	job, _, serr := startDoc.Call(hdc, uintptr(unsafe.Pointer(&di)))
	if int32(job) <= 0 {
		return "", &Error{Printer: j.Printer, Err: ErrRefused, Detail: "StartDoc: " + serr.Error()}
	}
	if err := rasterise(dev, j.Sheets); err != nil {
		abortDoc.Call(hdc)
		return "", &Error{Printer: j.Printer, Err: ErrRefused, Detail: err.Error()}
	}
	if r, _, eerr := endDoc.Call(hdc); int32(r) <= 0 {
		return "", &Error{Printer: j.Printer, Err: ErrRefused, Detail: "EndDoc: " + eerr.Error()}
	}
	return strconv.Itoa(int(int32(job))), nil
}

// gdiDevice is a printer's device context.
type gdiDevice struct{ hdc uintptr }

// GetDeviceCaps indexes (wingdi.h).
const (
	capLogPixelsX = 88
	capLogPixelsY = 90
	capPhysWidth  = 110
	capPhysHeight = 111
	capOffsetX    = 112
	capOffsetY    = 113
)

// fits checks that the paper the driver chose holds the sheets: a driver without the
// paper asked for keeps its own, and a smaller one would cut the invoice off. A larger
// one is accepted: the sheet prints at its own size from the paper's top-left corner.
func (d *gdiDevice) fits(sheets []pdf.Page) error {
	dx, dy := d.Resolution()
	if dx <= 0 || dy <= 0 || len(sheets) == 0 {
		return nil // rasterise says what is wrong
	}
	w := float64(d.cap(capPhysWidth)) / float64(dx) * 25.4
	h := float64(d.cap(capPhysHeight)) / float64(dy) * 25.4
	if s := sheets[0]; w+2 < s.Width || h+2 < s.Height {
		return fmt.Errorf("the printer's paper is %.0f × %.0f mm, smaller than the %.0f × %.0f mm sheet: it has no such paper", w, h, s.Width, s.Height)
	}
	return nil
}

func (d *gdiDevice) cap(i int) int {
	r, _, _ := deviceCaps.Call(d.hdc, uintptr(i))
	return int(int32(r))
}

func (d *gdiDevice) Resolution() (int, int) { return d.cap(capLogPixelsX), d.cap(capLogPixelsY) }
func (d *gdiDevice) Offset() (int, int)     { return d.cap(capOffsetX), d.cap(capOffsetY) }

func (d *gdiDevice) StartPage() error {
	if r, _, err := startPage.Call(d.hdc); int32(r) <= 0 {
		return fmt.Errorf("StartPage: %v", err)
	}
	return nil
}

func (d *gdiDevice) EndPage() error {
	if r, _, err := endPage.Call(d.hdc); int32(r) <= 0 {
		return fmt.Errorf("EndPage: %v", err)
	}
	return nil
}

// bitmapInfo is BITMAPINFOHEADER (no colour table: 24 bits per pixel).
type bitmapInfo struct {
	size                   uint32
	width, height          int32
	planes, bitCount       uint16
	compression, sizeImage uint32
	xPelsPerM, yPelsPerM   int32
	clrUsed, clrImportant  uint32
}

// Blit sends the band as a 24-bit top-down DIB, the format every printer driver takes.
func (d *gdiDevice) Blit(img *image.RGBA, x, y, w, h int) error {
	b := img.Bounds()
	stride := (b.Dx()*3 + 3) &^ 3
	bits := make([]byte, stride*b.Dy())
	for row := 0; row < b.Dy(); row++ {
		src := img.Pix[row*img.Stride:]
		dst := bits[row*stride:]
		for col := 0; col < b.Dx(); col++ {
			dst[col*3], dst[col*3+1], dst[col*3+2] = src[col*4+2], src[col*4+1], src[col*4]
		}
	}
	bi := bitmapInfo{width: int32(b.Dx()), height: -int32(b.Dy()), planes: 1, bitCount: 24}
	bi.size = uint32(unsafe.Sizeof(bi))
	const dibRGBColors, srcCopy = 0, 0x00CC0020
	r, _, err := stretchDIB.Call(d.hdc, uintptr(x), uintptr(y), uintptr(w), uintptr(h), 0, 0,
		uintptr(b.Dx()), uintptr(b.Dy()), uintptr(unsafe.Pointer(&bits[0])), uintptr(unsafe.Pointer(&bi)),
		dibRGBColors, srcCopy)
	if r == 0 || int32(r) == -1 {
		return fmt.Errorf("StretchDIBits: %v", err)
	}
	return nil
}
