package main

import (
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/printing/cupstest"
	"github.com/kaipiao/kaipiao/workstation"
)

// printAudits is the audit log's print entries of a data folder.
func printAudits(t *testing.T, data string) []string {
	t.Helper()
	db, err := workstation.OpenStore(data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log, err := db.AuditLog(1, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range log {
		if e.Action == "print" {
			out = append(out, e.Operator+" "+e.Subject+" "+e.Detail)
		}
	}
	return out
}

// kaipiaoctl printers and print, through a private CUPS scheduler onto cups-pdf: the
// invoices come out as one job, the audit log says who printed what where; a stopped
// printer refuses with exit 1 and no audit entry.
func TestPrintThroughCUPS(t *testing.T) {
	srv := cupstest.Start(t)
	out := srv.AddPDFPrinter(t, "Office-PDF", true)
	srv.AddPDFPrinter(t, "Spare", false)
	t.Setenv("CUPS_SERVER", srv.Socket)
	t.Setenv("KAIPIAO_OPERATOR", "张三")

	data, ids := issueExamples(t)
	code, stdout, stderr := runCLI(t, "", "--data", data, "issue", "../../docs/examples/04-twelve-lines.json")
	if code != exitOK {
		t.Fatalf("issue: %d %s", code, stderr)
	}
	twelve := jsonObjects(t, stdout)[0]
	ids = append(ids, twelve["code"].(string)+":"+twelve["number"].(string))

	code, stdout, stderr = runCLI(t, "", "--data", data, "printers")
	ps := jsonObjects(t, stdout)
	if code != exitOK || len(ps) != 2 || ps[0]["name"] != "Office-PDF" || ps[0]["default"] != true || ps[0]["state"] != "idle" ||
		ps[1]["name"] != "Spare" || ps[1]["default"] != false {
		t.Fatalf("printers: %d %q %s", code, stdout, stderr)
	}

	args := append([]string{"--data", data, "print"}, ids...)
	code, stdout, stderr = runCLI(t, "", append(args, "--paper", "a5", "--copies", "2")...)
	if code != exitOK {
		t.Fatalf("print: %d %s", code, stderr)
	}
	res := jsonObjects(t, stdout)[0]
	if res["printer"] != "Office-PDF" || !strings.HasPrefix(res["job"].(string), "Office-PDF-") || res["pages"] != 8.0 ||
		len(res["invoices"].([]any)) != 3 || res["invoices"].([]any)[2] != ids[2] {
		t.Fatalf("print result %s", stdout)
	}
	files := srv.Outputs(t, out, 1)
	sheets := cupstest.Read(t, files[0])
	if len(files) != 1 || len(sheets) != 8 {
		t.Fatalf("%d files, %d pages; want one job of 2 × (1 + 1 + 2) pages", len(files), len(sheets))
	}
	for copy := range 2 {
		for i, want := range []string{ids[0], ids[1], ids[2], ids[2]} {
			s := sheets[copy*4+i]
			number := want[strings.Index(want, ":")+1:]
			if !strings.Contains(s.Text, number) || min(s.W, s.H) < 415 || min(s.W, s.H) > 425 || max(s.W, s.H) < 590 || max(s.W, s.H) > 600 {
				t.Errorf("copy %d page %d: %.0f × %.0f pt, want A5 with %s: %.100s", copy+1, i+1, s.W, s.H, want, s.Text)
			}
		}
	}
	audits := printAudits(t, data)
	if len(audits) != 1 || !strings.Contains(audits[0], "张三 "+strings.Join(ids, ",")) ||
		!strings.Contains(audits[0], "printer=Office-PDF") || !strings.Contains(audits[0], "copies=2") {
		t.Fatalf("audit log: %q", audits)
	}

	// A stopped printer: exit 1, the reason said, nothing printed, nothing recorded.
	srv.Run(t, "cupsdisable", "Office-PDF")
	code, stdout, stderr = runCLI(t, "", "--data", data, "print", ids[0])
	if code != exitRefused || stdout != "" || !strings.Contains(stderr, "Office-PDF") || !strings.Contains(stderr, "stopped") {
		t.Errorf("print on a disabled printer: %d %q %q", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "", "--data", data, "printers")
	if code != exitOK || !strings.Contains(stdout, `"state":"stopped"`) {
		t.Errorf("printers after cupsdisable: %q", stdout)
	}
	code, _, stderr = runCLI(t, "", "--data", data, "print", "--printer", "Nowhere", ids[0])
	if code != exitRefused || !strings.Contains(stderr, "no such printer") {
		t.Errorf("print on a missing printer: %d %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "", "--data", data, "print", "--paper", "letter", ids[0])
	if code != exitUsage || !strings.Contains(stderr, "letter") {
		t.Errorf("print on letter: %d %q", code, stderr)
	}
	if a := printAudits(t, data); len(a) != 1 {
		t.Errorf("refused prints reached the audit log: %q", a)
	}
	if jobs := srv.Run(t, "lpstat", "-W", "not-completed", "-o"); strings.TrimSpace(jobs) != "" {
		t.Errorf("a job waits on the stopped printer: %s", jobs)
	}
}
