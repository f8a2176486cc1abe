package invoice

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var placeholder = regexp.MustCompile(`\{([a-z_0-9]+)(:q)?\}`)

// Every message of the catalogue has its Chinese and its English, neither empty, and
// every brace in them is a parameter.
func TestCatalogueHasBothLanguages(t *testing.T) {
	if len(catalogue) < 100 {
		t.Fatalf("the catalogue has %d messages: its sections were not merged", len(catalogue))
	}
	for k, m := range catalogue {
		if strings.TrimSpace(m.Zh) == "" || strings.TrimSpace(m.En) == "" {
			t.Errorf("%s: a language is missing: %+v", k, m)
		}
		for _, text := range []string{m.Zh, m.En} {
			rest := placeholder.ReplaceAllString(text, "")
			if strings.ContainsAny(rest, "{}") {
				t.Errorf("%s: a brace that is not a parameter in %q", k, text)
			}
		}
		if !regexp.MustCompile(`\p{Han}`).MatchString(m.Zh) {
			t.Errorf("%s: the Chinese message has no Chinese: %q", k, m.Zh)
		}
	}
}

// keyArgs are the functions whose argument (by position) is a catalogue key.
var keyArgs = map[string]int{
	"add": 1, "NewFieldError": 1, "NewSentinel": 0, "newSentinelOf": 1, "NewProblem": 1,
	"refuse": 0, "Say": 1, "say": 0,
}

// Every key the project's code uses is in the catalogue: the calls that take a key
// (add, NewFieldError, NewSentinel, NewProblem, Say, …) are read from the source of
// every package; a key built as "prefix/"+x must have some message under its prefix.
func TestEveryKeyUsedIsInTheCatalogue(t *testing.T) {
	fset := token.NewFileSet()
	used := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != ".." && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				if name = fn.Name; name == "add" {
					return true // a local add
				}
			case *ast.SelectorExpr:
				name = fn.Sel.Name
				if r, ok := fn.X.(*ast.Ident); name == "add" && (!ok || (r.Name != "c" && r.Name != "headErrs")) {
					if s, ok := fn.X.(*ast.SelectorExpr); !ok || s.Sel.Name != "errs" {
						return true // another add: a set's, a container's
					}
				}
			}
			i, ok := keyArgs[name]
			if !ok || i >= len(call.Args) {
				return true
			}
			at := fset.Position(call.Pos())
			switch a := call.Args[i].(type) {
			case *ast.BasicLit:
				key, err := strconv.Unquote(a.Value)
				if err != nil || a.Kind != token.STRING {
					return true
				}
				used++
				if _, ok := catalogue[key]; !ok {
					t.Errorf("%s: key %q is not in the catalogue", at, key)
				}
			case *ast.BinaryExpr:
				if lit, ok := a.X.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					prefix, _ := strconv.Unquote(lit.Value)
					used++
					if !hasPrefix(prefix) {
						t.Errorf("%s: no key of the catalogue starts with %q", at, prefix)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if used < 80 {
		t.Fatalf("found only %d keys in the code: the scan has drifted from the calls", used)
	}
	// Keys built from values: the tax ID's problems and the JSON types.
	for _, p := range []TaxIDProblem{TaxIDFormat, TaxIDCheck, TaxIDOrgCheck} {
		if _, ok := catalogue[string(p)]; !ok {
			t.Errorf("tax ID problem %s is not in the catalogue", p)
		}
	}
	for _, k := range []string{"object", "array", "string", "boolean", "integer", "decimal"} {
		if _, ok := catalogue["field.type/"+k]; !ok {
			t.Errorf("field.type/%s is not in the catalogue", k)
		}
	}
}

func hasPrefix(p string) bool {
	for k := range catalogue {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// A rule error names its field, its value and the rule in both languages: the same
// error read again in English names the path, in Chinese the clerk's label.
func TestRuleErrorInBothLanguages(t *testing.T) {
	e := NewFieldError("lines[1].tax_rate", "tax_rate.unknown", "0.07", nil)
	if e.Rule != "tax_rate.unknown" || e.Value != "0.07" {
		t.Fatalf("%+v", e)
	}
	if want := "税率“0.07”不可用：应为 0.13、0.09、0.06、0.05、0.03、0.015、0.01 或 0"; e.Message != want || e.Text(Chinese) != want {
		t.Errorf("Chinese %q", e.Message)
	}
	if want := `lines[1].tax_rate "0.07" is not a rate in use (0.13, 0.09, 0.06, 0.05, 0.03, 0.015, 0.01 or 0)`; e.English != want || e.Text(English) != want {
		t.Errorf("English %q", e.English)
	}
	g := NewFieldError("buyer.name", "gbk.length", "x", Args{"max": "100", "n": "120"})
	if g.Text(Chinese) != "购买方名称最多100字节（GBK编码，汉字占2字节），现为120字节" ||
		g.Text(English) != "buyer.name is 120 GBK bytes, at most 100 allowed" {
		t.Errorf("%q / %q", g.Text(Chinese), g.Text(English))
	}
	// A variant keeps its rule's code: automation sees the rule.
	if v := NewFieldError("buyer.tax_id", "field.required/special", "", nil); v.Rule != "field.required" ||
		v.Message != "开具专票时购买方纳税人识别号不能为空" {
		t.Errorf("variant %+v", v)
	}
}

// Sentinels keep their English Error (what logs and scripts read) and explain themselves
// to the clerk through the catalogue, with the detail of what wrapped them.
func TestSentinelsExplained(t *testing.T) {
	if ErrRefused.Error() != "refused by the tax-control device" ||
		ErrNoHeadroom.Error() != "refused by the tax-control device: the order does not fit what the device has left" {
		t.Fatalf("%q %q", ErrRefused, ErrNoHeadroom)
	}
	if !errors.Is(ErrNoHeadroom, ErrRefused) {
		t.Fatal("ErrNoHeadroom is not an ErrRefused")
	}
	lost := fmt.Errorf("request R1: %w (timeout)", ErrOutcomeUnknown)
	if got := Explain(Chinese, lost); got != "税控设备没有应答，结果未知；恢复连接后系统会自动核对，请勿重复开具。（request R1: the device's answer was lost: outcome unknown (timeout)）" {
		t.Errorf("Chinese %q", got)
	}
	if got := Explain(English, lost); !strings.HasPrefix(got, "the device's answer was lost: outcome unknown (request R1") {
		t.Errorf("English %q", got)
	}
	if got := Explain(Chinese, fmt.Errorf("order A: %w", ErrOrderChanged)); got != "该订单已开具过发票，且内容与本次不同。" {
		t.Errorf("plain %q", got)
	}
	stock := NewProblem(ErrRefused, "refused.stock", Args{"kind": "e-ordinary", "title": "电子普通发票"}, nil)
	if stock.Error() != "refused by the tax-control device: no e-ordinary invoice numbers left in stock (电子普通发票库存不足，请领购发票)" {
		t.Errorf("problem %q", stock)
	}
	if !errors.Is(stock, ErrRefused) || KeyOf(fmt.Errorf("x: %w", stock)) != "refused.stock" ||
		Explain(Chinese, stock) != "电子普通发票库存不足，请领购发票" {
		t.Errorf("problem classified %q %q", KeyOf(stock), Explain(Chinese, stock))
	}
	errs := Errors{NewFieldError("remark", "field.required", "", nil), NewFieldError("type", "type.unknown", "x", nil)}
	if got := Explain(English, fmt.Errorf("order 1: %w", errs)); got != `remark is required; type "x" must be e-ordinary or e-special` {
		t.Errorf("rule errors %q", got)
	}
}

// Every rule code a message is written for is in docs/errors.md's table, which is the
// contract automation matches on.
func TestEveryRuleIsDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "errors.md"))
	if err != nil {
		t.Fatal(err)
	}
	for key := range ruleMessages {
		rule, _, _ := strings.Cut(key, "/")
		if !strings.Contains(string(doc), "`"+rule+"`") {
			t.Errorf("rule %s (message %s) is not in docs/errors.md", rule, key)
		}
	}
}

// kaipiaoctl's exit status comes from one classification: rule errors and refusals are
// the request's fault (exit 1), anything else the environment's (exit 2).
func TestRefusalClassifies(t *testing.T) {
	for _, c := range []struct {
		err  error
		want Refused
	}{
		{fmt.Errorf("order 1: %w", Errors{NewFieldError("remark", "field.required", "", nil)}), RefusedRules},
		{NewProblem(ErrRefused, "refused.stock", Args{"kind": "e-ordinary", "title": "电子普通发票"}, nil), RefusedByDevice},
		{fmt.Errorf("x: %w", ErrNoHeadroom), RefusedByDevice},
		{fmt.Errorf("order 1: %w", ErrOrderChanged), RefusedByDevice},
		{fmt.Errorf("request R: %w", ErrOutcomeUnknown), RefusedUnknown},
		{errors.New("no space left on device"), NotRefused},
	} {
		if got := Refusal(c.err); got != c.want {
			t.Errorf("%v: %d, want %d", c.err, got, c.want)
		}
	}
}
