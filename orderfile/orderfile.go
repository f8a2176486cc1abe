// Package orderfile reads order files of every kind the workstation accepts: JSON (one
// order or an array: json.go), CSV tables in UTF-8 or GBK (table.go) and Excel workbooks
// (limits.go, XLSXRows), into the orders of the invoice package, which itself parses no
// file. It is the one place files come in (export is where they go out, docs/DESIGN.md
// "File formats"); the GUI's import, kaipiaoctl and the platform's queued orders all read
// through it, and the master-data import reads its workbooks with XLSXRows.
package orderfile

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/kaipiao/kaipiao/invoice"
)

// Format is the kind of an order file.
type Format string

// The formats Decode reads.
const (
	JSON Format = "json"
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ErrUnknownFormat is returned for a file whose name and content match no format.
var ErrUnknownFormat = errors.New("unknown order file format: use .json, .csv or .xlsx")

// Detect chooses the format from the file name's extension, or for a name without one
// (standard input), from the content: a zip archive is a workbook, JSON starts with
// { or [, anything else is read as CSV.
func Detect(name string, data []byte) (Format, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return JSON, nil
	case ".csv":
		return CSV, nil
	case ".xlsx":
		return XLSX, nil
	case "":
		trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\ufeff")))
		switch {
		case bytes.HasPrefix(data, []byte("PK\x03\x04")):
			return XLSX, nil
		case len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '['):
			return JSON, nil
		}
		return CSV, nil
	}
	return "", fmt.Errorf("%s: %w", name, ErrUnknownFormat)
}

// Decode reads the orders of a file. Problems inside an order are in its DecodeErrors;
// the error is for a file that cannot be read as orders at all, and is an invoice.Errors
// when it is the file's content that is wrong (so the caller can show it to the clerk).
//
// The limits of limits.go apply: the file's size, a workbook's unzipped size, a table's
// rows and cells, the number of orders.
func Decode(name string, data []byte) ([]*invoice.Order, error) {
	if len(data) > MaxFileBytes {
		return nil, errTooLarge(name, int64(len(data)))
	}
	format, err := Detect(name, data)
	if err != nil {
		return nil, err
	}
	switch format {
	case JSON:
		orders, err := DecodeOrders(data)
		if err != nil {
			return nil, invoice.Errors{invoice.NewFieldError("", "json.syntax", invoice.Quote(err.Error()), invoice.Args{"err": err.Error()})}
		}
		return orders, checkOrders(len(orders))
	}
	rows, err := tableRows(format, data)
	if err != nil {
		return nil, err
	}
	return DecodeTable(rows)
}

// checkOrders refuses a file of more than MaxOrders orders.
func checkOrders(n int) error {
	if n <= MaxOrders {
		return nil
	}
	return invoice.Errors{invoice.NewFieldError("", "file.orders", fmt.Sprint(n), invoice.Args{"max": fmt.Sprint(MaxOrders)})}
}

// tableRows reads a CSV or XLSX table's cells.
func tableRows(format Format, data []byte) ([][]string, error) {
	if len(data) > MaxFileBytes {
		return nil, errTooLarge("", int64(len(data)))
	}
	if format == CSV {
		return CSVRows(data)
	}
	return xlsxRows(data)
}
