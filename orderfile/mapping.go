package orderfile

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kaipiao/kaipiao/invoice"
)

// Mapping tells the import which canonical column a file's header means, for files whose
// headers are neither the English nor the Chinese names of docs/order.md (an ERP's own
// export: "客户名称" for 购买方名称). Keys are headers as written in the file; values are
// canonical columns, English or Chinese ("buyer_name" or "购买方名称"). Headers the
// mapping does not name are read as they are. The clerk adjusts a mapping once and saves
// it in the store under a name (store.SetColumnMapping).
type Mapping map[string]string

// Ignore, as a mapping's column, leaves that header's column out of the import: an ERP's
// export often carries columns an invoice has no place for.
const Ignore = "-"

// Canonical returns the English canonical name of a column given in English or Chinese,
// and false for a name that is no column.
func Canonical(column string) (string, bool) {
	column = strings.TrimSpace(column)
	for _, c := range TableColumns() {
		if column == c.EN || column == c.ZH {
			return c.EN, true
		}
	}
	return "", false
}

// Check reports every mapping entry that names no column, or maps two headers onto one
// column, as errors the clerk can read.
func (m Mapping) Check() invoice.Errors {
	var errs invoice.Errors
	seen := map[string]string{}
	for _, header := range sortedKeys(m) {
		if m[header] == Ignore {
			continue
		}
		canon, ok := Canonical(m[header])
		switch {
		case !ok:
			errs = append(errs, invoice.NewFieldError("mapping/"+header, "mapping.unknown_column", m[header], invoice.Args{"header": header}))
		case seen[canon] != "":
			errs = append(errs, invoice.NewFieldError("mapping/"+header, "mapping.duplicate", m[header],
				invoice.Args{"header": header, "other": seen[canon], "canon": canon}))
		default:
			seen[canon] = header
		}
	}
	return errs
}

// DecodeMapped reads an order file like Decode, the table's headers translated by m
// first. Errors still name the header as written in the file: row:5/客户名称.
func DecodeMapped(name string, data []byte, m Mapping) ([]*invoice.Order, error) {
	if len(m) == 0 {
		return Decode(name, data)
	}
	if errs := m.Check(); len(errs) > 0 {
		return nil, errs
	}
	format, err := Detect(name, data)
	if err != nil {
		return nil, err
	}
	if format == JSON {
		return Decode(name, data) // JSON names its fields; a mapping is for tables
	}
	rows, err := tableRows(format, data)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return DecodeTable(rows)
	}
	written := map[string]string{} // canonical → header as written
	header := append([]string(nil), rows[0]...)
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if to, ok := m[h]; ok {
			if to == Ignore {
				header[i] = "" // a column without a header is not read
				continue
			}
			canon, _ := Canonical(to)
			header[i], written[canon] = canon, h
		}
	}
	rows[0] = header
	orders, err := DecodeTable(rows)
	if errs, ok := err.(invoice.Errors); ok {
		renameFields(errs, written)
	}
	for _, o := range orders {
		for path, place := range o.Places {
			o.Places[path] = renamePlace(place, written)
		}
		renameFields(o.DecodeErrors, written)
	}
	return orders, err
}

func renameFields(errs invoice.Errors, written map[string]string) {
	for _, e := range errs {
		e.Field = renamePlace(e.Field, written)
	}
}

// renamePlace turns row:N/buyer_name back into row:N/客户名称.
func renamePlace(place string, written map[string]string) string {
	i := strings.LastIndexByte(place, '/')
	if i < 0 {
		return place
	}
	if h, ok := written[place[i+1:]]; ok {
		return place[:i+1] + h
	}
	return place
}

func sortedKeys(m Mapping) []string { return slices.Sorted(maps.Keys(m)) }

// Headers returns a table file's header row (its first non-blank row), for setting up a
// column mapping. JSON has no headers: an error.
func Headers(name string, data []byte) ([]string, error) {
	format, err := Detect(name, data)
	if err != nil {
		return nil, err
	}
	if format == JSON {
		return nil, fmt.Errorf("%s: JSON orders name their fields; a column mapping is for tables", name)
	}
	rows, err := tableRows(format, data)
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		var out []string
		for _, cell := range row {
			if h := strings.TrimSpace(strings.TrimPrefix(cell, "\ufeff")); h != "" {
				out = append(out, h)
			}
		}
		if len(out) > 0 {
			return out, nil
		}
	}
	return nil, fmt.Errorf("%s: the table is empty", name)
}
