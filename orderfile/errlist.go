package orderfile

import "github.com/kaipiao/kaipiao/invoice"

// errList accumulates what a reader finds wrong, so that the clerk sees every problem of
// a file in one pass rather than the first.
type errList struct{ es invoice.Errors }

// add records an error worded by the catalogue's key (invoice.NewFieldError), its value
// and messages cut to a bounded length.
func (l *errList) add(field, key, value string, args invoice.Args) {
	l.es = append(l.es, invoice.NewFieldError(field, key, value, args))
}
