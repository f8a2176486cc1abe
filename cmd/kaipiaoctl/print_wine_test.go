//go:build wine

// The Wine run is a make test step of its own (go test -tags wine -run TestPrintUnderWine
// ./cmd/kaipiaoctl): it needs the Wine harness and builds kaipiaoctl.exe.

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/printing/cupstest"
)

// kaipiaoctl.exe prints under Wine through the Windows spooler backend (GDI: each sheet
// drawn at the printer's resolution on its device context). Wine's spooler reaches the
// test's own CUPS scheduler (its printers are ports CUPS:NAME) and so the same cups-pdf
// printer: on A4 and A5 the files it writes must be sheets of that paper, one per page,
// with each invoice's QR code readable on its face. Wine does not see that a CUPS queue
// is disabled, so the stopped-printer case is proved on CUPS only (TestPrintThroughCUPS).
func TestPrintUnderWine(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "scripts", "wine-env.sh")); err != nil {
		t.Fatalf("scripts/wine-env.sh (the Wine harness) is missing: %v", err)
	}
	srv := cupstest.Start(t)
	out := srv.AddPDFPrinter(t, "Kaipiao-PDF", true)

	data, ids := issueExamples(t)
	code, stdout, stderr := runCLI(t, "", "--data", data, "issue", "../../docs/examples/04-twelve-lines.json")
	if code != exitOK {
		t.Fatalf("issue: %d %s", code, stderr)
	}
	twelve := jsonObjects(t, stdout)[0]
	refs := []string{ids[0], twelve["code"].(string) + ":" + twelve["number"].(string)}

	dir := t.TempDir()
	exe := filepath.Join(dir, "kaipiaoctl.exe")
	build := exec.Command("go", "build", "-o", exe, ".")
	build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building kaipiaoctl.exe: %v\n%s", err, b)
	}
	winData := "Z:" + strings.ReplaceAll(data, "/", `\`)
	script := fmt.Sprintf(`set -u
. scripts/wine-env.sh
wine_env_up || exit 2
export CUPS_SERVER=%[1]q KAIPIAO_OPERATOR=wine
wine %[2]q printers >%[3]s/printers.json 2>%[3]s/printers.err; echo $? >%[3]s/printers.rc
wine %[2]q --data %[4]q print %[5]s --paper a4 >%[3]s/print.json 2>%[3]s/print.err; echo $? >%[3]s/print.rc
wine %[2]q --data %[4]q print %[6]s --paper a5 >%[3]s/a5.json 2>%[3]s/a5.err; echo $? >%[3]s/a5.rc
wine %[2]q --data %[4]q print %[6]s --paper invoice >%[3]s/inv.json 2>%[3]s/inv.err; echo $? >%[3]s/inv.rc
`, srv.Socket, exe, dir, winData, strings.Join(refs, " "), refs[0])
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wine: %v\n%s", err, b)
	}
	read := func(name string) string {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		return strings.TrimSpace(string(b))
	}
	if read("printers.rc") != "0" || !strings.Contains(read("printers.json"), `{"name":"Kaipiao-PDF","default":true,"state":"idle"}`) {
		t.Fatalf("kaipiaoctl.exe printers: %s %s %s", read("printers.rc"), read("printers.json"), read("printers.err"))
	}
	for _, n := range []string{"print", "a5", "inv"} {
		if read(n+".rc") != "0" || !strings.Contains(read(n+".json"), `"printer":"Kaipiao-PDF"`) {
			t.Fatalf("kaipiaoctl.exe print (%s): %s %s %s", n, read(n+".rc"), read(n+".json"), read(n+".err"))
		}
	}
	if res := jsonObjects(t, read("print.json"))[0]; res["job"] == "" || res["pages"] != 3.0 {
		t.Fatalf("kaipiaoctl.exe print: %s", read("print.json"))
	}
	files := srv.Outputs(t, out, 3)
	if len(files) != 3 {
		t.Fatalf("%d files for three jobs: %v", len(files), files)
	}
	// qr reads the QR code of a page: the pages are pictures (GDI draws pixels), their
	// QR codes say which invoice is where.
	qr := func(file string, page int) string {
		png := filepath.Join(dir, fmt.Sprintf("%s-%d", filepath.Base(file), page))
		if b, err := exec.Command("pdftoppm", "-r", "200", "-f", fmt.Sprint(page), "-l", fmt.Sprint(page), "-singlefile", "-png", file, png).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, b)
		}
		out, _ := exec.Command("zbarimg", "-q", "--raw", png+".png").Output()
		return string(out)
	}
	shows := func(payload, ref string) bool {
		code, number, _ := strings.Cut(ref, ":")
		return strings.Contains(payload, ","+code+","+number+",")
	}
	isSize := func(s cupstest.Sheet, short, long float64) bool {
		return min(s.W, s.H) > short-2.5 && min(s.W, s.H) < short+2.5 && max(s.W, s.H) > long-2.5 && max(s.W, s.H) < long+2.5
	}

	// A4: both invoices, the 12-line one with its goods list, three A4 sheets.
	sheets := cupstest.Read(t, files[0])
	if len(sheets) != 3 {
		t.Fatalf("the A4 job has %d pages, want 3", len(sheets))
	}
	for i, s := range sheets {
		if !isSize(s, 595.3, 841.9) {
			t.Errorf("A4 page %d is %.0f × %.0f pt", i+1, s.W, s.H)
		}
	}
	for i, ref := range refs {
		if p := qr(files[0], i+1); !shows(p, ref) {
			t.Errorf("A4 page %d: QR code %q, want invoice %s", i+1, p, ref)
		}
	}
	// A5: one sheet.
	if sheets := cupstest.Read(t, files[1]); len(sheets) != 1 || !isSize(sheets[0], 419.5, 595.3) || !shows(qr(files[1], 1), refs[0]) {
		t.Errorf("the A5 job: %+v", sheets)
	}
	// The invoice paper: the device context takes the 240 × 140 mm size, but the job
	// reaches cups-pdf without it and comes out on its default A4, scaled; Windows
	// printers with custom sizes take it as it is. Whatever the sheet, the invoice is on it.
	if sheets := cupstest.Read(t, files[2]); len(sheets) != 1 || !shows(qr(files[2], 1), refs[0]) {
		t.Errorf("the invoice-paper job: %+v", sheets)
	} else {
		t.Logf("the invoice paper under Wine came out %.0f × %.0f pt", sheets[0].W, sheets[0].H)
	}
	if a := printAudits(t, data); len(a) != 3 || !strings.Contains(a[0], "printer=Kaipiao-PDF") {
		t.Errorf("audit log: %q", a)
	}
}
