package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/kaipiao/kaipiao/invoice"
	bolt "go.etcd.io/bbolt"
)

// ErrDamaged: the data file is damaged (truncated, bits flipped, a record that does not
// decode). The store never panics on it: every verb returns this error, naming what it
// found, and the way out is `kaipiaoctl store repair` — the file is kept aside and the
// store rebuilt from what is readable, the device's journal and the platform.
var ErrDamaged = invoice.NewSentinel("store.damaged")

// Guarded is a bbolt file with its panics and faults turned into errors (ErrDamaged, or
// its owner's sentinel): bbolt panics on pages it cannot read (a flipped bit in a page
// header), and a workstation must tell the clerk, not crash. bbolt rolls the transaction
// back on a panic, so the file is as it was. OpenGuarded opens one: the store's own file,
// the digital channel's and the reference platform's are each one.
type Guarded struct {
	*bolt.DB
	as error // what damage is: ErrDamaged, or the owner's sentinel given to OpenGuarded
}

func (d Guarded) damaged() error {
	if d.as == nil {
		return ErrDamaged
	}
	return d.as
}

// recovered turns a panic into an error wrapping as (ErrDamaged, or the file's owner's
// own sentinel).
func recovered(err *error, as error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("store: %v: %w", r, as)
		if os.Getenv("KAIPIAO_DEBUG") != "" {
			debug.PrintStack()
		}
	}
}

// guard makes a fault inside the mapped file (a page number pointing past its end) a
// panic that recovered turns into ErrDamaged, instead of the process dying of SIGSEGV
// or SIGBUS. It returns the setting to restore.
func guard() bool { return debug.SetPanicOnFault(true) }

// View is bolt.DB.View, a panic or fault inside it the file's damage error.
func (d Guarded) View(fn func(*bolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(guard())
	defer recovered(&err, d.damaged())
	return d.DB.View(fn)
}

// Update is bolt.DB.Update, a panic or fault inside it the file's damage error.
func (d Guarded) Update(fn func(*bolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(guard())
	defer recovered(&err, d.damaged())
	return d.DB.Update(fn)
}

// Batch runs fn in one of bbolt's shared transactions; bbolt itself turns a panic in fn
// into an error.
func (d Guarded) Batch(fn func(*bolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(guard())
	defer recovered(&err, d.damaged())
	return d.DB.Batch(fn)
}

// DecodeRecord decodes an invoice record as the invoices bucket keeps it, and checks
// what the rest of the program relies on: an invoice, with a request ID and a code,
// number and machine number of digits. The error says which.
func DecodeRecord(raw []byte) (*Record, error) {
	rec := &Record{}
	if err := json.Unmarshal(raw, rec); err != nil {
		return nil, err
	}
	if rec.Invoice == nil {
		return nil, errors.New("the record holds no invoice")
	}
	inv := rec.Invoice
	if inv.RequestID == "" {
		return nil, errors.New("the invoice has no request ID")
	}
	if err := invoice.CheckIdentity(inv.Code, inv.Number, inv.Machine); err != nil {
		return nil, err
	}
	if inv.Code == "" && !inv.Kind.Digital() {
		return nil, errors.New("the invoice has no code")
	}
	return rec, nil
}

// preflight checks the file against its own meta pages before bbolt maps it: a file
// shorter than the pages its meta says are in use would be read past its end through the
// mapping, and the process dies of SIGBUS. A missing or empty file passes (a new store).
func preflight(path string, as error) error {
	f, err := os.Open(path) // #nosec G304 -- the store's own path
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return err
	}
	m, ok, err := readMeta(f)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("store: %s: neither meta page is valid: %w", path, as)
	}
	if need := m.hwm * m.pageSize; uint64(st.Size()) < need { // #nosec G115 -- a file's size is not negative
		return fmt.Errorf("store: %s is %d bytes, its pages reach %d (the file was cut short): %w", path, st.Size(), need, as)
	}
	return nil
}

// Problem is one finding of Check.
type Problem struct {
	Bucket string `json:"bucket,omitempty"`
	Key    string `json:"key,omitempty"`
	What   string `json:"what"`
}

// Check reads the whole file: every page of every bucket, read from the file itself and
// checked to be in use, of its kind and reached once (pages.go); then every bucket that
// is sound read through bbolt (each key and value), every invoice record decoded and
// checked, and the audit log's chain. It returns what it found; none means the file is
// sound. (bbolt's own Tx.Check follows a looping tree for ever, and reads pages on a
// goroutine of its own, where a fault on a damaged page cannot be recovered; it is not
// used.)
func (s *DB) Check() ([]Problem, error) {
	var out []Problem
	var walked []pageDamage
	// The walk reads the file beside bbolt, so it is pinned to one read transaction: the
	// pages of that transaction's tree are not reused while it is open, whatever this
	// process commits meanwhile.
	err := s.db.View(func(tx *bolt.Tx) error {
		p, err := openPageFile(s.Path(), ErrDamaged)
		if err != nil {
			return err
		}
		defer p.Close()
		m := p.m
		if m.txid != uint64(tx.ID()) { // #nosec G115 -- a transaction ID is not negative
			m.freelist = noFreelist // a later commit's freelist: not this tree's
		}
		m.root, m.hwm = uint64(tx.Cursor().Bucket().Root()), uint64(tx.Size())/m.pageSize // #nosec G115 -- as above
		walked = walkFile(p.f, p.size, m, true, nil)
		return nil
	})
	if errors.Is(err, ErrDamaged) {
		return []Problem{{What: err.Error()}}, nil
	}
	if err != nil {
		return nil, err
	}
	damaged := map[string]bool{}
	for _, d := range walked {
		damaged[d.bucket] = true
		out = append(out, Problem{Bucket: d.bucket, What: d.err.Error()})
	}
	if damaged[""] {
		// The list of buckets itself is damaged: bbolt would follow it into the damage.
		return out, nil
	}
	for _, name := range allBucketNames() {
		if damaged[string(name)] {
			continue
		}
		err := s.db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket(name)
			if b == nil {
				out = append(out, Problem{Bucket: string(name), What: "the bucket is missing"})
				return nil
			}
			return b.ForEach(func(k, v []byte) error {
				if string(name) != string(bInvoices) {
					return nil
				}
				if _, err := DecodeRecord(v); err != nil {
					out = append(out, Problem{Bucket: string(bInvoices), Key: fmt.Sprint(u64(k)), What: err.Error()})
				}
				return nil
			})
		})
		if err != nil {
			out = append(out, Problem{Bucket: string(name), What: err.Error()})
		}
	}
	if !damaged[string(bAudit)] {
		if _, err := s.VerifyAudit(); err != nil {
			out = append(out, Problem{Bucket: string(bAudit), What: err.Error()})
		}
	}
	return out, nil
}

// CheckFile checks the file at path without opening it as a store: for a file that Open
// refuses as damaged, it lists every problem the page walk finds and every invoice record
// it can read that does not decode. (Check, on an open store, also verifies the audit
// log.) The file is only read; a program that has it open may be writing it meanwhile,
// so run it on a file no program has open.
func CheckFile(path string) ([]Problem, error) {
	p, err := openPageFile(path, ErrDamaged)
	if errors.Is(err, ErrDamaged) {
		return []Problem{{What: err.Error()}}, nil
	}
	if err != nil {
		return nil, err
	}
	defer p.Close()
	var out []Problem
	for _, d := range p.walk(true, func(bucket string, k, v []byte) {
		if bucket != string(bInvoices) {
			return
		}
		if _, err := DecodeRecord(v); err != nil {
			out = append(out, Problem{Bucket: bucket, Key: fmt.Sprint(u64(k)), What: err.Error()})
		}
	}) {
		out = append(out, Problem{Bucket: d.bucket, What: d.err.Error()})
	}
	return out, nil
}

// allBucketNames is every bucket of the current schema.
func allBucketNames() [][]byte {
	return append(append([][]byte{}, allBuckets...), bPulled, bOperators, bMDBuyers, bMDGoods, bMappings, bMail)
}

// keyInUse is set in the meta bucket while a program has the store open and removed when
// it closes it: found at open, it means the last program did not close the file (a crash,
// a kill, a power cut), and the whole file is checked before it is used.
var keyInUse = []byte("in_use")

// checkOnSuspicion reads the whole file (Check) when the last program did not close it,
// and refuses a damaged one with ErrDamaged; then it marks the file in use. Failing to
// write the mark (a full disk) is not an error: it only makes the next check less likely.
func (s *DB) checkOnSuspicion() error {
	var suspect bool
	if err := s.db.View(func(tx *bolt.Tx) error {
		suspect = tx.Bucket(bMeta).Get(keyInUse) != nil
		return nil
	}); err != nil {
		return err
	}
	if suspect {
		all, err := s.Check()
		if err != nil {
			return err
		}
		// A broken audit chain is tampering, not damage: VerifyAudit reports it; it must
		// not stop the workstation.
		var problems []Problem
		for _, p := range all {
			if p.Bucket != string(bAudit) {
				problems = append(problems, p)
			}
		}
		if len(problems) > 0 {
			p := problems[0]
			return fmt.Errorf("store: the last program did not close the file, and it has %d problem(s), the first: bucket %q key %q: %s: %w",
				len(problems), p.Bucket, p.Key, p.What, ErrDamaged)
		}
	}
	_ = s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(keyInUse, []byte{1}) })
	return nil
}

// markClosed removes the in-use mark (best effort: see checkOnSuspicion).
func (s *DB) markClosed() {
	_ = s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Delete(keyInUse) })
}
