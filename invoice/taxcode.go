package invoice

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

// TaxCode is one entry of the tax classification code table (税收分类编码表).
type TaxCode struct {
	Code      string // 19 digits
	Name      string // 货物和劳务名称
	ShortName string // 商品和服务分类简称, printed as *简称*; empty for superseded codes
}

// TaxCodes is one version of the code table. It is read once and then only looked up,
// so it is safe for concurrent use.
type TaxCodes struct {
	Version string
	byCode  map[string]TaxCode

	summaryOnce sync.Once
	summary     map[string]bool // node prefixes that other codes sit under
}

// ParseTaxCodes reads a code table in the published CSV form: a header naming at least
// the columns code, name and short_name (in any order), then one code a row.
func ParseTaxCodes(r io.Reader, version string) (*TaxCodes, error) {
	if strings.TrimSpace(version) == "" {
		return nil, errors.New("tax code table: a version is required")
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("tax code table: reading the header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, want := range []string{"code", "name", "short_name"} {
		if _, ok := col[want]; !ok {
			return nil, fmt.Errorf("tax code table: no %q column in the header %q", want, header)
		}
	}
	t := &TaxCodes{Version: version, byCode: make(map[string]TaxCode, 4300)}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tax code table: %w", err)
		}
		get := func(name string) string {
			if i := col[name]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		tc := TaxCode{Code: get("code"), Name: get("name"), ShortName: get("short_name")}
		if !isDigits(tc.Code, 19) {
			return nil, fmt.Errorf("tax code table: row %d: code %q is not 19 digits", row, tc.Code)
		}
		if _, dup := t.byCode[tc.Code]; dup {
			return nil, fmt.Errorf("tax code table: row %d: code %s appears twice", row, tc.Code)
		}
		t.byCode[tc.Code] = tc
	}
	if len(t.byCode) == 0 {
		return nil, errors.New("tax code table: no codes")
	}
	return t, nil
}

// Lookup finds a code.
func (t *TaxCodes) Lookup(code string) (TaxCode, bool) {
	tc, ok := t.byCode[code]
	return tc, ok
}

// nodePrefix is the part of a code that names its place in the table's hierarchy: the
// first digit (篇), then pairs of digits (类, 章, 节, 条, 款, 项, 目, 子目, 细目), with the
// pairs of trailing zeros that only pad it to 19 digits cut off. 1090509010000000000
// has the prefix 109050901.
func nodePrefix(code string) string {
	n := len(code)
	for n > 1 && code[n-2:n] == "00" && (n-1)%2 == 0 {
		n -= 2
	}
	return code[:n]
}

// Leaves finds, for a summary node of the table (汇总项: a code other codes sit under),
// the nearest codes below it that may go on an invoice — the leaves at the smallest
// depth, in code order, at most max of them — and reports whether code is a summary
// node at all. Invoices name goods and services, never the headings that group them
// (docs/rules.md "Tax classification codes").
func (t *TaxCodes) Leaves(code string, max int) ([]string, bool) {
	if !t.isSummary(code) {
		return nil, false
	}
	p := nodePrefix(code)
	var below []string
	for c := range t.byCode {
		if strings.HasPrefix(c, p) && len(nodePrefix(c)) > len(p) && !t.isSummary(c) && t.byCode[c].ShortName != "" {
			below = append(below, c)
		}
	}
	sort.Slice(below, func(i, j int) bool {
		di, dj := len(nodePrefix(below[i])), len(nodePrefix(below[j]))
		if di != dj {
			return di < dj
		}
		return below[i] < below[j]
	})
	if len(below) > max {
		below = below[:max]
	}
	return below, true
}

// isSummary reports whether other codes of the table sit under code. The summary
// nodes are computed once, when first asked.
func (t *TaxCodes) isSummary(code string) bool {
	t.summaryOnce.Do(func() {
		t.summary = map[string]bool{}
		for c := range t.byCode {
			p := nodePrefix(c)
			// Each ancestor level of c that the table holds is a summary node.
			for n := len(p) - 2; n >= 1; n -= 2 {
				t.summary[p[:n]] = true
			}
		}
	})
	return t.summary[nodePrefix(code)]
}

// IsSummary reports whether code is a summary node (汇总项) of the table.
func (t *TaxCodes) IsSummary(code string) bool { return t.isSummary(code) }

// Len is the number of codes in the table.
func (t *TaxCodes) Len() int { return len(t.byCode) }

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
