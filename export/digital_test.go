package export

import (
	"path/filepath"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
)

// A 数电 invoice's files are named by its 20-digit number alone; a number of another
// length with no code makes no name.
func TestDigitalFileNames(t *testing.T) {
	inv := &invoice.Invoice{Kind: invoice.KindDigitalOrdinary, Issued: invoice.Issued{Number: "26357000000000000042"}}
	if n, err := OFDName(inv); err != nil || n != "26357000000000000042.ofd" {
		t.Fatalf("OFDName: %q %v", n, err)
	}
	dst := filepath.Join(t.TempDir(), "pdfs")
	names, err := WritePDFs(dst, []*store.Record{{Invoice: inv}}, func(*invoice.Invoice) ([]byte, error) { return []byte("%PDF-1.7"), nil })
	if err != nil || len(names) != 1 || filepath.Base(names[0]) != "26357000000000000042.pdf" {
		t.Fatalf("WritePDFs: %v %v", names, err)
	}
	for _, n := range []string{"2635700000000000004", "../../../x", ""} {
		if _, err := PDFName(&invoice.Invoice{Issued: invoice.Issued{Number: n}}); err == nil {
			t.Errorf("number %q without a code made a name", n)
		}
	}
}
