package ui

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/kaipiao/kaipiao/ofd"
)

// The list's filtered invoices go to a zip and a folder of OFD files, each one an OFD
// with the invoice's data attached; the save dialog's .ofd choice writes one OFD.
func TestInvoiceListExportsOFD(t *testing.T) {
	ws := newWorkstation(t)
	u, _ := newTestUI(t, ws)
	issueFor(t, ws, "O-1", "示例公司", "")
	issueFor(t, ws, "O-2", "示例公司", "")
	l := u.list
	u.ShowInvoices()
	eventually(t, "two invoices", func() bool { return len(l.records) == 2 })
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "ofds.zip")
	if n, err := l.exportCount(zipPath, exportOFD); err != nil || n != 2 {
		t.Fatalf("zip: %d, %v", n, err)
	}
	z, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	if len(z.File) != 2 {
		t.Fatalf("the zip holds %d files", len(z.File))
	}
	for _, f := range z.File {
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		r.Close()
		files, err := ofd.Unpack(b)
		if err != nil || files["Doc_0/Attachs/"+ofd.XMLName] == nil || filepath.Ext(f.Name) != ".ofd" {
			t.Errorf("%s: not an invoice OFD: %v", f.Name, err)
		}
	}
	if err := l.exportTo(filepath.Join(dir, "folder"), exportOFD); err != nil {
		t.Fatal(err)
	}
	if files, _ := os.ReadDir(filepath.Join(dir, "folder")); len(files) != 2 {
		t.Errorf("folder holds %d files", len(files))
	}
	one := filepath.Join(dir, "one.ofd")
	if err := savePDF(ws, l.records[0].Invoice, one); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(one); len(b) < 4 || string(b[:2]) != "PK" {
		t.Errorf("a file saved as .ofd is not an OFD package")
	}
}
