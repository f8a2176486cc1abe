package invoice

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
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
