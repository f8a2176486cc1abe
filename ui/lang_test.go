package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/ui/locale"
)

// TestMain runs the screens in Chinese, whatever the machine's locale: the tests read
// what a Chinese clerk reads.
func TestMain(m *testing.M) {
	if err := SetLanguage("zh"); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// Every text the screens translate has its English.
func TestEveryLabelHasItsEnglish(t *testing.T) {
	data, err := assets.Translations.ReadFile("translations/en.json")
	if err != nil {
		t.Fatal(err)
	}
	var en map[string]string
	if err := json.Unmarshal(data, &en); err != nil {
		t.Fatal(err)
	}
	// lang.L("…") calls, and the Chinese in the rows of the label tables (columns, line
	// fields, buyer fields), which are translated where they are shown.
	call := regexp.MustCompile(`lang\.L\("([^"]*)"[,)]`)
	han := regexp.MustCompile(`"([^"]*\p{Han}[^"]*)"`)
	files, _ := filepath.Glob("*.go")
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(src), "\n") {
			found := call.FindAllStringSubmatch(line, -1)
			if strings.HasPrefix(strings.TrimSpace(line), `{"`) {
				found = append(found, han.FindAllStringSubmatch(line, -1)...)
			}
			for _, m := range found {
				key := m[1]
				n++
				if en[key] == "" {
					t.Errorf("%s: %q has no English in assets/translations/en.json", f, key)
				}
			}
		}
	}
	zh, err := assets.Translations.ReadFile("translations/zh_Hans.json")
	if err != nil {
		t.Fatal(err)
	}
	var zhMap map[string]string
	if err := json.Unmarshal(zh, &zhMap); err != nil {
		t.Fatal(err)
	}
	for k := range en {
		if zhMap[k] != k {
			t.Errorf("zh_Hans.json must map %q to itself (Fyne logs a failure for every missing key)", k)
		}
	}
	if n < 50 {
		t.Fatalf("found only %d translated texts; the pattern has drifted from the code", n)
	}
	// Every other Chinese literal of the screens is translated where it is shown (a map
	// of states, a table of options), or stays Chinese on purpose: the file names the
	// exports suggest, which a Chinese tax office expects.
	onPurpose := map[string]bool{"发票清单_20060102": true, "发票": true, "发票_%s.pdf": true, "发票_%s_%s.pdf": true}
	for _, lit := range hanLiterals(t, files) {
		if en[lit.text] == "" && !onPurpose[lit.text] {
			t.Errorf("%s: %q has no English in assets/translations/en.json (or is Chinese on purpose: say so in onPurpose)", lit.at, lit.text)
		}
	}
}

// hanLiteral is a string literal holding Chinese, and where it is.
type hanLiteral struct{ text, at string }

// hanLiterals are the Chinese string literals of the package's files (not its tests).
func hanLiterals(t *testing.T, files []string) []hanLiteral {
	t.Helper()
	var out []hanLiteral
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err == nil && strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
				out = append(out, hanLiteral{s, fset.Position(lit.Pos()).String()})
			}
			return true
		})
	}
	return out
}

// An English-speaking administrator sees English tabs, cards and buttons.
func TestScreensInEnglish(t *testing.T) {
	if err := SetLanguage("en"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = SetLanguage("zh") })
	ws := newWorkstation(t)
	u, w := newTestUI(t, ws)
	var tabs []string
	for _, it := range u.tabs.Items {
		tabs = append(tabs, it.Text)
	}
	if got := strings.Join(tabs, ","); got != "Home,Issue,Orders,Invoices,Monthly statistics,Settings,Buyers and goods,Tax device" {
		t.Fatalf("tabs %s", got)
	}
	if u.issue.issueBtn.Text != "Issue (Ctrl+Enter)" || u.list.partBtn.Text != "Reverse in part" {
		t.Errorf("buttons %q %q", u.issue.issueBtn.Text, u.list.partBtn.Text)
	}
	eventually(t, "the home screen", func() bool { return u.home.today.Text != "" })
	if u.home.today.Text != "0 blue, 0 red" || !strings.HasPrefix(u.home.queue.Text, "0 to upload, 0 failed") {
		t.Errorf("home %q %q", u.home.today.Text, u.home.queue.Text)
	}
	if err := u.ShowDevice(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the device panel", func() bool { return u.device.stock.Text != "" })
	// The stock per invoice type (docs/rules.md "Invoice code"), the rolls not yet opened
	// included, then the total.
	if !strings.HasPrefix(u.device.stock.Text, "E-ordinary invoice: 1000 left") || !strings.Contains(u.device.stock.Text, "\nE-special invoice: 200 left") ||
		!strings.Contains(u.device.stock.Text, "\n  900 not yet opened into rolls\n") ||
		!strings.HasSuffix(u.device.stock.Text, "1200 invoices left in all") || !strings.HasPrefix(u.device.period.Text, "Period ") {
		t.Errorf("device panel %q %q", u.device.stock.Text, u.device.period.Text)
	}
	u.ShowIssue()
	screenshot(t, w, "issue-english")

	// Back in Chinese, a new window is Chinese again.
	if err := SetLanguage("zh"); err != nil {
		t.Fatal(err)
	}
	u2, _ := newTestUI(t, ws)
	if u2.tabs.Items[0].Text != "首页" || u2.issue.issueBtn.Text != "开具 (Ctrl+Enter)" {
		t.Fatalf("Chinese again: %q %q", u2.tabs.Items[0].Text, u2.issue.issueBtn.Text)
	}
	// Its home screen translates in the background: done before the cleanup sets the
	// language again, which rewrites the translations that read uses.
	eventually(t, "the second window's home screen", func() bool { return u2.home.today.Text != "" })
}

// A C or POSIX locale, which Fyne cannot parse, becomes Chinese; a real one is kept.
func TestCLocaleBecomesChinese(t *testing.T) {
	for _, c := range []struct{ lang, want string }{{"C.UTF-8", locale.Chinese}, {"POSIX", locale.Chinese}, {"en_US.UTF-8", "en_US.UTF-8"}} {
		t.Setenv("LC_ALL", "")
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		locale.FixC()
		if got := os.Getenv("LANG"); got != c.want {
			t.Errorf("LANG=%s became %s, want %s", c.lang, got, c.want)
		}
	}
}
