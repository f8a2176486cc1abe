package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/orderfile"
	"github.com/kaipiao/kaipiao/store"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

var (
	buyersHeader = []string{"购买方名称", "纳税人识别号", "地址电话", "开户行及账号", "邮箱"}
	goodsHeader  = []string{"商品名称", "税收分类编码", "简称", "税率", "零税率标识", "单位", "规格型号", "单价（不含税）"}
)

// WriteBuyers writes buyers to a workbook the clerk can edit and import again.
func WriteBuyers(w io.Writer, ps []invoice.Party) error {
	rows := [][]string{buyersHeader}
	for _, p := range ps {
		rows = append(rows, []string{p.Name, p.TaxID, p.AddressPhone, p.BankAccount, p.Email})
	}
	return writeBook(w, "购买方", rows, nil)
}

// WriteGoods writes goods to a workbook; the price is a number cell.
func WriteGoods(w io.Writer, gs []store.Goods) error {
	rows := [][]string{goodsHeader}
	for _, g := range gs {
		rows = append(rows, []string{g.Name, g.TaxCode, g.ShortName, g.Rate.Percent(), string(g.ZeroRate), g.Unit, g.Spec,
			g.Price.StringFixed(2)})
	}
	return writeBook(w, "商品", rows, map[int]bool{7: true})
}

func writeBook(w io.Writer, sheet string, rows [][]string, numeric map[int]bool) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	if err := writeSheet(f, sheet, rows, numeric); err != nil {
		return err
	}
	return f.Write(w)
}

// header maps a workbook's first row onto want's columns, in any order; a missing
// column is an error naming it.
func header(rows [][]string, want []string) ([]int, error) {
	if len(rows) == 0 {
		return nil, invoice.Errors{invoice.NewFieldError("", "table.empty", "", nil)}
	}
	idx := make([]int, len(want))
	for i, w := range want {
		idx[i] = -1
		for c, h := range rows[0] {
			if strings.TrimSpace(h) == w {
				idx[i] = c
			}
		}
		if idx[i] < 0 {
			return nil, invoice.Errors{invoice.NewFieldError("row:1/"+w, "table.missing_column/masterdata", w, invoice.Args{"column": w})}
		}
	}
	return idx, nil
}

func cellOf(row []string, i int) string {
	if i < len(row) {
		return strings.TrimSpace(row[i])
	}
	return ""
}

// ReadBuyers reads a buyers workbook (WriteBuyers' columns, in any order). Every row is
// checked; the error lists every bad cell as 第N行“列”.
func ReadBuyers(data []byte) ([]invoice.Party, error) {
	rows, err := orderfile.XLSXRows(data)
	if err != nil {
		return nil, err
	}
	idx, err := header(rows, buyersHeader)
	if err != nil {
		return nil, err
	}
	var out []invoice.Party
	var errs invoice.Errors
	for r, row := range rows[1:] {
		c := func(i int) string { return cellOf(row, idx[i]) }
		p := invoice.Party{Name: c(0), TaxID: c(1), AddressPhone: c(2), BankAccount: c(3), Email: c(4)}
		if p == (invoice.Party{}) {
			continue
		}
		if p.Name == "" {
			errs = append(errs, cellError(r+2, "购买方名称", "field.required/masterdata", "", nil))
		}
		if p.TaxID != "" {
			if problem, want := invoice.CheckTaxID(p.TaxID); problem != "" {
				errs = append(errs, cellError(r+2, "纳税人识别号", string(problem)+"/masterdata", p.TaxID, invoice.Args{"want": want}))
			}
		}
		out = append(out, p)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// ReadGoods reads a goods workbook. The tax code must be in codes, whose 简称 replaces
// the file's; the rate is 13% or 0.13; the price a decimal.
func ReadGoods(data []byte, codes *invoice.TaxCodes) ([]store.Goods, error) {
	rows, err := orderfile.XLSXRows(data)
	if err != nil {
		return nil, err
	}
	idx, err := header(rows, goodsHeader)
	if err != nil {
		return nil, err
	}
	var out []store.Goods
	var errs invoice.Errors
	for r, row := range rows[1:] {
		c := func(i int) string { return cellOf(row, idx[i]) }
		if strings.Join(row, "") == "" {
			continue
		}
		bad := func(col, v, key string) { errs = append(errs, cellError(r+2, col, key, v, nil)) }
		g := store.Goods{Name: c(0), TaxCode: c(1), ZeroRate: invoice.ZeroRate(c(4)), Unit: c(5), Spec: c(6)}
		if g.Name == "" {
			bad("商品名称", "", "field.required/masterdata_value")
		}
		if tc, ok := codes.Lookup(g.TaxCode); !ok || tc.ShortName == "" {
			bad("税收分类编码", g.TaxCode, "tax_code.unknown/masterdata")
		} else {
			g.ShortName = tc.ShortName
		}
		rate, err := invoice.ParseRate(c(3))
		if err != nil || !invoice.ValidRate(rate) {
			bad("税率", c(3), "tax_rate.unknown/masterdata")
		}
		g.Rate = rate
		if g.ZeroRate != "" && g.ZeroRate.Code() < 0 {
			bad("零税率标识", c(4), "zero_rate.unknown/masterdata")
		}
		if v := c(7); v != "" {
			if g.Price, err = decimal.NewFromString(v); err != nil || g.Price.IsNegative() {
				bad("单价（不含税）", v, "decimal.format/masterdata")
			}
		}
		out = append(out, g)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// cellError is a bad cell of a master-data workbook, named 第N行“列”“值” (the
// catalogue's KEY/masterdata wordings; the rule is the order rule it breaks).
func cellError(row int, column, key, value string, args invoice.Args) *invoice.FieldError {
	a := invoice.Args{"row": fmt.Sprint(row), "column": column}
	for k, v := range args {
		a[k] = v
	}
	return invoice.NewFieldError(fmt.Sprintf("row:%d/%s", row, column), key, value, a)
}
