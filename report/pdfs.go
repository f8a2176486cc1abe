package report

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

// Render makes an invoice's PDF (workstation.RenderPDF in the program).
type Render func(inv *invoice.Invoice) ([]byte, error)

// PDFName is an invoice's PDF file name: 发票代码_发票号码.pdf, unique and what the clerk
// searches by.
func PDFName(inv *invoice.Invoice) string { return inv.Code + "_" + inv.Number + ".pdf" }

// WritePDFs renders each record's PDF into dst: a zip archive when dst ends in .zip
// (written whole to a temporary file and renamed, so a failure leaves no half archive),
// a folder otherwise (created if needed). It returns the names written.
func WritePDFs(dst string, recs []*store.Record, render Render) ([]string, error) {
	if strings.EqualFold(filepath.Ext(dst), ".zip") {
		return writeZip(dst, recs, render)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return nil, err
	}
	var names []string
	for _, rec := range recs {
		doc, err := render(rec.Invoice)
		if err != nil {
			return names, fmt.Errorf("发票%s:%s的PDF：%w", rec.Invoice.Code, rec.Invoice.Number, err)
		}
		name := filepath.Join(dst, PDFName(rec.Invoice))
		if err := os.WriteFile(name, doc, 0o644); err != nil {
			return names, err
		}
		names = append(names, name)
	}
	return names, nil
}

func writeZip(dst string, recs []*store.Record, render Render) (names []string, err error) {
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
		doc, err := render(rec.Invoice)
		if err != nil {
			return nil, fmt.Errorf("发票%s:%s的PDF：%w", rec.Invoice.Code, rec.Invoice.Number, err)
		}
		// Store, not deflate: a PDF's streams are compressed already.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: PDFName(rec.Invoice), Method: zip.Store,
			Modified: rec.Invoice.IssuedAt.In(time.Local)})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(doc); err != nil {
			return nil, err
		}
		names = append(names, PDFName(rec.Invoice))
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
