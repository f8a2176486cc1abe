package archtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// module is the project's module path; patterns below are relative to it.
const module = "github.com/kaipiao/kaipiao"

// A rule: no package matching From (less those matching Except) imports a package
// matching To. Patterns are module-relative: "." is the module's root package, "x" is
// exactly x, "x/..." is x and everything under it, "..." is every project package. Test
// files are exempt: tests may drive the simulator or the store directly.
type rule struct {
	From, To string
	Except   []string
	Why      string
}

// rules are docs/DESIGN.md's import rules.
var rules = []rule{
	{From: "invoice", To: "...", Why: "the domain imports no project package: it declares the ports it needs"},
	{From: "...", To: "device/sim", Except: []string{"device/sim/...", ".", "cmd/kaipiaoctl", "cmd/kaipiao-devsim"},
		Why: "the simulator is wired in only by its own program and the binaries' dialer registration"},
	{From: "ui/...", To: "device/...", Why: "the window shows the service's views of the issuing channel"},
	{From: "ui/...", To: "store", Why: "the window goes through the application service (workstation.Service)"},
}

// A library rule: an outside package (Lib, a full import path) that only the project
// packages matching Only may import. Test files are exempt, as for rules.
type libRule struct {
	Lib  string
	Only []string
	Why  string
}

// libRules keep file formats in one place (docs/DESIGN.md, "File formats"): order files
// are read in orderfile, the period's files written in export.
var libRules = []libRule{
	{Lib: "github.com/xuri/excelize/v2", Only: []string{"orderfile", "export"},
		Why: "workbooks are read in orderfile and written in export, the one place for file formats"},
	{Lib: "encoding/csv", Only: []string{"orderfile", "export", "invoice"},
		Why: "CSV is read in orderfile and written in export (invoice reads only the tax-code table the program ships)"},
}

// libViolations lists every import in graph of a library outside its rule's Only, and
// every Only pattern that matches no package.
func libViolations(graph map[string][]string, rules []libRule) []string {
	var out []string
	for _, r := range rules {
		for _, only := range r.Only {
			seen := false
			for pkg := range graph {
				seen = seen || match(only, pkg)
			}
			if !seen {
				out = append(out, fmt.Sprintf("library rule %q: %q matches no package", r.Lib, only))
			}
		}
		for pkg, imports := range graph {
			if matchAny(r.Only, pkg) {
				continue
			}
			for _, imp := range imports {
				if imp == r.Lib {
					out = append(out, fmt.Sprintf("%s imports %s: %s", pkg, imp, r.Why))
				}
			}
		}
	}
	return out
}

// headless are the packages that must not link the GUI toolkit, even through a shared
// package: kaipiaoctl runs on servers without cgo or OpenGL.
var headless = []string{"workstation", "cmd/kaipiaoctl"}

// gui says whether a dependency is the GUI: Fyne or the ui package.
func gui(dep string) bool { return strings.HasPrefix(dep, "fyne.io/") || dep == module+"/ui" }

// dialerFile is the one file of a binary (the root package, cmd/kaipiaoctl) that may
// import the simulator: its dialer registration.
const dialerFile = "dialers.go"

// match says whether the module-relative path p matches pattern.
func match(pattern, p string) bool {
	switch {
	case pattern == "...":
		return true
	case strings.HasSuffix(pattern, "/..."):
		base := strings.TrimSuffix(pattern, "/...")
		return p == base || strings.HasPrefix(p, base+"/")
	default:
		return p == pattern
	}
}

func matchAny(patterns []string, p string) bool {
	for _, pat := range patterns {
		if match(pat, p) {
			return true
		}
	}
	return false
}

// rel is the module-relative path of a project package, and false for any other.
func rel(importPath string) (string, bool) {
	if importPath == module {
		return ".", true
	}
	r, ok := strings.CutPrefix(importPath, module+"/")
	return r, ok
}

// violations lists every import in graph (module-relative package → its imports, full
// paths) that breaks a rule, and every rule whose From matches no package (a rule left
// behind by a rename would otherwise pass for ever).
func violations(graph map[string][]string, rules []rule) []string {
	var out []string
	for _, r := range rules {
		seen := false
		for pkg, imports := range graph {
			if !match(r.From, pkg) {
				continue
			}
			seen = true
			if matchAny(r.Except, pkg) {
				continue
			}
			for _, imp := range imports {
				if to, ok := rel(imp); ok && to != pkg && match(r.To, to) {
					out = append(out, fmt.Sprintf("%s imports %s: %s", pkg, to, r.Why))
				}
			}
		}
		if !seen {
			out = append(out, fmt.Sprintf("rule %q → %q matches no package", r.From, r.To))
		}
	}
	return out
}

type listed struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	CgoFiles   []string
	Imports    []string
	Deps       []string
}

// list runs `go list -json ./...` at the module's root for goos: the packages and their
// non-test imports as that platform builds them.
func list(t *testing.T, goos string) []listed {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "GOOS="+goos, "CGO_ENABLED=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list (GOOS=%s): %v\n%s", goos, err, stderr.String())
	}
	var pkgs []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestImportRules checks docs/DESIGN.md's import rules on the module as Linux and as
// Windows build it (each has files of its own).
func TestImportRules(t *testing.T) {
	for _, goos := range []string{"linux", "windows"} {
		pkgs := list(t, goos)
		graph := map[string][]string{}
		for _, p := range pkgs {
			if r, ok := rel(p.ImportPath); ok {
				graph[r] = p.Imports
			}
		}
		if len(graph) < 10 {
			t.Fatalf("GOOS=%s: go list found only %d packages", goos, len(graph))
		}
		for _, v := range append(violations(graph, rules), libViolations(graph, libRules)...) {
			t.Errorf("GOOS=%s: %s", goos, v)
		}
		for _, p := range pkgs {
			if r, _ := rel(p.ImportPath); matchAny(headless, r) {
				for _, dep := range p.Deps {
					if gui(dep) {
						t.Errorf("GOOS=%s: %s depends on %s: it must not link the GUI toolkit", goos, r, dep)
					}
				}
			}
		}
		// In the binaries the rule allows, only the dialer registration imports the
		// simulator: the rest of the program opens the device by its address.
		for _, p := range pkgs {
			r, _ := rel(p.ImportPath)
			if r != "." && r != "cmd/kaipiaoctl" {
				continue
			}
			for _, f := range append(p.GoFiles, p.CgoFiles...) {
				if f != dialerFile && importsOf(t, filepath.Join(p.Dir, f))[module+"/device/sim"] {
					t.Errorf("GOOS=%s: %s/%s imports device/sim: only %s registers the simulator's dialer", goos, r, f, dialerFile)
				}
			}
		}
	}
}

func importsOf(t *testing.T, path string) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		out[p] = true
	}
	return out
}

// TestRulesCatchViolations: each rule reports an import that breaks it and allows its
// exceptions, on a made-up graph, so that a rule that can no longer fail is noticed.
func TestRulesCatchViolations(t *testing.T) {
	bad := map[string][]string{
		"invoice":            {"strings", module + "/store"},
		"store":              {module + "/invoice"},
		"workstation":        {module + "/device", module + "/device/sim"},
		"ui":                 {module + "/store", module + "/device"},
		"ui/locale":          {module + "/device/sim"},
		".":                  {module + "/device/sim"},
		"cmd/kaipiaoctl":     {module + "/device/sim"},
		"cmd/kaipiao-devsim": {module + "/device/sim"},
		"device/sim":         {module + "/device"},
		"device":             {module + "/invoice"},
	}
	got := strings.Join(violations(bad, rules), "\n")
	for _, want := range []string{"invoice imports store", "workstation imports device/sim", "ui imports device:", "ui imports store:",
		"ui/locale imports device/sim", "ui/locale imports device/sim: the simulator"} {
		if !strings.Contains(got, want) {
			t.Errorf("not reported: %q; got:\n%s", want, got)
		}
	}
	for _, allowed := range []string{"cmd/kaipiaoctl imports", "cmd/kaipiao-devsim imports", ". imports", "store imports"} {
		if strings.Contains(got, allowed) {
			t.Errorf("reported although allowed: %q; got:\n%s", allowed, got)
		}
	}
	if v := violations(map[string][]string{}, rules); len(v) != len(rules) {
		t.Errorf("rules matching no package: %v", v)
	}
}

// TestLibRulesCatchViolations: a workbook or CSV library imported outside the file-format
// packages is reported; orderfile and export may import them.
func TestLibRulesCatchViolations(t *testing.T) {
	graph := map[string][]string{
		"orderfile": {"github.com/xuri/excelize/v2", "encoding/csv"},
		"export":    {"github.com/xuri/excelize/v2", "encoding/csv"},
		"invoice":   {"encoding/csv", "github.com/xuri/excelize/v2"},
		"ui":        {"github.com/xuri/excelize/v2"},
		"store":     {"encoding/csv"},
	}
	got := strings.Join(libViolations(graph, libRules), "\n")
	for _, want := range []string{"invoice imports github.com/xuri/excelize/v2", "ui imports github.com/xuri/excelize/v2",
		"store imports encoding/csv"} {
		if !strings.Contains(got, want) {
			t.Errorf("not reported: %q; got:\n%s", want, got)
		}
	}
	for _, allowed := range []string{"orderfile imports", "export imports", "invoice imports encoding/csv"} {
		if strings.Contains(got, allowed) {
			t.Errorf("reported although allowed: %q; got:\n%s", allowed, got)
		}
	}
	if v := libViolations(map[string][]string{"x": nil}, libRules); len(v) == 0 {
		t.Errorf("an Only pattern matching no package is not reported")
	}
}
