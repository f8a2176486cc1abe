package store

import (
	"bytes"
	"container/heap"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	bolt "go.etcd.io/bbolt"
)

func getRecord(tx *bolt.Tx, idk []byte) (*Record, error) {
	raw := tx.Bucket(bInvoices).Get(idk)
	if raw == nil {
		return nil, fmt.Errorf("store: invoice #%d: %w", u64(idk), ErrNotFound)
	}
	rec, err := DecodeRecord(raw)
	if err != nil {
		return nil, fmt.Errorf("store: bucket %s, key %d: %v: %w", bInvoices, u64(idk), err, ErrDamaged)
	}
	rec.ID = u64(idk)
	return rec, nil
}

func (s *DB) lookup(bucket, key []byte) (*Record, error) {
	var rec *Record
	err := s.db.View(func(tx *bolt.Tx) error {
		idk := tx.Bucket(bucket).Get(key)
		if idk == nil {
			return ErrNotFound
		}
		var err error
		rec, err = getRecord(tx, idk)
		return err
	})
	return rec, err
}

// ByRequest returns the invoice issued for a request ID, or ErrNotFound.
func (s *DB) ByRequest(requestID string) (*Record, error) {
	return s.lookup(bByRequest, []byte(requestID))
}

// ByNumber returns the invoice with the given code and number, or ErrNotFound.
func (s *DB) ByNumber(code, number string) (*Record, error) {
	return s.lookup(bByNumber, numberKey(code, number))
}

// ByOrder returns the invoices issued for an order: one, or the parts of a split order,
// in the order they were stored.
func (s *DB) ByOrder(orderID string) ([]*Record, error) {
	var out []*Record
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := append([]byte(orderID), 0)
		c := tx.Bucket(bByOrder).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			rec, err := getRecord(tx, k[len(prefix):])
			if err != nil {
				return err
			}
			out = append(out, rec)
		}
		return nil
	})
	return out, err
}

// RedsOf returns the red invoices issued against a blue one.
func (s *DB) RedsOf(code, number string) ([]*invoice.Invoice, error) {
	var out []*invoice.Invoice
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := blueKey(code, number)
		c := tx.Bucket(bRedsOf).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			rec, err := getRecord(tx, k[len(prefix):])
			if err != nil {
				return err
			}
			out = append(out, rec.Invoice)
		}
		return nil
	})
	return out, err
}

// Count is the number of invoices stored.
func (s *DB) Count() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bInvoices).Stats().KeyN
		return nil
	})
	return n, err
}

// Query selects invoices for a list. Zero fields do not filter.
type Query struct {
	From, To time.Time // issued in [From, To)
	Buyer    string    // part of the buyer's name, or of its tax ID
	Sync     SyncState
	Red      *bool  // only red (true) or only blue (false) invoices
	Number   string // the invoice number, or code:number
	Limit    int    // at most this many; default 100
	// Before continues a list: the Cursor of the last page.
	Before string
}

// Page is one page of a list, newest first.
type Page struct {
	Records []*Record
	// Cursor continues the list after this page; empty when there is no more.
	Cursor string
}

// List returns invoices newest first (by issue time). With Buyer it walks the matching
// buyers' invoices only, so a search stays fast however many invoices the store holds;
// otherwise it walks the issue-date index from the newest (or from To).
func (s *DB) List(q Query) (Page, error) {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	var page Page
	err := s.db.View(func(tx *bolt.Tx) error {
		if q.Number != "" {
			return s.listByNumber(tx, q, &page)
		}
		if q.Buyer != "" {
			return s.listByBuyer(tx, q, &page)
		}
		return s.listByDate(tx, q, &page)
	})
	return page, err
}

func (q *Query) matches(rec *Record) bool {
	inv := rec.Invoice
	switch {
	case !q.From.IsZero() && inv.IssuedAt.Before(q.From):
		return false
	case !q.To.IsZero() && !inv.IssuedAt.Before(q.To):
		return false
	case q.Sync != "" && rec.Sync != q.Sync:
		return false
	case q.Red != nil && *q.Red != inv.IsRed():
		return false
	case q.Buyer != "" && !strings.Contains(inv.Buyer.Name, q.Buyer) && !strings.Contains(inv.Buyer.TaxID, q.Buyer):
		return false
	}
	return true
}

// listByDate walks the date index backwards from To (or the end), or from the cursor.
func (s *DB) listByDate(tx *bolt.Tx, q Query, page *Page) error {
	c := tx.Bucket(bByDate).Cursor()
	var k []byte
	switch {
	case q.Before != "":
		k = seekBefore(c, []byte(q.Before))
	case !q.To.IsZero():
		k = seekBefore(c, be64(uint64(q.To.UnixNano())))
	default:
		k, _ = c.Last()
	}
	from := uint64(0)
	if !q.From.IsZero() {
		from = uint64(q.From.UnixNano())
	}
	for ; k != nil; k, _ = c.Prev() {
		if u64(k[:8]) < from {
			break
		}
		rec, err := getRecord(tx, k[8:])
		if err != nil {
			return err
		}
		if page.offer(q, rec) {
			return nil
		}
	}
	return nil
}

// offer adds a record that matches the query to the page, newest-first walks feeding it
// in order. It reports a full page (and sets the cursor) when one more match arrives
// after the page reached the limit: only then is there surely more to list.
func (page *Page) offer(q Query, rec *Record) (full bool) {
	if !q.matches(rec) {
		return false
	}
	if len(page.Records) == q.Limit {
		page.Cursor = string(dateKey(page.Records[len(page.Records)-1]))
		return true
	}
	page.Records = append(page.Records, rec)
	return false
}

// seekBefore positions c on the last key below key.
func seekBefore(c *bolt.Cursor, key []byte) []byte {
	k, _ := c.Seek(key)
	if k == nil {
		k, _ = c.Last()
		return k
	}
	k, _ = c.Prev()
	return k
}

func dateKey(rec *Record) []byte { return dateKeyOf(rec.Invoice.IssuedAt, rec.ID) }

// dateKeyOf orders invoices by issue time, then by id: the date index's key, and the
// tail of the buyer index's.
func dateKeyOf(at time.Time, id uint64) []byte {
	return append(be64(uint64(at.UnixNano())), be64(id)...)
}

// listByBuyer lists the invoices of every buyer whose name or tax ID contains the text.
// The buyers bucket has one key per buyer, far fewer than invoices, and each buyer's
// invoices are indexed by date: so it opens a cursor at the newest invoice of each
// matching buyer and merges them newest first, reading only as many entries as the page
// needs, however many invoices or matching buyers there are.
func (s *DB) listByBuyer(tx *bolt.Tx, q Query, page *Page) error {
	needle := []byte(q.Buyer)
	upper := []byte(q.Before)
	if len(upper) == 0 && !q.To.IsZero() {
		upper = be64(uint64(q.To.UnixNano()))
	}
	var lower []byte
	if !q.From.IsZero() {
		lower = be64(uint64(q.From.UnixNano()))
	}
	var heads buyerHeap
	err := tx.Bucket(bBuyers).ForEach(func(buyer, _ []byte) error {
		if !bytes.Contains(buyer, needle) {
			return nil
		}
		h := &buyerHead{c: tx.Bucket(bByBuyer).Cursor(), prefix: append(append([]byte{}, buyer...), 0), lower: lower}
		end := append(append([]byte{}, h.prefix...), 0xff)
		if len(upper) > 0 {
			end = append(append([]byte{}, h.prefix...), upper...)
		}
		if h.set(seekBefore(h.c, end)) {
			heads = append(heads, h)
		}
		return nil
	})
	if err != nil {
		return err
	}
	heap.Init(&heads)
	for heads.Len() > 0 {
		h := heads[0]
		rec, err := getRecord(tx, h.date[8:])
		if err != nil {
			return err
		}
		if k, _ := h.c.Prev(); h.set(k) {
			heap.Fix(&heads, 0)
		} else {
			heap.Pop(&heads)
		}
		if page.offer(q, rec) {
			return nil
		}
	}
	return nil
}

// buyerHead is one matching buyer's cursor in the merge: date is the date key it is on.
type buyerHead struct {
	c      *bolt.Cursor
	prefix []byte
	lower  []byte
	date   []byte
}

// set moves the head to key k; false when k is past this buyer's invoices or the range.
func (h *buyerHead) set(k []byte) bool {
	if k == nil || !bytes.HasPrefix(k, h.prefix) || len(k)-len(h.prefix) != 16 {
		return false
	}
	h.date = k[len(h.prefix):]
	return h.lower == nil || bytes.Compare(h.date[:8], h.lower) >= 0
}

// buyerHeap orders the heads newest first.
type buyerHeap []*buyerHead

func (b buyerHeap) Len() int           { return len(b) }
func (b buyerHeap) Less(i, j int) bool { return bytes.Compare(b[i].date, b[j].date) > 0 }
func (b buyerHeap) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }
func (b *buyerHeap) Push(x any)        { *b = append(*b, x.(*buyerHead)) }
func (b *buyerHeap) Pop() any {
	old := *b
	h := old[len(old)-1]
	*b = old[:len(old)-1]
	return h
}

// listByNumber finds an invoice by its number, or by code:number.
func (s *DB) listByNumber(tx *bolt.Tx, q Query, page *Page) error {
	prefix := []byte(q.Number)
	if code, number, err := invoice.ParseRef(q.Number); err == nil {
		prefix = numberKey(code, number)
	}
	c := tx.Bucket(bByNumber).Cursor()
	for k, idk := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, idk = c.Next() {
		rec, err := getRecord(tx, idk)
		if err != nil {
			return err
		}
		if q.matches(rec) && len(page.Records) < q.Limit {
			page.Records = append(page.Records, rec)
		}
	}
	sortNewestFirst(page.Records)
	return nil
}

func sortNewestFirst(recs []*Record) {
	slices.SortFunc(recs, func(a, b *Record) int { return bytes.Compare(dateKey(b), dateKey(a)) })
}

// IssuedFor returns the invoice stored for a request ID and the hash of the draft it was
// issued from; found is false when there is none. (The issuing engine's view.)
func (s *DB) IssuedFor(requestID string) (*invoice.Invoice, string, bool, error) {
	rec, err := s.ByRequest(requestID)
	if errors.Is(err, ErrNotFound) {
		return nil, "", false, nil
	}
	if err != nil {
		return nil, "", false, err
	}
	return rec.Invoice, rec.PayloadHash, true, nil
}

// IssuedByNumber returns the invoice with the given code and number; found is false
// when the store has none.
func (s *DB) IssuedByNumber(code, number string) (*invoice.Invoice, bool, error) {
	rec, err := s.ByNumber(code, number)
	if errors.Is(err, ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return rec.Invoice, true, nil
}
