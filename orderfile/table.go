package orderfile

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/kaipiao/kaipiao/invoice"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// A table column: its English and Chinese header names (docs/order.md, "Tables"), and
// where its value goes.
type column struct {
	en, zh string
	order  func(o *invoice.Order) *string     // an order-level field, or nil
	line   func(l *invoice.OrderLine) *string // a line field, or nil
	path   string                             // the field path errors use
}

var columns = []column{
	{en: "order_id", zh: "订单号", path: "order_id", order: func(o *invoice.Order) *string { return &o.OrderID }},
	{en: "type", zh: "发票类型", path: "type", order: func(o *invoice.Order) *string { return &o.Type }},
	{en: "buyer_name", zh: "购买方名称", path: "buyer.name", order: func(o *invoice.Order) *string { return &o.Buyer.Name }},
	{en: "buyer_tax_id", zh: "购买方纳税人识别号", path: "buyer.tax_id", order: func(o *invoice.Order) *string { return &o.Buyer.TaxID }},
	{en: "buyer_address_phone", zh: "购买方地址电话", path: "buyer.address_phone", order: func(o *invoice.Order) *string { return &o.Buyer.AddressPhone }},
	{en: "buyer_bank_account", zh: "购买方开户行及账号", path: "buyer.bank_account", order: func(o *invoice.Order) *string { return &o.Buyer.BankAccount }},
	{en: "buyer_email", zh: "购买方邮箱", path: "buyer.email", order: func(o *invoice.Order) *string { return &o.Buyer.Email }},
	{en: "price_includes_tax", zh: "含税", path: "price_includes_tax"},
	{en: "name", zh: "项目名称", path: "name", line: func(l *invoice.OrderLine) *string { return &l.Name }},
	{en: "tax_code", zh: "税收分类编码", path: "tax_code", line: func(l *invoice.OrderLine) *string { return &l.TaxCode }},
	{en: "spec", zh: "规格型号", path: "spec", line: func(l *invoice.OrderLine) *string { return &l.Spec }},
	{en: "unit", zh: "单位", path: "unit", line: func(l *invoice.OrderLine) *string { return &l.Unit }},
	{en: "quantity", zh: "数量", path: "quantity", line: func(l *invoice.OrderLine) *string { return &l.Quantity }},
	{en: "unit_price", zh: "单价", path: "unit_price", line: func(l *invoice.OrderLine) *string { return &l.UnitPrice }},
	{en: "amount", zh: "金额", path: "amount", line: func(l *invoice.OrderLine) *string { return &l.Amount }},
	{en: "tax_rate", zh: "税率", path: "tax_rate", line: func(l *invoice.OrderLine) *string { return &l.TaxRate }},
	{en: "tax", zh: "税额", path: "tax", line: func(l *invoice.OrderLine) *string { return &l.Tax }},
	{en: "zero_rate", zh: "零税率标识", path: "zero_rate", line: func(l *invoice.OrderLine) *string { return &l.ZeroRate }},
	{en: "discount", zh: "折扣金额", path: "discount", line: func(l *invoice.OrderLine) *string { return &l.Discount }},
	{en: "remark", zh: "备注", path: "remark", order: func(o *invoice.Order) *string { return &o.Remark }},
	{en: "payee", zh: "收款人", path: "payee", order: func(o *invoice.Order) *string { return &o.Payee }},
	{en: "reviewer", zh: "复核", path: "reviewer", order: func(o *invoice.Order) *string { return &o.Reviewer }},
	{en: "issuer", zh: "开票人", path: "issuer", order: func(o *invoice.Order) *string { return &o.Issuer }},
}

// DecodeCSV reads orders from a CSV table in UTF-8 (with or without a byte-order mark) or
// GBK, as Excel in a Chinese locale saves it. See DecodeTable.
func DecodeCSV(data []byte) ([]*invoice.Order, error) {
	rows, err := CSVRows(data)
	if err != nil {
		return nil, err
	}
	return DecodeTable(rows)
}

// CSVRows reads a CSV table's cells, in UTF-8 (with or without a byte-order mark) or
// GBK. Blank lines are kept as empty rows, so that row numbers in errors are the ones the
// clerk's editor shows.
func CSVRows(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		// GB18030 decodes every GBK file. It does not fail on bytes that are neither: it
		// substitutes U+FFFD, so that (and NUL, never in a text table) marks a wrong guess.
		utf, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(utf, utf8.RuneError) || bytes.IndexByte(utf, 0) >= 0 {
			return nil, invoice.Errors{invoice.NewFieldError("", "table.encoding", "", nil)}
		}
		data = utf
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var rows [][]string
	next := 1 // the line the next record starts on when no blank line comes between
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, invoice.Errors{invoice.NewFieldError("", "table.csv", err.Error(), nil)}
		}
		// encoding/csv skips empty lines; the clerk counts them (the editor and Excel
		// show them as rows), so keep them as blank rows and row numbers stay true.
		line, _ := r.FieldPos(0)
		for ; next < line; next++ {
			rows = append(rows, nil)
		}
		last, _ := r.FieldPos(len(rec) - 1)
		next = last + 1 + strings.Count(rec[len(rec)-1], "\n")
		if err := CheckRow(len(rows)+1, rec); err != nil {
			return nil, err
		}
		rows = append(rows, rec)
	}
}

// DecodeTable reads orders from the rows of a table (docs/order.md, "Tables"): the first
// row names the columns, in English or Chinese, in any order; each later row is one line;
// rows with the same order_id form one order, in row order. Order-level columns are taken
// from an order's first row; a later row of the same order that gives a different value
// is an error. Errors name their cell as row:N/COLUMN, N the row number counting the
// header as row 1. A problem with the header itself is returned as the error; problems
// with rows are recorded in each order's DecodeErrors.
func DecodeTable(rows [][]string) ([]*invoice.Order, error) {
	if len(rows) == 0 {
		return nil, invoice.Errors{invoice.NewFieldError("", "table.empty", "", nil)}
	}
	if len(rows) > MaxTableRows {
		return nil, errTooManyRows()
	}
	header := rows[0]
	idx := make([]int, len(columns)) // column index → cell index, -1 when absent
	for i := range idx {
		idx[i] = -1
	}
	chinese := false
	var headErrs errList
	for cell, name := range header {
		name = strings.TrimSpace(strings.TrimPrefix(name, "\ufeff"))
		if name == "" {
			continue
		}
		found := false
		for i, c := range columns {
			if name == c.en || name == c.zh {
				if idx[i] >= 0 {
					headErrs.add(fmt.Sprintf("row:1/%s", name), "table.duplicate_column", name, nil)
				}
				idx[i], found = cell, true
				chinese = chinese || name == c.zh
			}
		}
		if !found {
			headErrs.add(fmt.Sprintf("row:1/%s", name), "table.unknown_column", name, nil)
		}
	}
	if idx[0] < 0 {
		headErrs.add("row:1/order_id", "table.missing_column", "order_id", nil)
	}
	if len(headErrs.es) > 0 {
		return nil, headErrs.es
	}
	colName := func(i int) string {
		if idx[i] >= 0 {
			return strings.TrimSpace(strings.TrimPrefix(header[idx[i]], "\ufeff"))
		}
		if chinese {
			return columns[i].zh
		}
		return columns[i].en
	}

	var orders []*invoice.Order
	byID := map[string]*invoice.Order{}
	firstRow := map[*invoice.Order][]string{}
	for r := 1; r < len(rows); r++ {
		row := rows[r]
		cell := func(i int) string {
			if idx[i] < 0 || idx[i] >= len(row) {
				return ""
			}
			return strings.TrimSpace(row[idx[i]])
		}
		if blank(row) {
			continue
		}
		rowNo := r + 1
		id := cell(0)
		o := byID[id]
		if o == nil {
			o = &invoice.Order{OrderID: id, Places: map[string]string{}}
			byID[id] = o
			orders = append(orders, o)
			firstRow[o] = row
			for i, c := range columns {
				o.Places[c.path] = fmt.Sprintf("row:%d/%s", rowNo, colName(i))
			}
			// Whole-order errors point at the order's first row.
			o.Places["lines"] = fmt.Sprintf("row:%d/%s", rowNo, colName(columnIndex("name")))
			o.Places["totals.tax"] = fmt.Sprintf("row:%d/%s", rowNo, colName(columnIndex("tax")))
		}
		first := o.Places["order_id"] == fmt.Sprintf("row:%d/%s", rowNo, colName(0))
		// Order-level values.
		for i, c := range columns {
			if c.line != nil || i == 0 {
				continue
			}
			v := cell(i)
			place := fmt.Sprintf("row:%d/%s", rowNo, colName(i))
			if c.path == "price_includes_tax" {
				if v == "" {
					continue
				}
				b, ok := parseTableBool(v)
				if !ok {
					o.DecodeErrors = append(o.DecodeErrors, invoice.NewFieldError(place, "field.type/table_bool", v, nil))
					continue
				}
				if first {
					o.PriceIncludesTax = b
				} else if b != o.PriceIncludesTax {
					o.DecodeErrors = append(o.DecodeErrors, inconsistent(place, v, id))
				}
				continue
			}
			dst := c.order(o)
			switch {
			case first:
				*dst = v
			case v != "" && v != *dst:
				o.DecodeErrors = append(o.DecodeErrors, inconsistent(place, v, id))
			}
		}
		// Line values.
		n := len(o.Lines)
		o.Lines = append(o.Lines, invoice.OrderLine{})
		for i, c := range columns {
			if c.line == nil {
				continue
			}
			*c.line(&o.Lines[n]) = cell(i)
			o.Places[fmt.Sprintf("lines[%d].%s", n, c.path)] = fmt.Sprintf("row:%d/%s", rowNo, colName(i))
		}
	}
	if len(orders) == 0 {
		return nil, invoice.Errors{invoice.NewFieldError("row:2", "table.no_rows", "", nil)}
	}
	return orders, nil
}

func columnIndex(en string) int {
	for i, c := range columns {
		if c.en == en {
			return i
		}
	}
	panic("orderfile: no column " + en)
}

func inconsistent(place, v, id string) *invoice.FieldError {
	return invoice.NewFieldError(place, "table.inconsistent", v, invoice.Args{"order": id})
}

func parseTableBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "true", "是":
		return true, true
	case "false", "否":
		return false, true
	}
	return false, false
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
