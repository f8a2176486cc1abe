package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/printing/cupstest"
)

var wine = flag.Bool("wine", false, "also print through kaipiaoctl.exe's Windows spooler backend under Wine (make test passes it)")

// kaipiaoctl.exe prints under Wine through the Windows spooler backend (GDI: each sheet
// drawn at the printer's resolution on its device context). Wine's spooler reaches the
// test's own CUPS scheduler (its printers are ports CUPS:NAME) and so the same cups-pdf
// printer: the file it writes must be A4 sheets, one per page, with each invoice's QR
// code readable on its face. Wine does not see that a CUPS queue is disabled, so the
// stopped-printer case is proved on CUPS only (TestPrintThroughCUPS).
func TestPrintUnderWine(t *testing.T) {
	if !*wine {
		t.Skip("the Wine run is a make test step of its own: go test -run TestPrintUnderWine ./cmd/kaipiaoctl -args -wine")
	}
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
`, srv.Socket, exe, dir, winData, strings.Join(refs, " "))
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
	if read("print.rc") != "0" {
		t.Fatalf("kaipiaoctl.exe print: %s %s %s", read("print.rc"), read("print.json"), read("print.err"))
	}
	res := jsonObjects(t, read("print.json"))[0]
	if res["printer"] != "Kaipiao-PDF" || res["job"] == "" || res["pages"] != 3.0 {
		t.Fatalf("kaipiaoctl.exe print: %s", read("print.json"))
	}
	files := srv.Outputs(t, out, 1)
	sheets := cupstest.Read(t, files[0])
	if len(files) != 1 || len(sheets) != 3 {
		t.Fatalf("%d files, %d pages; want one job of 3 pages", len(files), len(sheets))
	}
	for i, s := range sheets {
		if min(s.W, s.H) < 593 || min(s.W, s.H) > 597 || max(s.W, s.H) < 840 || max(s.W, s.H) > 844 {
			t.Errorf("page %d is %.0f × %.0f pt, want A4", i+1, s.W, s.H)
		}
	}
	// The pages are pictures (GDI draws pixels): their QR codes say which invoice is where.
	for i, ref := range refs {
		png := filepath.Join(dir, fmt.Sprintf("page%d", i))
		if b, err := exec.Command("pdftoppm", "-r", "200", "-f", fmt.Sprint(i+1), "-l", fmt.Sprint(i+1), "-singlefile", "-png", files[0], png).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, b)
		}
		qr, err := exec.Command("zbarimg", "-q", "--raw", png+".png").Output()
		code, number, _ := strings.Cut(ref, ":")
		if err != nil || !strings.Contains(string(qr), ","+code+","+number+",") {
			t.Errorf("page %d: QR code %q (%v), want invoice %s", i+1, qr, err, ref)
		}
	}
	if a := printAudits(t, data); len(a) != 1 || !strings.Contains(a[0], "printer=Kaipiao-PDF") {
		t.Errorf("audit log: %q", a)
	}
}
