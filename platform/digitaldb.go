package platform

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
	bolt "go.etcd.io/bbolt"
)

// The platform as the authority of the digital channel (docs/digital.md): number
// segments, monthly quota, and the answers to fetches and returns, kept so that a
// request sent again gets the same answer. DigitalStore is the interface the server
// uses; *DB implements it in the platform's bbolt file, each change one transaction, and
// a PostgreSQL adapter can take its place.

// QuotaState is an enterprise's quota of one month: what was set, and what is out
// (granted to its workstations less what they gave back).
type QuotaState struct {
	Set invoice.Money `json:"set"`
	Out invoice.Money `json:"out"`
}

// Left is what a fetch may still be granted, never below zero.
func (q QuotaState) Left() invoice.Money { return max(q.Set-q.Out, 0) }

// FetchGrant is what the server decided a fetch may get; the store applies it.
type FetchGrant struct {
	TaxID, RequestID string
	Numbers          int
	Quota            invoice.Money // asked for; the store grants at most what is left
	Period           string        // YYYY-MM, Beijing
	Prefix           string        // YY + region + channel digit: the numbers' first 5 digits
	Deadline         time.Time
}

// DigitalStore is the platform's digital-channel state.
type DigitalStore interface {
	// SetQuota sets an enterprise's quota for a month.
	SetQuota(taxID, period string, amount invoice.Money) error
	// Quota reads an enterprise's quota of a month.
	Quota(taxID, period string) (QuotaState, error)
	// Fetch assigns numbers and grants quota, once per (enterprise, request ID): a
	// request seen before gets the answer it got.
	Fetch(g FetchGrant) (upload.DigitalFetchAnswer, error)
	// Return records numbers never used and quota given back, once per (enterprise,
	// request ID).
	Return(taxID string, r *upload.DigitalReturn) (upload.DigitalReturnAnswer, error)
	// Segments lists the segments assigned to an enterprise and those it gave back.
	Segments(taxID string) (assigned, returned []upload.Segment, err error)
}

var (
	bDigitalSeq      = []byte("digital_seq")      // prefix (5 digits) → last sequence (8 bytes BE)
	bDigitalSegments = []byte("digital_segments") // first number → segmentRecord JSON
	bDigitalReturned = []byte("digital_returned") // first number → segmentRecord JSON
	bDigitalQuota    = []byte("digital_quota")    // tax ID 0 period → QuotaState JSON
	bDigitalFetches  = []byte("digital_fetches")  // tax ID 0 request ID → DigitalFetchAnswer JSON
	bDigitalReturns  = []byte("digital_returns")  // tax ID 0 request ID → DigitalReturnAnswer JSON
)

var digitalBuckets = [][]byte{bDigitalSeq, bDigitalSegments, bDigitalReturned, bDigitalQuota, bDigitalFetches, bDigitalReturns}

// segmentRecord is a segment and the enterprise it belongs to.
type segmentRecord struct {
	Last  string `json:"last"`
	TaxID string `json:"tax_id"`
}

// Errors of the digital store, for errors.Is; each is permanent for the request.
var (
	ErrDigitalRequest = errors.New("digital request refused")
)

func idKey(taxID, id string) []byte { return []byte(taxID + "\x00" + id) }

// SetQuota sets an enterprise's quota for a month; what is out stays out.
func (d *DB) SetQuota(taxID, period string, amount invoice.Money) error {
	if amount < 0 {
		return fmt.Errorf("%w: quota %s is negative", ErrDigitalRequest, amount)
	}
	return d.db.Update(func(tx *bolt.Tx) error {
		q, err := getQuota(tx, taxID, period)
		if err != nil {
			return err
		}
		q.Set = amount
		return putJSON(tx.Bucket(bDigitalQuota), idKey(taxID, period), q)
	})
}

// Quota reads an enterprise's quota of a month.
func (d *DB) Quota(taxID, period string) (q QuotaState, err error) {
	err = d.db.View(func(tx *bolt.Tx) error {
		q, err = getQuota(tx, taxID, period)
		return err
	})
	return q, err
}

func getQuota(tx *bolt.Tx, taxID, period string) (QuotaState, error) {
	var q QuotaState
	raw := tx.Bucket(bDigitalQuota).Get(idKey(taxID, period))
	if raw == nil {
		return q, nil
	}
	err := json.Unmarshal(raw, &q)
	return q, err
}

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, raw)
}

// Fetch assigns g.Numbers numbers in one segment from the prefix's national sequence and
// grants min(g.Quota, left) of the month's quota, in one transaction.
func (d *DB) Fetch(g FetchGrant) (ans upload.DigitalFetchAnswer, err error) {
	if g.Numbers < 0 || g.Numbers > upload.MaxFetchNumbers || g.Quota < 0 || len(g.Prefix) != 5 {
		return ans, fmt.Errorf("%w: numbers %d (0–%d), quota %s", ErrDigitalRequest, g.Numbers, upload.MaxFetchNumbers, g.Quota)
	}
	err = d.db.Update(func(tx *bolt.Tx) error {
		fetches := tx.Bucket(bDigitalFetches)
		if raw := fetches.Get(idKey(g.TaxID, g.RequestID)); raw != nil {
			return json.Unmarshal(raw, &ans)
		}
		ans = upload.DigitalFetchAnswer{ID: g.RequestID, Segments: []upload.Segment{}, Period: g.Period, UploadDeadline: g.Deadline}
		if g.Numbers > 0 {
			seq := tx.Bucket(bDigitalSeq)
			var last uint64
			if v := seq.Get([]byte(g.Prefix)); len(v) == 8 {
				last = binary.BigEndian.Uint64(v)
			}
			first, end := last+1, last+uint64(g.Numbers)
			if end > 999_999_999_999_999 {
				return fmt.Errorf("%w: the sequence of %s is exhausted", ErrDigitalRequest, g.Prefix)
			}
			if err := seq.Put([]byte(g.Prefix), binary.BigEndian.AppendUint64(nil, end)); err != nil {
				return err
			}
			s := upload.Segment{First: fmt.Sprintf("%s%015d", g.Prefix, first), Last: fmt.Sprintf("%s%015d", g.Prefix, end)}
			if err := putJSON(tx.Bucket(bDigitalSegments), []byte(s.First), segmentRecord{Last: s.Last, TaxID: g.TaxID}); err != nil {
				return err
			}
			ans.Segments = append(ans.Segments, s)
		}
		q, err := getQuota(tx, g.TaxID, g.Period)
		if err != nil {
			return err
		}
		granted := min(g.Quota, q.Left())
		q.Out += granted
		ans.Quota = granted.String()
		if err := putJSON(tx.Bucket(bDigitalQuota), idKey(g.TaxID, g.Period), q); err != nil {
			return err
		}
		return putJSON(fetches, idKey(g.TaxID, g.RequestID), ans)
	})
	return ans, err
}

// segmentOf finds the segment of bucket b holding number; ok is false when none does.
func segmentOf(b *bolt.Bucket, number string) (first string, rec segmentRecord, ok bool, err error) {
	c := b.Cursor()
	k, v := c.Seek([]byte(number))
	if k == nil || string(k) != number {
		k, v = c.Prev()
	}
	if k == nil {
		return "", rec, false, nil
	}
	if err := json.Unmarshal(v, &rec); err != nil {
		return "", rec, false, fmt.Errorf("segment %s: %w", k, err)
	}
	return string(k), rec, string(k) <= number && number <= rec.Last, nil
}

// digitalNumberOK says whether number may carry an invoice of taxID (digitalNumberIn);
// on bbolt a failure to read the segments refuses the invoice, as a refusal does.
func digitalNumberOK(tx *bolt.Tx, taxID, number string) error {
	refused, err := digitalNumberIn(boltDigital{tx}, taxID, number)
	if err != nil {
		return err
	}
	return refused
}

// boltDigital are a bbolt transaction's segments and quota (digitalops.go).
type boltDigital struct{ tx *bolt.Tx }

func (b boltDigital) assigned(number string, _ bool) (string, segmentRecord, bool, error) {
	return segmentOf(b.tx.Bucket(bDigitalSegments), number)
}

func (b boltDigital) returned(number string) (string, segmentRecord, bool, error) {
	return segmentOf(b.tx.Bucket(bDigitalReturned), number)
}

// invoiceIn: digital invoices are keyed by number alone (invoiceKey("", "", number)).
func (b boltDigital) invoiceIn(first, last string) (string, bool, error) {
	lo, hi := invoiceKey("", "", first), invoiceKey("", "", last)
	if k, _ := b.tx.Bucket(bInvoices).Cursor().Seek(lo); k != nil && bytes.Compare(k, hi) <= 0 {
		return string(k[2:]), true, nil
	}
	return "", false, nil
}

func (b boltDigital) giveBack(taxID string, s upload.Segment) error {
	return putJSON(b.tx.Bucket(bDigitalReturned), []byte(s.First), segmentRecord{Last: s.Last, TaxID: taxID})
}

func (b boltDigital) quota(taxID, period string) (QuotaState, error) {
	return getQuota(b.tx, taxID, period)
}

func (b boltDigital) takeBack(taxID, period string, q QuotaState, amount invoice.Money) error {
	q.Out -= amount
	return putJSON(b.tx.Bucket(bDigitalQuota), idKey(taxID, period), q)
}

// Return records r for taxID in one transaction: every unused range must lie in one
// segment of taxID, hold no invoice and not be given back already; every month's quota
// given back must not exceed what is out.
func (d *DB) Return(taxID string, r *upload.DigitalReturn) (ans upload.DigitalReturnAnswer, err error) {
	err = d.db.Update(func(tx *bolt.Tx) error {
		returns := tx.Bucket(bDigitalReturns)
		if raw := returns.Get(idKey(taxID, r.ID)); raw != nil {
			return json.Unmarshal(raw, &ans)
		}
		var err error
		if ans, err = returnIn(boltDigital{tx}, taxID, r); err != nil {
			return err
		}
		return putJSON(returns, idKey(taxID, r.ID), ans)
	})
	return ans, err
}

// Segments lists the segments assigned to taxID and those it gave back, in number order.
func (d *DB) Segments(taxID string) (assigned, returned []upload.Segment, err error) {
	err = d.db.View(func(tx *bolt.Tx) error {
		for _, p := range []struct {
			b   []byte
			out *[]upload.Segment
		}{{bDigitalSegments, &assigned}, {bDigitalReturned, &returned}} {
			err := tx.Bucket(p.b).ForEach(func(k, v []byte) error {
				var rec segmentRecord
				if err := json.Unmarshal(v, &rec); err != nil {
					return err
				}
				if rec.TaxID == taxID {
					*p.out = append(*p.out, upload.Segment{First: string(k), Last: rec.Last})
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return assigned, returned, err
}

// NumberPrefix is the first five digits of the numbers assigned to an enterprise at t:
// the Beijing year's last two digits, the region (digits 3–4 of its 统一社会信用代码: the
// province of its registration authority), and the channel digit 7 (docs/digital.md).
func NumberPrefix(taxID string, t time.Time) (string, error) {
	if len(taxID) < 4 || taxID[2] < '0' || taxID[2] > '9' || taxID[3] < '0' || taxID[3] > '9' {
		return "", fmt.Errorf("%w: tax ID %s has no region in its digits 3–4", ErrDigitalRequest, invoice.Quote(taxID))
	}
	return t.In(invoice.Beijing).Format("06") + taxID[2:4] + "7", nil
}

// Period is the month (YYYY-MM, Beijing) t falls in.
func Period(t time.Time) string { return t.In(invoice.Beijing).Format("2006-01") }

// ValidPeriod reports whether p is a month written YYYY-MM.
func ValidPeriod(p string) bool {
	_, err := time.Parse("2006-01", p)
	return err == nil && len(p) == 7
}

// DefaultDeadline is the upload deadline a fetch at t gets: the 15th of the next month,
// 23:59:59 Beijing time, or offline after t when that is earlier (and offline > 0).
func DefaultDeadline(t time.Time, offline time.Duration) time.Time {
	b := t.In(invoice.Beijing)
	d := time.Date(b.Year(), b.Month()+1, 15, 23, 59, 59, 0, invoice.Beijing)
	if offline > 0 && t.Add(offline).Before(d) {
		return t.Add(offline)
	}
	return d
}
