package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
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

// safeDB is bbolt with its panics turned into ErrDamaged: bbolt panics on pages it cannot
// read (a flipped bit in a page header), and a workstation must tell the clerk, not
// crash. bbolt rolls the transaction back on a panic, so the file is as it was.
type safeDB struct{ *bolt.DB }

func recovered(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("store: %v: %w", r, ErrDamaged)
		if os.Getenv("KAIPIAO_DEBUG") != "" {
			debug.PrintStack()
		}
	}
}

// guard makes a fault inside the mapped file (a page number pointing past its end) a
// panic that recovered turns into ErrDamaged, instead of the process dying of SIGSEGV
// or SIGBUS. It returns the setting to restore.
func guard() bool { return debug.SetPanicOnFault(true) }

func (d safeDB) View(fn func(*bolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(guard())
	defer recovered(&err)
	return d.DB.View(fn)
}

func (d safeDB) Update(fn func(*bolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(guard())
	defer recovered(&err)
	return d.DB.Update(fn)
}

// Batch runs fn in one of bbolt's shared transactions; bbolt itself turns a panic in fn
// into an error.
func (d safeDB) Batch(fn func(*bolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(guard())
	defer recovered(&err)
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

// bbolt's meta page (go.etcd.io/bbolt/internal/common): after the 16-byte page header,
// magic, version, page size, flags, root bucket (16), freelist, pgid (the high-water
// mark: pages in use), txid, checksum (FNV-64a of what precedes it).
const (
	boltMagic     = 0xED0CDAED
	metaOffset    = 16
	metaLen       = 64
	metaChecksumN = 56
)

// preflight checks the file against its own meta pages before bbolt maps it: a file
// shorter than the pages its meta says are in use would be read past its end through the
// mapping, and the process dies of SIGBUS. A missing or empty file passes (a new store).
func preflight(path string) error {
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
	best, found := uint64(0), false
	var need uint64
	buf := make([]byte, metaOffset+metaLen)
	for _, off := range []int64{0, -1} {
		if off == -1 {
			// The second meta page sits one page in: its size is in the first meta, or
			// the common 4096 when that one is unreadable.
			pageSize := int64(4096)
			if found {
				pageSize = int64(binary.LittleEndian.Uint32(buf[metaOffset+8:]))
			}
			off = pageSize
		}
		if _, err := f.ReadAt(buf, off); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		m := buf[metaOffset:]
		h := fnv.New64a()
		h.Write(m[:metaChecksumN])
		if binary.LittleEndian.Uint32(m[0:]) != boltMagic || h.Sum64() != binary.LittleEndian.Uint64(m[metaChecksumN:]) {
			continue
		}
		pageSize, pgid, txid := binary.LittleEndian.Uint32(m[8:]), binary.LittleEndian.Uint64(m[40:]), binary.LittleEndian.Uint64(m[48:])
		if !found || txid > best {
			if pageSize == 0 || pgid > math.MaxInt64/uint64(pageSize) {
				continue // a checksummed meta with absurd numbers: treat as unreadable
			}
			best, found, need = txid, true, pgid*uint64(pageSize)
		}
	}
	if !found {
		return fmt.Errorf("store: %s: neither meta page is valid: %w", path, ErrDamaged)
	}
	if uint64(st.Size()) < need { // #nosec G115 -- a file's size is not negative
		return fmt.Errorf("store: %s is %d bytes, its pages reach %d (the file was cut short): %w", path, st.Size(), need, ErrDamaged)
	}
	return nil
}

// Problem is one finding of Check.
type Problem struct {
	Bucket string `json:"bucket,omitempty"`
	Key    string `json:"key,omitempty"`
	What   string `json:"what"`
}

// Check reads the whole file: every bucket's every page (each key and value read, which
// is where a damaged page shows), every invoice record decoded and checked, and the
// audit log's chain. It returns what it found; none means the file is sound. (bbolt's
// own Tx.Check reads pages on a goroutine of its own, where a fault on a damaged page
// cannot be recovered, so it is not used.)
func (s *DB) Check() ([]Problem, error) {
	var out []Problem
	for _, name := range allBucketNames() {
		err := s.db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket(name)
			if b == nil {
				{
					out = append(out, Problem{Bucket: string(name), What: "the bucket is missing"})
				}
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
	if _, err := s.VerifyAudit(); err != nil {
		out = append(out, Problem{Bucket: string(bAudit), What: err.Error()})
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
