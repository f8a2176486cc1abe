package sim

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
	bolt "go.etcd.io/bbolt"
)

// The state file: one bbolt database, fsynced on every commit. An invoice's journal entry,
// its number, its request ID and the counters move together in ONE transaction, so a
// kill -9 at any instant leaves either all of them or none.
var (
	bucketMeta    = []byte("meta")    // "state" → persisted (JSON)
	bucketJournal = []byte("journal") // counter (uint64 BE) → device.Record binary
	bucketNumbers = []byte("numbers") // code ‖ number → counter
	bucketReqs    = []byte("requests")
	keyState      = []byte("state")
)

// persisted is the device's durable state besides the journal.
type persisted struct {
	Machine   string
	Seller    string
	Region    string
	Key       []byte // SM2 private scalar, 32 bytes (when the identity is the built-in one)
	Cert      []byte
	Rolls     []rollState // of every type, in the order they were opened
	StockLeft int         // e-ordinary invoices not yet given a roll
	// SpecialLeft is the same for e-special invoices: each type has its own stock and
	// rolls, told apart by the code's type digits (docs/rules.md "Invoice code").
	SpecialLeft int
	Batch       int
	Counter     uint64 // last document counter used
	// UploadedThrough is the last counter the tax authority acknowledged; PendingAmount and
	// OldestPending describe the records after it.
	UploadedThrough uint64
	PendingAmount   invoice.Money
	OldestPending   int64 // Unix seconds, 0 when nothing is pending
	LastIssue       int64 // Unix seconds of the last invoice, to catch a clock going back
	Period          string
	Reported        string
	PINSalt         []byte
	PINHash         []byte
	PINTries        int
	PINLocked       bool
	Boots           uint64
}

type rollState struct {
	Code  string
	Start uint32
	Count uint32
	Used  uint32
}

func openDB(path string) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("sim: open state %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketJournal, bucketNumbers, bucketReqs} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("sim: init state %s: %w", path, err)
	}
	return db, nil
}

func loadState(tx *bolt.Tx) (*persisted, error) {
	b := tx.Bucket(bucketMeta).Get(keyState)
	if b == nil {
		return nil, nil
	}
	var st persisted
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("sim: corrupt state record: %w", err)
	}
	return &st, nil
}

func saveState(tx *bolt.Tx, st *persisted) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketMeta).Put(keyState, b)
}

func counterKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func getRecord(tx *bolt.Tx, counter uint64) (device.Record, bool, error) {
	b := tx.Bucket(bucketJournal).Get(counterKey(counter))
	if b == nil {
		return device.Record{}, false, nil
	}
	var r device.Record
	if err := r.UnmarshalBinary(b); err != nil {
		return r, false, fmt.Errorf("sim: journal record %d: %w", counter, err)
	}
	return r, true, nil
}

func putRecord(tx *bolt.Tx, r *device.Record) error {
	b, err := r.MarshalBinary()
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketJournal).Put(counterKey(r.Counter), b); err != nil {
		return err
	}
	return tx.Bucket(bucketNumbers).Put([]byte(r.Invoice.Code+r.Invoice.Number), counterKey(r.Counter))
}

func byNumber(tx *bolt.Tx, code, number string) (device.Record, bool, error) {
	v := tx.Bucket(bucketNumbers).Get([]byte(code + number))
	if len(v) != 8 {
		return device.Record{}, false, nil
	}
	return getRecord(tx, binary.BigEndian.Uint64(v))
}

// stored is a mutating command's remembered answer, keyed by request ID.
type stored struct {
	cmd      device.Command
	hash     [32]byte
	response []byte
}

func getStored(tx *bolt.Tx, requestID string) (stored, bool) {
	v := tx.Bucket(bucketReqs).Get([]byte(requestID))
	if len(v) < 33 {
		return stored{}, false
	}
	s := stored{cmd: device.Command(v[0]), response: append([]byte(nil), v[33:]...)}
	copy(s.hash[:], v[1:33])
	return s, true
}

func putStored(tx *bolt.Tx, requestID string, s stored) error {
	v := append([]byte{byte(s.cmd)}, s.hash[:]...)
	return tx.Bucket(bucketReqs).Put([]byte(requestID), append(v, s.response...))
}

// errCrash aborts a transaction to simulate power loss before the commit.
var errCrash = errors.New("sim: simulated power loss")
