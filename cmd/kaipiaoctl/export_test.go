package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/workstation"
	"github.com/xuri/excelize/v2"
)

// issueExamples issues the CSV example's two orders (13% nothing, 6% all: 10000.00 +
// 600.00 and 1280.50 + 76.83) and returns the data folder and their CODE:NUMBERs.
func issueExamples(t *testing.T) (string, []string) {
	t.Helper()
	data := t.TempDir()
	code, out, stderr := runCLI(t, "", "--data", data, "issue", "../../docs/examples/07-orders.csv")
	if code != exitOK {
		t.Fatalf("issue: %d %s", code, stderr)
	}
	var ids []string
	for _, o := range jsonObjects(t, out) {
		ids = append(ids, o["code"].(string)+":"+o["number"].(string))
	}
	return data, ids
}

// The exported list holds every invoice with its amounts as numbers, and the totals by
// rate; the CSV says the same.
func TestExportListXLSXAndCSV(t *testing.T) {
	data, ids := issueExamples(t)
	dir := t.TempDir()
	xlsx, csvFile := filepath.Join(dir, "list.xlsx"), filepath.Join(dir, "list.csv")
	for _, f := range []string{xlsx, csvFile} {
		if code, _, stderr := runCLI(t, "", "--data", data, "export", "-o", f); code != exitOK {
			t.Fatalf("export %s: %d %s", f, code, stderr)
		}
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("发票清单", excelize.Options{RawCellValue: true})
	if len(rows) != 3 || rows[1][0]+":"+rows[1][1] != ids[0] || rows[1][8] != "10000.00" || rows[2][10] != "1357.33" {
		t.Fatalf("list rows %q", rows)
	}
	if typ, _ := f.GetCellType("发票清单", "I2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("the amount cell is of type %v, want a number", typ)
	}
	rates, _ := f.GetRows("按税率汇总", excelize.Options{RawCellValue: true})
	if len(rates) != 2 || rates[1][0] != "6%" || rates[1][1] != "2" || rates[1][2] != "11280.50" || rates[1][3] != "676.83" {
		t.Fatalf("rate rows %q", rates)
	}
	text, _ := os.ReadFile(csvFile)
	if !bytes.HasPrefix(text, []byte("\ufeff发票代码,")) || !strings.Contains(string(text), "6%,2,11280.50,676.83,0,0.00,0.00,11280.50,676.83") {
		t.Errorf("CSV:\n%s", text)
	}
	if code, _, _ := runCLI(t, "", "--data", data, "export", "-o", filepath.Join(dir, "list.pdf")); code != exitUsage {
		t.Errorf("export to .pdf: exit %d", code)
	}
}

// The PDFs of a selection go to a zip, each named by code and number and each a PDF.
func TestPDFsToZipAndFolder(t *testing.T) {
	data, ids := issueExamples(t)
	out := filepath.Join(t.TempDir(), "pdfs.zip")
	if code, _, stderr := runCLI(t, "", "--data", data, "pdfs", "-o", out); code != exitOK {
		t.Fatalf("pdfs: %d %s", code, stderr)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, _ := f.Open()
		head := make([]byte, 5)
		rc.Read(head)
		rc.Close()
		if string(head) != "%PDF-" {
			t.Errorf("%s is not a PDF: %q", f.Name, head)
		}
	}
	want := []string{strings.Replace(ids[0], ":", "_", 1) + ".pdf", strings.Replace(ids[1], ":", "_", 1) + ".pdf"}
	if !slices.Equal(names, want) {
		t.Errorf("zip holds %v, want %v", names, want)
	}
	dir := filepath.Join(t.TempDir(), "pdfs")
	if code, _, stderr := runCLI(t, "", "--data", data, "pdfs", "--from", "2000-01-01", "-o", dir); code != exitOK {
		t.Fatalf("pdfs to a folder: %d %s", code, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("folder holds %v", entries)
	}
}

// Buyers and goods kept from the issued invoices export to workbooks; an edited workbook
// imports back; a bad cell is refused naming row, column and value, and nothing changes.
func TestBuyersAndGoodsExportImport(t *testing.T) {
	data, _ := issueExamples(t)
	dir := t.TempDir()
	buyers, goods := filepath.Join(dir, "buyers.xlsx"), filepath.Join(dir, "goods.xlsx")
	for _, c := range [][]string{{"buyers", "export", buyers}, {"goods", "export", goods}} {
		if code, out, stderr := runCLI(t, "", append([]string{"--data", data}, c...)...); code != exitOK || !strings.Contains(out, `"exported"`) {
			t.Fatalf("%v: %d %s %s", c, code, out, stderr)
		}
	}
	f, err := excelize.OpenFile(goods)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("商品", excelize.Options{RawCellValue: true})
	if len(rows) != 4 {
		t.Fatalf("goods rows %q", rows)
	}
	// The clerk adds an exempt item, then breaks a rate.
	f.SetSheetRow("商品", "A5", &[]any{"大米", "1010101010000000000", "", "0", "exempt", "kg", "", "4.50"})
	f.Save()
	if code, out, stderr := runCLI(t, "", "--data", data, "goods", "import", goods); code != exitOK || !strings.Contains(out, `"imported":4`) {
		t.Fatalf("goods import: %d %s %s", code, out, stderr)
	}
	f.SetCellStr("商品", "D2", "7%")
	f.Save()
	f.Close()
	code, _, stderr := runCLI(t, "", "--data", data, "goods", "import", goods)
	if code != exitRefused || !strings.Contains(stderr, "第2行“税率”“7%”") {
		t.Fatalf("a bad rate: %d %s", code, stderr)
	}
	db, err := workstation.OpenStore(data)
	if err != nil {
		t.Fatal(err)
	}
	rice, _ := db.SearchGoods("大米", 5)
	shown, _ := db.SearchBuyers("深圳", 5)
	db.Close()
	if len(rice) != 1 || rice[0].Price.StringFixed(2) != "4.50" || rice[0].ShortName == "" {
		t.Errorf("imported goods %+v", rice)
	}
	if len(shown) != 1 || shown[0].TaxID != "91440101MA5CJQ4N59" {
		t.Errorf("buyers %+v", shown)
	}
	if code, _, stderr := runCLI(t, "", "--data", data, "buyers", "import", buyers); code != exitOK {
		t.Errorf("buyers import of the export: %d %s", code, stderr)
	}
}

func TestTemplateAndStatsWithoutDevice(t *testing.T) {
	data, _ := issueExamples(t)
	tpl := filepath.Join(t.TempDir(), "模板.xlsx")
	if code, _, stderr := runCLI(t, "", "--data", data, "template", "-o", tpl); code != exitOK {
		t.Fatalf("template: %d %s", code, stderr)
	}
	if code, out, stderr := runCLI(t, "", "--data", data, "check", tpl); code != exitOK || !strings.Contains(out, "10070.00") {
		t.Fatalf("check of the template: %d %s %s", code, out, stderr)
	}
	code, out, stderr := runCLI(t, "", "--data", data, "stats", "--month", "209912", "--no-device")
	var st statsJSON
	if code != exitOK || json.Unmarshal([]byte(out), &st) != nil || st.Count != 0 {
		t.Fatalf("stats of an empty month: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, "", "--data", data, "stats", "--month", "2026-11"); code != exitUsage || !strings.Contains(stderr, "YYYYMM") {
		t.Fatalf("a bad month: %d %s", code, stderr)
	}
}
