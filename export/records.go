// Package export writes what leaves the workstation as files for a period or a
// selection: the invoice list as .xlsx or .csv with totals by rate, PDFs and OFDs of a
// selection in a folder or a zip, buyers and goods as workbooks the clerk edits and
// imports again (read back through orderfile's sheet reader, the one reader of
// workbooks), and the month's statistics compared with the device's 抄报 figures.
// Reading order files is orderfile's (docs/DESIGN.md, "File formats").
// Money is invoice.Money throughout; a workbook's amount cells are numbers written from
// Money's text and read back as decimal text, never through float64.
package export

import (
	"time"

	"github.com/kaipiao/kaipiao/store"
)

// Records returns every invoice issued in [from, to), oldest first, reading the store
// page by page.
func Records(db *store.DB, from, to time.Time) ([]*store.Record, error) {
	var out []*store.Record
	q := store.Query{From: from, To: to, Limit: 1000}
	for {
		page, err := db.List(q)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Records...)
		if page.Cursor == "" {
			break
		}
		q.Before = page.Cursor
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}
