// Package cupstest runs a private CUPS scheduler for tests: its own configuration,
// spool and socket in a temporary folder, so that it needs no system print service and
// leaves none behind, with virtual PDF printers (cups-pdf) whose output files tests read
// back. It needs root (the cups-pdf backend runs as root) and the Debian packages cups
// and printer-driver-cups-pdf (scripts/deps.sh).
package cupstest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/printing"
)

// Server is a running private cupsd.
type Server struct {
	Dir    string // its configuration, spool and logs
	Socket string // what CUPS_SERVER names
	cmd    *exec.Cmd
	confs  []string // cups-pdf configurations written for its printers
}

// ppd is cups-pdf's PostScript printer description.
const ppd = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"

// cups-pdf reads a queue's configuration from here only (compiled in).
const cupsPDFConfDir = "/etc/cups"

var seq atomic.Int64

// Start starts a cupsd of the test's own and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	for _, f := range []string{"/usr/sbin/cupsd", "/usr/lib/cups/backend/cups-pdf", ppd} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("cupstest: %s is missing: run `make deps` (Debian packages cups, printer-driver-cups-pdf)", f)
		}
	}
	if os.Geteuid() != 0 {
		t.Fatal("cupstest: the print tests run cupsd with the cups-pdf backend, which must run as root")
	}
	// Not t.TempDir: its folders are private to root, and the filters run as user lp.
	dir, err := os.MkdirTemp("", "kaipiao-cups-")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Dir: dir, Socket: filepath.Join(dir, "cups.sock")}
	t.Cleanup(func() { s.stop(t) })
	for _, d := range []string{"etc/ppd", "spool", "cache", "run", "tmp", "log"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "tmp"), 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	files := fmt.Sprintf(`ServerRoot %[1]s/etc
RequestRoot %[1]s/spool
CacheDir %[1]s/cache
StateDir %[1]s/run
TempDir %[1]s/tmp
ErrorLog %[1]s/log/error_log
AccessLog %[1]s/log/access_log
PageLog %[1]s/log/page_log
User lp
Group lp
SystemGroup root
Sandboxing Relaxed
`, dir)
	// Anyone on the private socket may do anything: it is the test's own scheduler.
	conf := fmt.Sprintf(`LogLevel info
Listen %s
Browsing Off
WebInterface No
DefaultAuthType None
MaxJobs 0
PreserveJobHistory Yes
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
    Allow all
  </Limit>
</Policy>
`, s.Socket)
	write(t, filepath.Join(dir, "etc", "cups-files.conf"), files)
	write(t, filepath.Join(dir, "etc", "cupsd.conf"), conf)
	s.cmd = exec.Command("/usr/sbin/cupsd", "-f", "-c", filepath.Join(dir, "etc", "cupsd.conf"),
		"-s", filepath.Join(dir, "etc", "cups-files.conf"))
	log, err := os.Create(filepath.Join(dir, "log", "cupsd.out"))
	if err != nil {
		t.Fatal(err)
	}
	s.cmd.Stdout, s.cmd.Stderr = log, log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("cupstest: start cupsd: %v", err)
	}
	for i := 0; ; i++ {
		if out, err := s.run("lpstat", "-r"); err == nil && strings.Contains(out, "is running") {
			break
		}
		if i == 300 {
			t.Fatalf("cupstest: cupsd did not come up on %s; see %s/log", s.Socket, dir)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return s
}

func write(t testing.TB, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Env is the environment that points CUPS clients at this scheduler.
func (s *Server) Env() []string { return []string{"CUPS_SERVER=" + s.Socket} }

// CUPS is the printing backend on this scheduler.
func (s *Server) CUPS() *printing.CUPS { return &printing.CUPS{Env: s.Env()} }

func (s *Server) run(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(append(os.Environ(), "LC_ALL=C"), s.Env()...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// Run runs a CUPS command (lpadmin, cupsdisable, …) against this scheduler.
func (s *Server) Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := s.run(name, args...)
	if err != nil {
		t.Fatalf("cupstest: %s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// AddPDFPrinter adds a cups-pdf queue that writes each job as a PDF into the returned
// folder, rendering with pdftocairo (Ghostscript's output loses its text for
// pdftotext). isDefault makes it the scheduler's default printer.
func (s *Server) AddPDFPrinter(t testing.TB, name string, isDefault bool) string {
	t.Helper()
	tag := fmt.Sprintf("kaipiaotest%d-%d", os.Getpid(), seq.Add(1))
	out := filepath.Join(s.Dir, "out-"+name)
	if err := os.MkdirAll(out, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(out, 0o777); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(cupsPDFConfDir, "cups-pdf-"+tag+".conf")
	write(t, conf, fmt.Sprintf("Out %s\nAnonDirName %s\nGrp root\nLabel 0\n", out, out))
	s.confs = append(s.confs, conf)
	s.Run(t, "lpadmin", "-p", name, "-E", "-v", "cups-pdf:/"+tag, "-P", ppd,
		"-o", "pdftops-renderer-default=pdftocairo")
	if isDefault {
		s.Run(t, "lpadmin", "-d", name)
	}
	return out
}

// Outputs waits until the scheduler has finished every job and n PDFs are in dir, and
// returns their paths in job order. It fails the test if that takes over three minutes.
func (s *Server) Outputs(t testing.TB, dir string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		pending, _ := s.run("lpstat", "-W", "not-completed", "-o")
		files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
		if strings.TrimSpace(pending) == "" && len(files) >= n {
			sort.Slice(files, func(i, j int) bool { return jobOf(files[i]) < jobOf(files[j]) })
			return files
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(s.Dir, "log", "error_log"))
			t.Fatalf("cupstest: %d of %d output files after 3 minutes; pending jobs:\n%s\nerror_log:\n%s", len(files), n, pending, log)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// jobOf is the job number in a cups-pdf file name (…-job_12.pdf).
func jobOf(path string) int {
	var n int
	base := filepath.Base(path)
	if i := strings.LastIndex(base, "job_"); i >= 0 {
		fmt.Sscanf(base[i+4:], "%d", &n)
	}
	return n
}

func (s *Server) stop(t testing.TB) {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	}
	for _, c := range s.confs {
		_ = os.Remove(c)
	}
	if !t.Failed() {
		_ = os.RemoveAll(s.Dir)
	} else {
		t.Logf("cupstest: scheduler files kept in %s", s.Dir)
	}
}

// Sheet is one page of a printer's output file as poppler reads it.
type Sheet struct {
	W, H float64 // pt, as displayed: after the page's /Rotate
	Text string  // pdftotext's text, white space removed
}

// Read reads a PDF's pages with pdfinfo (size, rotation) and pdftotext (text).
func Read(t testing.TB, path string) []Sheet {
	t.Helper()
	info, err := exec.Command("pdfinfo", "-f", "1", "-l", "100000", path).Output()
	if err != nil {
		t.Fatalf("cupstest: pdfinfo %s: %v", path, err)
	}
	var sheets []Sheet
	rot := map[int]int{}
	for _, line := range strings.Split(string(info), "\n") {
		var n, r int
		var w, h float64
		if _, err := fmt.Sscanf(line, "Page %d size: %g x %g", &n, &w, &h); err == nil {
			sheets = append(sheets, Sheet{W: w, H: h})
		} else if _, err := fmt.Sscanf(line, "Page %d rot: %d", &n, &r); err == nil {
			rot[n] = r
		}
	}
	for n, r := range rot {
		if r%180 != 0 && n >= 1 && n <= len(sheets) {
			sheets[n-1].W, sheets[n-1].H = sheets[n-1].H, sheets[n-1].W
		}
	}
	text, err := exec.Command("pdftotext", "-raw", path, "-").Output()
	if err != nil {
		t.Fatalf("cupstest: pdftotext %s: %v", path, err)
	}
	pages := strings.Split(string(text), "\f")
	for i := range sheets {
		if i < len(pages) {
			sheets[i].Text = strings.Map(func(r rune) rune {
				if r == ' ' || r == '\n' || r == '\u3000' {
					return -1
				}
				return r
			}, pages[i])
		}
	}
	return sheets
}
