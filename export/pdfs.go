package export

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
)

// ExportMode is the permission of exported files (PDFs, the zip, CSV and workbook
// exports): the clerk's own, not the machine's other users' (docs/security.md). A clerk
// hands an invoice out by mail or by copying it, which does not carry the mode along.
const ExportMode = 0o600

// Render makes an invoice's PDF or OFD (workstation.RenderPDF, RenderOFD in the program).
type Render func(inv *invoice.Invoice) ([]byte, error)

// PDFName is an invoice's PDF file name: 发票代码_发票号码.pdf, or a 数电 invoice's
// 20-digit 发票号码.pdf, unique and what the clerk searches by. The code and number come from the device (or a journal import): they are
// checked to be digits first, so that a name can never climb out of its folder or zip.
func PDFName(inv *invoice.Invoice) (string, error) { return fileName(inv, ".pdf") }

// OFDName is an invoice's OFD file name: 发票代码_发票号码.ofd.
func OFDName(inv *invoice.Invoice) (string, error) { return fileName(inv, ".ofd") }

func fileName(inv *invoice.Invoice, ext string) (string, error) {
	if inv.Code == "" && invoice.ValidDigitalNumber(inv.Number) {
		return inv.Number + ext, nil // a 数电 invoice: its 20-digit number alone
	}
	if !invoice.ValidCode(inv.Code) || !invoice.ValidNumber(inv.Number) {
		return "", fmt.Errorf("发票代码 %s / 发票号码 %s: not digits of the right length, no file name made from them",
			invoice.Quote(inv.Code), invoice.Quote(inv.Number))
	}
	return inv.Code + "_" + inv.Number + ext, nil
}

// WritePDFs renders each record's PDF into dst: a zip archive when dst ends in .zip
// (written whole to a temporary file and renamed, so a failure leaves no half archive),
// a folder otherwise (created if needed). It returns the names written.
func WritePDFs(dst string, recs []*store.Record, render Render) ([]string, error) {
	return writeLayouts(dst, recs, render, "PDF")
}

// WriteOFDs is WritePDFs for the invoices' OFD files (代码_号码.ofd).
func WriteOFDs(dst string, recs []*store.Record, render Render) ([]string, error) {
	return writeLayouts(dst, recs, render, "OFD")
}

// writeLayouts writes the PDF or OFD (kind) files of recs into the folder or zip dst.
func writeLayouts(dst string, recs []*store.Record, render Render, kind string) ([]string, error) {
	if strings.EqualFold(filepath.Ext(dst), ".zip") {
		return writeZip(dst, recs, render, kind)
	}
	if err := os.MkdirAll(dst, 0o750); err != nil {
		return nil, err
	}
	var names []string
	for _, rec := range recs {
		base, err := fileName(rec.Invoice, "."+strings.ToLower(kind))
		if err != nil {
			return names, err
		}
		doc, err := render(rec.Invoice)
		if err != nil {
			return names, invoice.NewProblem(nil, "export.render_failed", invoice.Args{"ref": invoice.Ref(rec.Invoice.Code, rec.Invoice.Number), "kind": kind}, err)
		}
		name := filepath.Join(dst, base)
		if err := os.WriteFile(name, doc, ExportMode); err != nil {
			return names, err
		}
		names = append(names, name)
	}
	return names, nil
}

func writeZip(dst string, recs []*store.Record, render Render, kind string) (names []string, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".pdfs-*.zip")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	zw := zip.NewWriter(tmp)
	for _, rec := range recs {
		base, err := fileName(rec.Invoice, "."+strings.ToLower(kind))
		if err != nil {
			return nil, err
		}
		doc, err := render(rec.Invoice)
		if err != nil {
			return nil, invoice.NewProblem(nil, "export.render_failed", invoice.Args{"ref": invoice.Ref(rec.Invoice.Code, rec.Invoice.Number), "kind": kind}, err)
		}
		// Store, not deflate: a PDF's streams and an OFD's package are compressed already.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: base, Method: zip.Store,
			Modified: rec.Invoice.IssuedAt.In(time.Local)})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(doc); err != nil {
			return nil, err
		}
		names = append(names, base)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	return names, os.Rename(tmp.Name(), dst)
}
