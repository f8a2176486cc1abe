package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The adversarial review's memory findings: a 1.4 MB workbook whose sheet unzips to
// 420 MB made `kaipiaoctl check` peak at 20.9 GB; a one-million-row CSV at 8 GB. The real
// program, in a child process under a memory limit (GOMEMLIMIT, and RLIMIT_AS through
// prlimit), must refuse each with the clerk's error, and its peak resident memory
// (getrusage's maxrss) must stay small. The GUI's import reads through the same
// orderfile functions (ui/files.go, ui/inbox.go).

// peakLimit is the resident memory the refusals must stay under: the program itself
// takes some 30 MB.
const peakLimit = 200 << 20

// zipBomb writes a workbook whose one sheet unzips to sheetBytes of rows.
func zipBomb(t *testing.T, path string, sheetBytes int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z := zip.NewWriter(f)
	put := func(name, body string) {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, err := z.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	row := `<row><c t="inlineStr"><is><t>ORDER</t></is></c><c t="inlineStr"><is><t>` + strings.Repeat("货", 60) + `</t></is></c></row>`
	for n := 0; n < sheetBytes; n += len(row) {
		bw.WriteString(row)
	}
	bw.WriteString(`</sheetData></worksheet>`)
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
}

// writeLines streams a CSV of n rows after a header to path: generated in memory, the
// file would raise this test process's own high-water mark, which a child started with
// vfork inherits into its maxrss.
func writeLines(t *testing.T, path string, n int, line func(int) string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("order_id,name,tax_code,quantity,unit_price,tax_rate\n")
	for i := range n {
		w.WriteString(line(i))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// checkUnderCap runs `kaipiaoctl check FILE` under the memory limits and returns its exit
// code, stderr and peak resident bytes.
func checkUnderCap(t *testing.T, file string) (int, string, int64) {
	t.Helper()
	ctl, _ := binaries(t)
	// 4 GB of address space (prlimit, util-linux: scripts/deps.sh): the Go runtime
	// reserves some; the 20 GB the review saw would fail here rather than swap the machine.
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		t.Fatalf("prlimit (util-linux) is needed: %v", err)
	}
	// Started through a fresh copy of this test binary (runMeasured): a child started
	// with vfork inherits its parent's high-water mark into its maxrss, and this
	// process's is whatever the tests before this one left.
	usage := filepath.Join(t.TempDir(), "maxrss")
	cmd := exec.Command(os.Args[0], prlimit, "--as=4294967296", ctl, "check", file)
	cmd.Env = append(os.Environ(), "GOMEMLIMIT=128MiB", rusageEnv+"="+usage)
	var stderr, stdout bytes.Buffer
	cmd.Stderr, cmd.Stdout = &stderr, &stdout
	err = cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	kb, err := os.ReadFile(usage)
	if err != nil {
		t.Fatalf("the measured run left no maxrss: %v", err)
	}
	maxrss, err := strconv.ParseInt(string(kb), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	// Every refusal here is of one order or of the whole file: its answer is small,
	// whatever the input's size.
	if stdout.Len() > 64<<10 && !strings.Contains(file, "largest") {
		t.Errorf("stdout of %d bytes: the answer echoes the input", stdout.Len())
	}
	return code, stderr.String(), maxrss << 10 // kilobytes on Linux
}

// rusageEnv names the file where runMeasured writes the peak resident memory (kB) of the
// command it ran.
const rusageEnv = "KAIPIAO_TEST_MAXRSS_FILE"

// runMeasured runs args as this process's only child, with its standard streams, and
// writes the child's maxrss to out. This process is small when it starts the child, so
// the child's maxrss is its own (an upper bound by this process's few megabytes).
func runMeasured(out string, args []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		fmt.Fprintln(os.Stderr, err)
		return 125
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if err := os.WriteFile(out, []byte(strconv.FormatInt(ru.Maxrss, 10)), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 125
	}
	return cmd.ProcessState.ExitCode()
}

func TestImportLimitsUnderAMemoryCap(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs kaipiaoctl")
	}
	dir := t.TempDir()
	cases := []struct {
		name, file, want string
		make             func(path string)
	}{
		{"zip bomb: a 420 MB sheet", "bomb.xlsx", "unzips to more than", func(p string) { zipBomb(t, p, 420<<20) }},
		{"a million CSV rows", "million.csv", "more than 20000 rows", func(p string) {
			writeLines(t, p, 1_000_000, func(i int) string { return fmt.Sprintf("%d\n", i%10) })
		}},
		{"a 40 MB CSV of a million orders", "large.csv", "over 16 MB", func(p string) {
			writeLines(t, p, 1_000_000, func(i int) string {
				return fmt.Sprintf("O-%07d,计算机配件,1090509020000000000,1,100,0.13\n", i)
			})
		}},
		{"a 10 MB field in a JSON order", "field.json", "at most 100 allowed", func(p string) {
			os.WriteFile(p, []byte(`{"order_id":"J-1","buyer":{"name":"`+strings.Repeat("名", 10<<20/3)+`"},"lines":[]}`), 0o600)
		}},
		{"a 1 MB cell", "cell.csv", "over the limit of 4096", func(p string) {
			os.WriteFile(p, []byte("order_id,name\nO-1,"+strings.Repeat("x", 1<<20)+"\n"), 0o600)
		}},
	}
	t.Run("the largest table accepted", func(t *testing.T) {
		path := filepath.Join(dir, "largest.csv")
		writeLines(t, path, 19_999, func(i int) string {
			return fmt.Sprintf("O-%05d,计算机配件,1090509020000000000,1,100,0.13\n", i)
		})
		code, stderr, peak := checkUnderCap(t, path)
		t.Logf("largest.csv: exit %d, peak RSS %d MB", code, peak>>20)
		// Every order is checked (each lacks a buyer: refused for that, not for size).
		if code != exitRefused || !strings.Contains(stderr, `"O-19998"`) || strings.Contains(stderr, "more than") || peak > peakLimit {
			t.Fatalf("exit %d (stderr %.300q), peak %d MB", code, stderr, peak>>20)
		}
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.file)
			c.make(path)
			code, stderr, peak := checkUnderCap(t, path)
			st, _ := os.Stat(path)
			t.Logf("%s (%d bytes): exit %d, peak RSS %d MB", c.file, st.Size(), code, peak>>20)
			if code != exitRefused || !strings.Contains(stderr, c.want) {
				t.Fatalf("exit %d, stderr %.300q; want a refusal mentioning %q", code, stderr, c.want)
			}
			if len(stderr) > 4096 {
				t.Fatalf("the error echoes %d bytes of input", len(stderr))
			}
			if peak > peakLimit {
				t.Fatalf("peak resident memory %d MB, over %d MB", peak>>20, peakLimit>>20)
			}
		})
	}
}
