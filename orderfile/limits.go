package orderfile

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/xuri/excelize/v2"
)

// Limits on an order file, so that one file cannot take the workstation's memory (the
// adversarial review's 1.4 MB workbook unzipped to 420 MB; docs/security.md). The table
// limits (rows, cell length) are MaxTableRows and MaxCellBytes.
const (
	// MaxFileBytes is the largest order file read: thousands of orders fit in a few MB.
	MaxFileBytes = 16 << 20
	// MaxUnzipBytes bounds everything a workbook unzips to, all parts together.
	MaxUnzipBytes = 64 << 20
	// maxXMLInMemory is the size above which excelize spools a sheet's XML to a
	// temporary file instead of holding it.
	maxXMLInMemory = 8 << 20
	// MaxOrders is the most orders one file may hold (JSON has no rows).
	MaxOrders = MaxTableRows
)

// errTooLarge is the clerk's error for a file over MaxFileBytes.
func errTooLarge(name string, size int64) error {
	return invoice.Errors{invoice.NewFieldError("", "file.size", fmt.Sprint(size),
		invoice.Args{"file": name, "max": fmt.Sprint(MaxFileBytes >> 20)})}
}

// ReadAll reads an order file from r, at most MaxFileBytes: a larger one is an
// invoice.Errors, read no further.
func ReadAll(name string, r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileBytes {
		return nil, errTooLarge(name, int64(len(data)))
	}
	return data, nil
}

// ReadFile reads the order file at path, refusing one over MaxFileBytes by its size
// before reading it.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path) // #nosec G304 -- the file the user named
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxFileBytes {
		return nil, errTooLarge(path, st.Size())
	}
	return ReadAll(path, f)
}

// XLSXRows reads the first sheet of a workbook within the limits, as the order import
// does: the master-data import reads through it too.
func XLSXRows(data []byte) ([][]string, error) {
	if len(data) > MaxFileBytes {
		return nil, errTooLarge("", int64(len(data)))
	}
	return xlsxRows(data)
}

// xlsxRows reads the first sheet of a workbook, numbers as their raw decimal text (a
// cell formatted to two places still reads back as the amount typed, never a float). It
// streams the sheet and stops at the row and cell limits; the workbook may unzip to
// MaxUnzipBytes at most.
func xlsxRows(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUnzipBytes,
		UnzipXMLSizeLimit: maxXMLInMemory})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, errUnzipLimit()
		}
		return nil, invoice.Errors{invoice.NewFieldError("", "table.xlsx/book", invoice.Quote(err.Error()), invoice.Args{"err": err.Error()})}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, invoice.Errors{invoice.NewFieldError("", "table.empty/no_sheet", "", nil)}
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, invoice.Errors{invoice.NewFieldError("", "table.xlsx", invoice.Quote(err.Error()), invoice.Args{"err": err.Error()})}
	}
	defer it.Close()
	var rows [][]string
	for it.Next() {
		row, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, invoice.Errors{invoice.NewFieldError("", "table.xlsx", invoice.Quote(err.Error()), invoice.Args{"err": err.Error()})}
		}
		if err := CheckRow(len(rows)+1, row); err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	if err := it.Error(); err != nil {
		return nil, invoice.Errors{invoice.NewFieldError("", "table.xlsx", invoice.Quote(err.Error()), invoice.Args{"err": err.Error()})}
	}
	// GetRows drops trailing empty rows; the iterator gives them: drop them the same way.
	for len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
		rows = rows[:len(rows)-1]
	}
	return rows, nil
}

func errUnzipLimit() error {
	return invoice.Errors{invoice.NewFieldError("", "file.unzip", fmt.Sprint(MaxUnzipBytes),
		invoice.Args{"max": fmt.Sprint(MaxUnzipBytes >> 20)})}
}
