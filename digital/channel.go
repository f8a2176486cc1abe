// Package digital is the digital channel (数电, docs/digital.md): a software device that
// issues 数电票 from the number segments and the credit quota the platform assigned,
// keeping its state in its own bbolt file (digital.db in the data folder). It implements
// invoice.Channel, so the engine's intent → Issue → Commit path and its crash recovery
// (Lookup by request ID, the Journal) work for it unchanged: each Issue is one bbolt
// transaction that takes the next number and the amount, signs with the enterprise's
// key and appends to the journal.
package digital

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/upload"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// FileName is the channel's bbolt file inside the data folder.
const FileName = "digital.db"

var (
	bMeta      = []byte("meta")       // "state" → State JSON
	bJournal   = []byte("journal")    // counter (8 bytes BE) → invoice JSON
	bByRequest = []byte("by_request") // request ID → counter
	bByNumber  = []byte("by_number")  // number → counter
	keyState   = []byte("state")
)

// ErrDamaged: the channel's file is damaged (cut short, bits flipped). The invoices it
// issued are also in the store and on the service platform; the file is left as it is
// for support to recover, and the channel issues nothing until it is.
var ErrDamaged = invoice.NewSentinel("digital.damaged")

// ErrLocked: another process has the channel's file open.
var ErrLocked = errors.New("the digital channel's file is open in another Kaipiao window or command")

// Quota is one month's quota on this workstation: held (downloaded, less what was given
// back) and used (the amounts excluding tax of the invoices issued that month, reds
// giving back what their blue invoice of the same month used).
type Quota struct {
	Held invoice.Money `json:"held"`
	Used invoice.Money `json:"used"`
}

// State is everything the channel holds besides its journal, one JSON value rewritten
// in each transaction.
type State struct {
	// Held are the segments still to use, in order: Held[0].First is the next number.
	Held           []upload.Segment  `json:"held"`
	Quota          map[string]*Quota `json:"quota"` // by month, YYYY-MM Beijing
	UploadDeadline time.Time         `json:"upload_deadline"`
	Counter        uint64            `json:"counter"` // the journal's last counter
	// PendingFetch and PendingReturn are requests sent, or about to be, whose answer is
	// not applied yet: sent again, under the same ID, before anything else.
	PendingFetch  *upload.DigitalFetch  `json:"pending_fetch,omitempty"`
	PendingReturn *upload.DigitalReturn `json:"pending_return,omitempty"`
	// Returned are the numbers given back, as the platform recorded them.
	Returned []upload.Segment `json:"returned,omitempty"`
}

// Channel is an open digital channel.
type Channel struct {
	db store.Guarded
	// Signer is the enterprise's SM2 signing key (its PKI certificate); without it the
	// channel can fetch and report but not issue.
	Signer device.Signer
	// Now is the workstation's clock; time.Now by default.
	Now func() time.Time
}

var _ invoice.Channel = (*Channel)(nil)
var _ invoice.HeadroomDevice = (*Channel)(nil)

// Open opens (creating) the channel's file in the data folder.
func Open(data string, signer device.Signer) (*Channel, error) {
	path := filepath.Join(data, FileName)
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, err
	}
	// With the store's guards: a damaged file is refused at open, and a page bbolt cannot
	// read later is an error, never a crash or a loop (store/pages.go).
	// Damage is this package's ErrDamaged, not the store's: `store repair` rebuilds the
	// store, not this file.
	db, err := store.OpenGuarded(path, &bolt.Options{Timeout: time.Second}, ErrDamaged)
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("%s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("the digital channel's file %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bMeta, bJournal, bByRequest, bByNumber} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Channel{db: db}, nil
}

// Close releases the file.
func (c *Channel) Close() error { return c.db.Close() }

func (c *Channel) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Period is the month (YYYY-MM, Beijing) t falls in: the quota's period.
func Period(t time.Time) string { return t.In(invoice.Beijing).Format("2006-01") }

func readState(tx *bolt.Tx) (*State, error) {
	st := &State{Quota: map[string]*Quota{}}
	raw := tx.Bucket(bMeta).Get(keyState)
	if raw == nil {
		return st, nil
	}
	if err := json.Unmarshal(raw, st); err != nil {
		return nil, fmt.Errorf("the digital channel's state: %w", err)
	}
	if st.Quota == nil {
		st.Quota = map[string]*Quota{}
	}
	return st, nil
}

func writeState(tx *bolt.Tx, st *State) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return tx.Bucket(bMeta).Put(keyState, raw)
}

func (st *State) quota(period string) *Quota {
	q := st.Quota[period]
	if q == nil {
		q = &Quota{}
		st.Quota[period] = q
	}
	return q
}

// State reads the channel's state.
func (c *Channel) State() (st *State, err error) {
	err = c.db.View(func(tx *bolt.Tx) error {
		st, err = readState(tx)
		return err
	})
	return st, err
}

// segmentSize is how many numbers s holds: its numbers share their first five digits,
// so the 15-digit sequences are subtracted.
func segmentSize(s upload.Segment) int {
	if len(s.First) != invoice.DigitalNumberLen || len(s.Last) != invoice.DigitalNumberLen {
		return 0
	}
	a, err1 := strconv.ParseUint(s.First[5:], 10, 64)
	b, err2 := strconv.ParseUint(s.Last[5:], 10, 64)
	if err1 != nil || err2 != nil || b < a || s.First[:5] != s.Last[:5] {
		return 0
	}
	return int(b - a + 1)
}

// NumbersHeld is how many numbers are left in the held segments.
func (st *State) NumbersHeld() int {
	n := 0
	for _, s := range st.Held {
		n += segmentSize(s)
	}
	return n
}

// Machine is empty: a 数电票 names no device.
func (c *Channel) Machine() string { return "" }

// Limits are the simulator's, with a per-invoice limit of 100 million yuan: the digital
// channel has no 单张限额 of a device, the quota bounds what is issued (docs/digital.md).
func (c *Channel) Limits(context.Context) (invoice.Limits, error) {
	l := invoice.DefaultLimits
	l.InvoiceLimit = 100_000_000_00
	return l, nil
}

func refuseKind(kind invoice.Kind) error {
	return invoice.NewProblem(invoice.ErrRefused, "refused.digital_kind", invoice.Args{"kind": string(kind), "title": kind.Title()}, nil)
}

// Next is the next held number and how many are left in its segment; an empty number
// when none is held.
func (c *Channel) Next(_ context.Context, kind invoice.Kind) (invoice.NextNumber, error) {
	if !kind.Digital() {
		return invoice.NextNumber{}, refuseKind(kind)
	}
	st, err := c.State()
	if err != nil || len(st.Held) == 0 {
		return invoice.NextNumber{}, err
	}
	return invoice.NextNumber{Number: st.Held[0].First, Remaining: segmentSize(st.Held[0])}, nil
}

// Headroom is what the channel has left now, so that an order split into several
// invoices is issued whole or not at all: the numbers held, the month's quota left as
// the offline amount, and the upload deadline.
func (c *Channel) Headroom(context.Context) (invoice.Headroom, error) {
	st, err := c.State()
	if err != nil {
		return invoice.Headroom{}, err
	}
	now := c.now()
	q := st.quota(Period(now))
	h := invoice.Headroom{Now: now, Stock: st.NumbersHeld(), OfflineLeft: q.Held - q.Used, OfflineLimit: q.Held,
		OfflineUntil: st.UploadDeadline}
	if q.Held == 0 {
		h.Locks = append(h.Locks, invoice.Said{Key: "digital.no_quota", Args: invoice.Args{"period": Period(now)}})
	}
	if key, args := deadlineLock(st, now); key != "" {
		h.Locks = append(h.Locks, invoice.Said{Key: key, Args: args})
	}
	return h, nil
}

// deadlineLock is why the upload deadline stops issuing now, as a catalogue message
// (key and arguments), or "".
func deadlineLock(st *State, now time.Time) (string, invoice.Args) {
	switch {
	case st.UploadDeadline.IsZero():
		return "digital.not_fetched", nil
	case now.After(st.UploadDeadline):
		return "digital.deadline_passed", invoice.Args{"at": st.UploadDeadline.In(invoice.Beijing).Format("2006-01-02 15:04:05")}
	}
	return "", nil
}

func be64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func getReceipt(tx *bolt.Tx, counter []byte) (invoice.Receipt, error) {
	raw := tx.Bucket(bJournal).Get(counter)
	if raw == nil {
		return invoice.Receipt{}, fmt.Errorf("journal entry %d is missing", binary.BigEndian.Uint64(counter))
	}
	var inv invoice.Invoice
	if err := json.Unmarshal(raw, &inv); err != nil {
		return invoice.Receipt{}, fmt.Errorf("journal entry %d: %w", binary.BigEndian.Uint64(counter), err)
	}
	return invoice.Receipt{Invoice: &inv, Counter: binary.BigEndian.Uint64(counter)}, nil
}

// Lookup returns what the channel issued for a request ID.
func (c *Channel) Lookup(_ context.Context, requestID string) (r invoice.Receipt, found bool, err error) {
	return c.receiptBy(bByRequest, requestID)
}

// receiptBy returns the journal entry that the index bucket names under key.
func (c *Channel) receiptBy(index []byte, key string) (r invoice.Receipt, found bool, err error) {
	err = c.db.View(func(tx *bolt.Tx) error {
		k := tx.Bucket(index).Get([]byte(key))
		if k == nil {
			return nil
		}
		found = true
		r, err = getReceipt(tx, k)
		return err
	})
	return r, found, err
}

// Journal reads up to n entries from counter from on.
func (c *Channel) Journal(_ context.Context, from uint64, n int) (out []invoice.Receipt, err error) {
	err = c.db.View(func(tx *bolt.Tx) error {
		cur := tx.Bucket(bJournal).Cursor()
		for k, _ := cur.Seek(be64(from)); k != nil && len(out) < n; k, _ = cur.Next() {
			r, err := getReceipt(tx, k)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// ByNumber returns the journal's invoice of a number.
func (c *Channel) ByNumber(number string) (r invoice.Receipt, found bool, err error) {
	return c.receiptBy(bByNumber, number)
}
