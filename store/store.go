// Package store keeps everything the workstation must not lose in one bbolt file: the
// seller's settings, issued invoices and their indexes, the intents written before the
// device is asked, the outbox of invoices to sync, and the audit log. Its API speaks the
// domain; buckets and key layouts stay inside it. Every state change is one bbolt
// transaction, committed with fsync before the call returns.
package store

import (
	"github.com/kaipiao/kaipiao/invoice"

	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout this code writes. Open migrates an older file forward, in
// one transaction, and refuses a newer one.
const SchemaVersion = 5

// Errors callers can test with errors.Is.
var (
	// ErrLocked: another process (a second workstation window, kaipiaoctl) has the file.
	ErrLocked = invoice.NewSentinel("store.locked")
	// ErrNotFound: no such invoice, intent or entry.
	ErrNotFound = invoice.NewSentinel("store.not_found")
	// ErrNewerSchema: the file was written by a newer Kaipiao.
	ErrNewerSchema = invoice.NewSentinel("store.newer_schema")
)

// Bucket names. The layout is documented beside each verb that uses it.
var (
	bMeta      = []byte("meta")       // schema version, settings, audit head
	bInvoices  = []byte("invoices")   // id (8-byte BE) → record JSON (record.go)
	bByRequest = []byte("by_request") // request ID → id
	bByNumber  = []byte("by_number")  // number + code → id
	bByOrder   = []byte("by_order")   // order ID + 0 + id → empty
	bByDate    = []byte("by_date")    // issued-at (8-byte BE unix ns) + id → empty
	bBuyers    = []byte("buyers")     // buyer name + 0 + tax ID → invoice count (8-byte BE)
	bByBuyer   = []byte("by_buyer")   // buyer name + 0 + tax ID + 0 + issued-at + id → empty
	bRedsOf    = []byte("reds_of")    // blue code + number + id of red → empty
	bIntents   = []byte("intents")    // request ID → intent JSON
	bOutbox    = []byte("outbox")     // id → outbox entry JSON
	bDead      = []byte("dead")       // id → outbox entry JSON, with the reason
	bAudit     = []byte("audit")      // seq (8-byte BE) → audit entry JSON
	bOperators = []byte("operators")  // name → operator JSON (argon2id hash), since schema 3
	allBuckets = [][]byte{bMeta, bInvoices, bByRequest, bByNumber, bByOrder, bByDate, bBuyers, bByBuyer,
		bRedsOf, bIntents, bOutbox, bDead, bAudit}
)

var keySchema = []byte("schema_version")

// Options tune Open.
type Options struct {
	// LockTimeout is how long Open waits for another process to release the file before
	// it returns ErrLocked. Default one second.
	LockTimeout time.Duration
	// NoSync turns off fsync: only for benchmarks that measure everything but the disk.
	NoSync bool
	// Now is the clock for audit entries; default time.Now.
	Now func() time.Time
	// AuditKey, when set, seals every new audit entry (HMAC-SM3); kept outside the data
	// folder (workstation.AuditKeyPath).
	AuditKey []byte
}

// DB is an open store. It is safe for concurrent use.
type DB struct {
	db       Guarded
	now      func() time.Time
	auditKey []byte
}

// Open opens (creating if needed) the store at path, mode 0600, and brings its schema up
// to date. A second process gets ErrLocked within the lock timeout instead of waiting.
func Open(path string, opts Options) (*DB, error) {
	if opts.LockTimeout == 0 {
		opts.LockTimeout = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: creating the data folder: %w", err)
	}
	db, err := OpenGuarded(path, &bolt.Options{Timeout: opts.LockTimeout, NoSync: opts.NoSync,
		// Freelist as a hash map: the file of a busy year has many free pages, and the
		// array type makes each commit scan them all.
		FreelistType: bolt.FreelistMapType}, ErrDamaged)
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("store: %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, err
	}
	// bbolt creates the file with the mode given, but an existing file keeps its own:
	// the data holds every customer's details, so tighten it either way.
	if err := os.Chmod(path, 0o600); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	s := &DB{db: db, now: opts.Now, auditKey: opts.AuditKey}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.checkOnSuspicion(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.sealHead(); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: sealing the audit log: %w", err)
	}
	return s, nil
}

// OpenGuarded opens the bbolt file at path (creating it) with the store's guards against
// damage: its size checked against its meta pages before bbolt maps it (a short file
// would be read past its end: SIGBUS), bbolt's panics at open turned into errors, and
// its tree of pages read from the file before anything follows it (pages.go: a looping
// tree would run bbolt's cursor out of memory). Damage, at open or in a transaction
// later, is an error naming what is wrong and wrapping damaged: ErrDamaged for the
// store's own file, the owner's sentinel for another's (the digital channel's, which
// `store repair` does not rebuild). A file another process holds is bbolt's ErrTimeout,
// as bolt.Open returns it.
func OpenGuarded(path string, o *bolt.Options, damaged error) (Guarded, error) {
	if err := preflight(path, damaged); err != nil {
		return Guarded{}, err
	}
	db, err := openBolt(path, o, damaged)
	if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrChecksum) || errors.Is(err, bolterrors.ErrVersionMismatch) {
		return Guarded{}, fmt.Errorf("store: opening %s: %v: %w", path, err, damaged)
	}
	if err != nil {
		return Guarded{}, fmt.Errorf("store: opening %s: %w", path, err)
	}
	// Every open, not only after a crash: bbolt follows whatever page numbers it finds,
	// and one flipped bit can make its tree a loop that eats all memory (pages.go). The
	// quick walk reads about one page in a hundred (BENCHMARKS.md: 35 ms for a million
	// invoices).
	if err := checkPages(path, damaged); err != nil {
		db.Close()
		return Guarded{}, err
	}
	return Guarded{DB: db, as: damaged}, nil
}

// openBolt is bolt.Open with its panics (a damaged meta or freelist page) as damaged.
func openBolt(path string, o *bolt.Options, damaged error) (db *bolt.DB, err error) {
	defer debug.SetPanicOnFault(guard())
	defer recovered(&err, damaged)
	return bolt.Open(path, 0o600, o)
}

// Close releases the file.
func (s *DB) Close() error {
	s.markClosed()
	return s.db.Close()
}

// Path is the file's path.
func (s *DB) Path() string { return s.db.Path() }

// migrations[v] brings a file from schema v to v+1. Version 0 is a new, empty file.
var migrations = []func(tx *bolt.Tx) error{
	0: func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	},
	// 1 → 2: orders pulled from the service platform wait in their own bucket (sync.go).
	1: func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bPulled)
		return err
	},
	// 2 → 3: operators who log in (operators.go).
	2: func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bOperators)
		return err
	},
	// 3 → 4: import column mappings, master data (buyers and goods, filled from the
	// invoices already issued) and the mail outbox (masterdata.go, mail.go).
	3: migrateMasterData,
	// 4 → 5: invoice records and intents in the store's own format, payload hashes of
	// version 2 (migrate5.go).
	4: migrateRecords,
}

// migrate runs every migration the file needs in one transaction, so a crash leaves it
// at the old version or the new, never between.
func (s *DB) migrate() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		v := 0
		if meta := tx.Bucket(bMeta); meta != nil {
			if raw := meta.Get(keySchema); raw != nil {
				// Compared before the conversion: a damaged version must not wrap round
				// to a negative migration index.
				if u := u64(raw); u > SchemaVersion || len(raw) > 8 {
					return fmt.Errorf("store: schema %d, this program knows %d: %w", u, SchemaVersion, ErrNewerSchema)
				}
				v = int(u64(raw)) // #nosec G115 -- at most SchemaVersion, checked above
			}
		}
		if v > SchemaVersion {
			return fmt.Errorf("store: schema %d, this program knows %d: %w", v, SchemaVersion, ErrNewerSchema)
		}
		for ; v < SchemaVersion; v++ {
			if err := migrations[v](tx); err != nil {
				return fmt.Errorf("store: migrating schema %d to %d: %w", v, v+1, err)
			}
		}
		return tx.Bucket(bMeta).Put(keySchema, be64(uint64(v)))
	})
}

func be64(v uint64) []byte {
	b := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
	return b
}

func u64(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// join builds a composite key from parts separated by a zero byte, which occurs in no
// name, ID or code.
func join(parts ...[]byte) []byte {
	n := len(parts) - 1
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			k = append(k, 0)
		}
		k = append(k, p...)
	}
	return k
}
