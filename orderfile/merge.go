package orderfile

import (
	"fmt"
	"strings"

	"github.com/kaipiao/kaipiao/invoice"
)

// MergeByBuyer joins the orders of one buyer into one order, on the clerk's request (a
// day's deliveries to a customer invoiced together). Orders merge when they have the same
// buyer (name and tax ID), type and price_includes_tax; the merged order keeps the first
// order's ID and order-level fields, its lines are every order's lines in file order,
// and each line keeps the place it was read from so errors still point at its row. Red
// orders and orders of one line group are returned as they are. The result keeps the
// order of each group's first order.
func MergeByBuyer(orders []*invoice.Order) []*invoice.Order {
	type key struct {
		name, taxID, kind string
		inclusive         bool
	}
	var out []*invoice.Order
	groups := map[key]*invoice.Order{}
	for _, o := range orders {
		if o.RedOf != nil {
			out = append(out, o)
			continue
		}
		k := key{strings.TrimSpace(o.Buyer.Name), strings.TrimSpace(o.Buyer.TaxID), o.Type, o.PriceIncludesTax}
		m := groups[k]
		if m == nil {
			groups[k] = o
			out = append(out, o)
			continue
		}
		if m.Places == nil && o.Places != nil {
			m.Places = map[string]string{}
		}
		appendLines(m, o)
	}
	return out
}

// appendLines moves o's lines (with their places) to the end of m's.
func appendLines(m, o *invoice.Order) {
	base := len(m.Lines)
	if o.Places == nil {
		// A JSON order's errors name paths; a merged line's path would point at the
		// wrong order, so name the order and the line as it was written.
		if m.Places == nil {
			m.Places = map[string]string{}
		}
		for i := range o.Lines {
			for _, c := range TableColumns() {
				if !c.OrderLevel {
					m.Places[fmt.Sprintf("lines[%d].%s", base+i, c.EN)] = fmt.Sprintf("%s/lines[%d].%s", o.OrderID, i, c.EN)
				}
			}
		}
	}
	for path, place := range o.Places {
		var i int
		var rest string
		if n, _ := fmt.Sscanf(path, "lines[%d]", &i); n == 1 {
			rest = path[strings.IndexByte(path, ']')+1:]
			m.Places[fmt.Sprintf("lines[%d]%s", base+i, rest)] = place
		}
	}
	m.Lines = append(m.Lines, o.Lines...)
	for _, e := range o.DecodeErrors {
		// A table's decode errors name their cell; a JSON order's name a path that
		// moves with the merge, so say whose it was.
		if o.Places == nil {
			moved := *e
			moved.Field = o.OrderID + "/" + e.Field
			e = &moved
		}
		m.DecodeErrors = append(m.DecodeErrors, e)
	}
}
