package orderfile

import "github.com/kaipiao/kaipiao/invoice"

// errList accumulates what a reader finds wrong, so that the clerk sees every problem of
// a file in one pass rather than the first.
type errList struct{ es invoice.Errors }

// add records an error, its value and messages cut to a bounded length (invoice.NewError).
func (l *errList) add(field, rule, value, zh, en string) {
	l.es = append(l.es, invoice.NewError(field, rule, value, zh, en))
}
