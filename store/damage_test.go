package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	bolt "go.etcd.io/bbolt"
)

// filled makes a store file with some invoices, operators and audit entries, closed.
func filled(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kaipiao.db")
	db, err := Open(path, Options{AuditKey: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		if err := db.ImportIssued(issued(fmt.Sprintf("R-%d", i), i, fmt.Sprintf("买方%d有限公司", i%7), t0)); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	return path
}

// exercise runs the verbs the programs run at start and on the main screens; none may
// panic, whatever the file holds.
func exercise(path string) error {
	db, err := Open(path, Options{LockTimeout: 1})
	if err != nil {
		return err
	}
	defer db.Close()
	var errs []error
	page, err := db.List(Query{Limit: 50})
	errs = append(errs, err)
	for _, r := range page.Records {
		_ = r.Invoice.Totals() // the review's panic: a nil invoice reached Totals
	}
	_, err = db.ByNumber("035020026011", "00000003")
	errs = append(errs, err)
	_, err = db.Pending(10)
	errs = append(errs, err)
	_, err = db.Check()
	errs = append(errs, err)
	_, err = db.VerifyAudit()
	errs = append(errs, err)
	errs = append(errs, db.Audit("张三", "login", "张三", ""))
	return errors.Join(errs...)
}

// The review: a truncated file died of SIGBUS inside bbolt. It is now refused at open,
// as damaged, before anything is mapped.
func TestTruncatedStoreIsRefusedNotMapped(t *testing.T) {
	path := filled(t, 300)
	st, _ := os.Stat(path)
	for _, size := range []int64{st.Size() / 2, 4096 * 2, 100} {
		if err := os.Truncate(path, size); err != nil {
			t.Fatal(err)
		}
		_, err := Open(path, Options{})
		if !errors.Is(err, ErrDamaged) {
			t.Fatalf("truncated to %d of %d bytes: %v", size, st.Size(), err)
		}
	}
}

// The review: of 40 runs of 20 random bit flips, 3 panicked. Now no run panics: each
// verb answers or returns an error.
func TestBitFlippedStoreNeverPanics(t *testing.T) {
	clean := filled(t, 200)
	orig, err := os.ReadFile(clean)
	if err != nil {
		t.Fatal(err)
	}
	damaged := 0
	var current atomic.Int64
	defer watchMemory(2<<30, func() string {
		return fmt.Sprintf("run %d of TestBitFlippedStoreNeverPanics", current.Load())
	})()
	for run := range bitFlipRuns {
		current.Store(int64(run))
		rng := rand.New(rand.NewPCG(uint64(run), 16))
		b := append([]byte(nil), orig...)
		for range 20 {
			i := rng.IntN(len(b))
			b[i] ^= 1 << rng.IntN(8)
		}
		path := filepath.Join(t.TempDir(), "kaipiao.db")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("run %d panicked: %v", run, r)
				}
			}()
			if err := exercise(path); err != nil {
				damaged++
			}
		}()
	}
	t.Logf("%d of %d runs reported damage", damaged, bitFlipRuns)
}

// A record that decodes without an invoice, or with a code that is not digits, is an
// error naming the bucket and key, never a nil for the caller to trip on.
func TestBadRecordIsAnErrorNamingBucketAndKey(t *testing.T) {
	db := openTemp(t)
	if err := db.ImportIssued(issued("R-1", 1, "买方", t0)); err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{`{"counter":1}`, `{"invoice":{"request_id":"R-1","code":"../x","number":"00000001"}}`, `{`} {
		db.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bInvoices).Put(be64(1), []byte(raw)) })
		_, err := db.ByRequest("R-1")
		if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "bucket invoices, key 1") {
			t.Fatalf("%s: %v", raw, err)
		}
		if probs, _ := db.Check(); len(probs) == 0 {
			t.Fatalf("%s: Check found nothing", raw)
		}
	}
}

func FuzzDecodeRecord(f *testing.F) {
	good, _ := json.Marshal(Record{Invoice: issued("R-1", 1, "买方", t0).Invoice, Counter: 1})
	f.Add(good)
	f.Add([]byte(`{"invoice":null}`))
	f.Add([]byte(`{"invoice":{"lines":[{}]}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		rec, err := DecodeRecord(raw)
		if err != nil {
			return
		}
		// What the callers do with a record must not panic either.
		_ = rec.Invoice.Totals()
		if !invoiceIdentityOK(rec) {
			t.Fatalf("accepted %q:%q", rec.Invoice.Code, rec.Invoice.Number)
		}
	})
}

func invoiceIdentityOK(rec *Record) bool {
	return invoice.ValidCode(rec.Invoice.Code) && invoice.ValidNumber(rec.Invoice.Number)
}

// watchMemory panics, with every goroutine's stack, when the heap passes limit bytes
// until the returned stop is called: a damaged file followed without end grows memory
// until the process is killed, and a killed test binary says nothing of where it was
// (a CI run ended "signal: killed" that way). what names the work under way.
func watchMemory(limit uint64, what func() string) (stop func()) {
	done := make(chan struct{})
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			metrics.Read(sample)
			if heap := sample[0].Value.Uint64(); heap > limit {
				debug.SetTraceback("all")
				panic(fmt.Sprintf("%s: the heap is %d bytes, past %d: a damaged file is being followed without end", what(), heap, limit))
			}
		}
	}()
	return func() { close(done) }
}

// bitFlipRuns is how many damaged copies TestBitFlippedStoreNeverPanics tries (the
// review's count).
var bitFlipRuns = 40

func init() {
	if os.Getenv("KAIPIAO_BITFLIP_RUNS") != "" {
		fmt.Sscan(os.Getenv("KAIPIAO_BITFLIP_RUNS"), &bitFlipRuns)
	}
}

// After a crash (the in-use mark still set) the whole file is checked at open: a record
// that does not decode stops the open with ErrDamaged naming it. After a clean close the
// open is quick and the record's own read reports it.
func TestCheckOnSuspicionAfterACrash(t *testing.T) {
	path := filled(t, 5)
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bInvoices).Put(be64(3), []byte(`{"counter":3}`)) })
	db.db.DB.Close() // a crash: the mark stays
	if _, err := Open(path, Options{}); !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), `bucket "invoices" key "3"`) {
		t.Fatalf("open after a crash: %v", err)
	}
	// Once the mark is gone (a clean close), the open does not read everything.
	raw, _ := bolt.Open(path, 0o600, nil)
	raw.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Delete(keyInUse) })
	raw.Close()
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatalf("open after a clean close: %v", err)
	}
	defer db.Close()
	if _, err := db.ByNumber("035020026011", "00000003"); !errors.Is(err, ErrDamaged) {
		t.Fatalf("reading the bad record: %v", err)
	}
}
