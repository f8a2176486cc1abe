package invoice

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docs/rules.md is the project's own rules reference: no file of the repository cites a
// rules or protocol document outside it, and every section a comment or doc cites by
// name (docs/rules.md "Texts") is a heading of docs/rules.md.
func TestRulesAreCitedFromTheRepositoryItself(t *testing.T) {
	root := ".."
	rules, err := os.ReadFile(filepath.Join(root, "docs", "rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	headings := map[string]bool{}
	for _, l := range strings.Split(string(rules), "\n") {
		if h, ok := strings.CutPrefix(l, "## "); ok {
			headings[h] = true
		}
	}
	outside := regexp.MustCompile(`\.\./shared|shared/(reference|spec)/|reference/rules\.md|protocol-notes\.md`)
	cited := regexp.MustCompile(`rules\.md[` + "`" + `]?,? "([^"]+)"`)
	bareSection := regexp.MustCompile(`rules\.md §`)
	wrap := regexp.MustCompile(`\s+(//\s*)?`) // a name wrapped over comment lines
	files, sections := 0, 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if ext := filepath.Ext(path); ext != ".go" && ext != ".md" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		text := string(data)
		if m := outside.FindString(text); m != "" {
			t.Errorf("%s cites %q, outside the repository: cite docs/rules.md or device/PROTOCOL.md", path, m)
		}
		if bareSection.MatchString(text) {
			t.Errorf("%s cites rules.md by a section number: cite docs/rules.md by its section's name", path)
		}
		for _, m := range cited.FindAllStringSubmatch(text, -1) {
			sections++
			if name := wrap.ReplaceAllString(m[1], " "); !headings[name] {
				t.Errorf("%s cites docs/rules.md %q, which has no such section", path, name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 || sections < 30 {
		t.Fatalf("read %d files citing %d sections: the walk missed the repository", files, sections)
	}
}
