package orderfile

// TableColumn names one column of an order table (docs/order.md, "Tables").
type TableColumn struct {
	EN string // the English header, the canonical name
	ZH string // the Chinese header
	// OrderLevel marks a column taken from an order's first row rather than each line.
	OrderLevel bool
}

// TableColumns lists the columns DecodeTable reads, in the order of docs/order.md. The
// import's column mapping and its template are built from it, so that they can never
// name a column the decoder does not know.
func TableColumns() []TableColumn {
	out := make([]TableColumn, len(columns))
	for i, c := range columns {
		out[i] = TableColumn{EN: c.en, ZH: c.zh, OrderLevel: c.line == nil}
	}
	return out
}
