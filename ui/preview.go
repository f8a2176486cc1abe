package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf"
)

// previewDPI draws the invoice at screen size: 240 mm is about 1,100 pixels.
const previewDPI = 115

// previewPages draws the invoice's pages with the PDF's own layout, so that what the
// clerk sees is what prints.
func previewPages(inv *invoice.Invoice) (fyne.CanvasObject, error) {
	// Only an issued invoice carries the seller's seal; a draft shows none.
	pages, err := pdf.Preview(inv, pdf.Options{Seal: !isDraftPreview(inv)}, previewDPI)
	if err != nil {
		return nil, err
	}
	box := container.NewVBox()
	for _, p := range pages {
		img := canvas.NewImageFromImage(p)
		// Sized from the page itself: an original-size image learns its size only when
		// drawn, which would leave the scroll empty until then.
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(float32(p.Bounds().Dx()), float32(p.Bounds().Dy())))
		box.Add(img)
	}
	return container.NewScroll(box), nil
}

// showPreview opens the preview of an invoice (or of a draft) in a dialog; with issue,
// the dialog has 开具 (focused) beside 关闭. Escape closes it.
func showPreview(win fyne.Window, title string, inv *invoice.Invoice, issue func()) *keyDialog {
	pages, err := previewPages(inv)
	if err != nil {
		showError(win, failed("preview.failed", err))
		return nil
	}
	var kd *keyDialog
	closeBtn := newButton(lang.L("关闭 (Esc)"), func() { kd.d.Hide() })
	buttons, focus := []*button{closeBtn}, fyne.Focusable(closeBtn)
	if issue != nil {
		issueBtn := newButton(lang.L("开具 (Enter)"), func() { kd.d.Hide(); issue() })
		issueBtn.Importance = widget.HighImportance
		buttons, focus = append(buttons, issueBtn), issueBtn
	}
	kd = showKeyDialog(win, title, pages, focus, nil, buttons...)
	// The window's size, less the dialog's frame: the page is 1,100 pixels wide and
	// scrolls where the screen is smaller.
	size := win.Canvas().Size()
	kd.d.Resize(fyne.NewSize(min(1180, size.Width-40), min(700, size.Height-40)))
	return kd
}

// draftCode stands for the code a draft does not have yet.
const draftCode = "000000000000"

// draftForPreview gives a draft the look of an issued invoice: the fields the device
// fills are shown as placeholders.
func draftForPreview(d *invoice.Invoice) *invoice.Invoice {
	p := *d
	if d.Kind.Digital() {
		// A 数电 draft: a 20-digit number of zeros but for the region, the seller's
		// province (digits 3–4 of its credit code), which the 监制 mark names.
		region := "00"
		if len(d.Seller.TaxID) == 18 {
			region = d.Seller.TaxID[2:4]
		}
		p.Issued = invoice.Issued{Number: "00" + region + strings.Repeat("0", 16)}
		return &p
	}
	p.Issued = invoice.Issued{Code: draftCode, Number: "00000000", Machine: "000000000000",
		CheckCode: "00000000000000000000"}
	return &p
}

// savePDF writes an invoice's PDF to path, or its OFD when path ends in .ofd.
func savePDF(ws *Workstation, inv *invoice.Invoice, path string) error {
	render := renderer(ws)
	if strings.EqualFold(filepath.Ext(path), ".ofd") {
		render = ofdRenderer(ws)
	}
	doc, err := render(inv)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, doc, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// askSavePDF lets the clerk choose where the PDF goes.
func askSavePDF(win fyne.Window, ws *Workstation, inv *invoice.Invoice) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		if err := savePDF(ws, inv, path); err != nil {
			showError(win, failed("pdf.save_failed", err))
			return
		}
		showInfo(win, lang.L("已保存"), path)
	}, win)
	// The name stays Chinese in the English window too: it is what the buyer and a
	// Chinese tax office expect of an invoice's file.
	if inv.Code == "" {
		d.SetFileName(fmt.Sprintf("发票_%s.pdf", inv.Number)) // a 数电 invoice
	} else {
		d.SetFileName(fmt.Sprintf("发票_%s_%s.pdf", inv.Code, inv.Number))
	}
	// The same dialog saves the OFD: the clerk picks the .ofd type or names the file so.
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf", ".ofd"}))
	inDocuments(d).Show()
}
