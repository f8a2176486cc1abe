package orderfile

import (
	"fmt"

	"github.com/kaipiao/kaipiao/invoice"
)

// Limits on a table of orders (CSV or a workbook's sheet). A clerk's import is a few
// hundred to a few thousand lines; these bounds keep a hostile or broken file (a million
// rows, a megabyte cell) from taking the workstation's memory (docs/security.md).
const (
	// MaxTableRows is the most rows a table may have, its header included.
	MaxTableRows = 20000
	// MaxCellBytes is the longest a cell may be; the longest field the rules allow (the
	// remark, 230 bytes) is far below it.
	MaxCellBytes = 4096
)

// errTooManyRows is the clerk's error for a table over MaxTableRows.
func errTooManyRows() invoice.Errors {
	return invoice.Errors{invoice.NewFieldError("", "table.rows", fmt.Sprint(MaxTableRows), nil)}
}

// errLongCell is the clerk's error for a cell over MaxCellBytes at row (1-based) and
// column (1-based).
func errLongCell(row, col, n int) invoice.Errors {
	return invoice.Errors{invoice.NewFieldError(fmt.Sprintf("row:%d/col:%d", row, col), "table.cell", fmt.Sprint(n),
		invoice.Args{"row": fmt.Sprint(row), "col": fmt.Sprint(col), "max": fmt.Sprint(MaxCellBytes)})}
}

// CheckRow returns the error for the row-th row (1-based) of a table when the table is
// already over MaxTableRows or one of the row's cells is over MaxCellBytes; readers call it
// as they read, before keeping the row.
func CheckRow(row int, cells []string) error {
	if row > MaxTableRows {
		return errTooManyRows()
	}
	for i, c := range cells {
		if len(c) > MaxCellBytes {
			return errLongCell(row, i+1, len(c))
		}
	}
	return nil
}
