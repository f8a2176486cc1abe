package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// loopedInvoices makes the invoices bucket's root page (a branch, with n records) point
// its last child back at itself, as one damaged page number does. It returns the file
// and how many records hang below the other children.
func loopedInvoices(t *testing.T, n int) (path string, kept int) {
	t.Helper()
	return repointed(t, n, func(tx *bolt.Tx, root int) int { return root })
}

// repointed makes the invoices bucket's root page (a branch, with n records) point its
// last child at the page to gives. It returns the file and how many records hang below
// the other children.
func repointed(t *testing.T, n int, to func(tx *bolt.Tx, root int) int) (path string, kept int) {
	t.Helper()
	path = filled(t, n)
	target := 0
	db, err := bolt.Open(path, 0o600, nil) // read-write: Tx.Page needs the freelist loaded
	if err != nil {
		t.Fatal(err)
	}
	var root, last, pageSize int
	err = db.View(func(tx *bolt.Tx) error {
		root = int(tx.Bucket(bInvoices).Root())
		info, err := tx.Page(root)
		if err != nil {
			return err
		}
		if info.Type != "branch" {
			t.Fatalf("the invoices bucket's root is a %s page; a branch is needed", info.Type)
		}
		last = info.Count - 1
		target = to(tx, root)
		pageSize = tx.DB().Info().PageSize
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The last branch element: its key (pos, ksize) is the first counter below it.
	elem := make([]byte, elementLen)
	off := int64(root*pageSize + pageHeaderLen + last*elementLen)
	if _, err := f.ReadAt(elem, off); err != nil {
		t.Fatal(err)
	}
	key := make([]byte, binary.LittleEndian.Uint32(elem[4:]))
	if _, err := f.ReadAt(key, off+int64(binary.LittleEndian.Uint32(elem[0:]))); err != nil {
		t.Fatal(err)
	}
	kept = int(u64(key)) - 1 // counters run from 1, one per record
	binary.LittleEndian.PutUint64(elem[8:], uint64(target))
	if _, err := f.WriteAt(elem, off); err != nil {
		t.Fatal(err)
	}
	return path, kept
}

// The CI run that died: a flipped bit had made a branch page point back up its own tree,
// and bbolt's cursor went round it, its stack growing until the process was killed for
// memory. The store now reads the tree itself at open and refuses it, naming the bucket
// and page.
func TestLoopingTreeIsRefusedAtOpen(t *testing.T) {
	path, _ := loopedInvoices(t, 300)
	_, err := Open(path, Options{})
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("want ErrDamaged, got %v", err)
	}
	for _, want := range []string{"bucket invoices", "reached twice"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error should say %q: %v", want, err)
		}
	}
}

// A page number that points at a free page (old data, which bbolt would hand out again
// while the tree still reaches it) is refused too.
func TestPointerToAFreePageIsRefusedAtOpen(t *testing.T) {
	path, _ := repointed(t, 300, func(tx *bolt.Tx, _ int) int {
		for id := 2; ; id++ {
			info, err := tx.Page(id)
			if err != nil || info == nil {
				t.Fatalf("no free page in the file (%v)", err)
			}
			if info.Type == "free" {
				return id
			}
		}
	})
	_, err := Open(path, Options{})
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "on the freelist") {
		t.Fatalf("want ErrDamaged naming the freelist, got %v", err)
	}
}

// Repair reads a looping tree without going round it: it takes every record below the
// sound children and reports the loop.
func TestSalvageOfALoopingTree(t *testing.T) {
	path, kept := loopedInvoices(t, 300)
	if kept <= 0 || kept >= 300 {
		t.Fatalf("the damage should cost some records, not all: %d kept", kept)
	}
	s := openTemp(t)
	rep, err := s.Salvage(path, "test")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Invoices != kept {
		t.Errorf("salvaged %d invoices, want the %d below the sound pages", rep.Invoices, kept)
	}
	if !strings.Contains(strings.Join(rep.Lost, "\n"), "reached twice") {
		t.Errorf("the loop is not reported: %q", rep.Lost)
	}
	page, err := s.List(Query{Limit: 1000})
	if err != nil || len(page.Records) != kept {
		t.Fatalf("the rebuilt store lists %d records (%v), want %d", len(page.Records), err, kept)
	}
	if probs, err := s.Check(); err != nil || len(probs) > 0 {
		t.Fatalf("the rebuilt store is not sound: %v %v", probs, err)
	}
}

// A sound file walks clean, and the walk sees every record bbolt sees.
func TestWalkSeesWhatBboltSees(t *testing.T) {
	path := filled(t, 500)
	p, err := openPageFile(path, ErrDamaged)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	walked := map[string]int{}
	if d := p.walk(true, func(bucket string, _, _ []byte) { walked[bucket]++ }); len(d) > 0 {
		t.Fatalf("a sound file: %v", d)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			n := b.Stats().KeyN
			if walked[string(name)] != n {
				t.Errorf("bucket %s: walked %d entries, bbolt has %d", name, walked[string(name)], n)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if walked[string(bInvoices)] != 500 {
		t.Errorf("walked %d invoices", walked[string(bInvoices)])
	}
}

// Whatever the file holds, the walk ends, without a panic and without allocating past
// the file's size. The fuzzer damages a small real file in a few places (a few bytes
// overwritten, the file cut short) rather than making one up: that is what damage looks
// like, and a long input makes Go's fuzzer spend its time minimizing.
func FuzzPageWalk(f *testing.F) {
	// A small file of every kind of page: pages of 512 bytes, a bucket with a branch
	// page over several leaves, an inline bucket, the freelist.
	path := filepath.Join(f.TempDir(), "seed.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{PageSize: 512})
	if err != nil {
		f.Fatal(err)
	}
	var branch uint16 // the invoices bucket's root: a branch page
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bInvoices)
		if err != nil {
			return err
		}
		for i := range 30 {
			if err := b.Put(be64(uint64(i+1)), []byte(strings.Repeat("x", 40))); err != nil {
				return err
			}
		}
		m, err := tx.CreateBucket(bMeta)
		if err != nil {
			return err
		}
		return m.Put(keySchema, be64(SchemaVersion))
	})
	if err == nil {
		err = db.View(func(tx *bolt.Tx) error {
			branch = uint16(tx.Bucket(bInvoices).Root())
			if info, err := tx.Page(int(branch)); err != nil || info.Type != "branch" {
				return fmt.Errorf("the invoices bucket's root is not a branch: %+v %v", info, err)
			}
			return nil
		})
	}
	db.Close()
	if err != nil {
		f.Fatal(err)
	}
	clean, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	// bbolt grows a file 32 KiB at a time; what lies past its pages in use is zeros.
	m, ok, err := readMeta(bytes.NewReader(clean))
	if err != nil || !ok {
		f.Fatalf("the seed's meta: %v", err)
	}
	clean = clean[:m.hwm*m.pageSize]
	if d := walkFile(bytes.NewReader(clean), int64(len(clean)), m, true, nil); len(d) > 0 {
		f.Fatalf("the seed walks with damage: %v", d)
	}
	f.Add(branch*512+pageHeaderLen+8, uint64(branch), uint16(0), uint64(0), uint16(0), false) // a branch pointing at itself
	f.Add(uint16(0), uint64(0), uint16(m.freelist*512+10), uint64(0xFFFF), uint16(0), true)   // a freelist count that overflows
	f.Add(uint16(pageHeaderLen+40), uint64(1<<40), uint16(0), uint64(0), uint16(1000), false) // a high-water mark past the end, cut short
	f.Fuzz(func(t *testing.T, at1 uint16, v1 uint64, at2 uint16, v2 uint64, cut uint16, full bool) {
		b := append([]byte(nil), clean...)
		for _, w := range []struct {
			at uint16
			v  uint64
		}{{at1, v1}, {at2, v2}} {
			if int(w.at)+8 <= len(b) {
				binary.LittleEndian.PutUint64(b[w.at:], w.v)
			}
		}
		if int(cut) < len(b) && cut > 0 {
			b = b[:cut]
		}
		r := bytes.NewReader(b)
		m, ok, err := readMeta(r)
		if err != nil || !ok {
			return
		}
		walkFile(r, int64(len(b)), m, full, func(string, []byte, []byte) {})
	})
}

// CheckFile lists the damage of a file Open refuses, and nothing for a sound one.
func TestCheckFileListsWhatOpenRefuses(t *testing.T) {
	path, _ := loopedInvoices(t, 300)
	probs, err := CheckFile(path)
	if err != nil || len(probs) == 0 || probs[0].Bucket != "invoices" || !strings.Contains(probs[0].What, "reached twice") {
		t.Fatalf("a looping tree: %+v %v", probs, err)
	}
	if probs, err := CheckFile(filled(t, 50)); err != nil || len(probs) > 0 {
		t.Fatalf("a sound file: %+v %v", probs, err)
	}
}

// Check reads the file beside bbolt; while this process commits, it must not mistake
// pages being rewritten for damage.
func TestCheckBesideCommitsFindsNothing(t *testing.T) {
	db := openTemp(t)
	for i := 1; i <= 200; i++ {
		if err := db.ImportIssued(issued(fmt.Sprintf("A-%d", i), i, "买方", t0)); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error)
	go func() {
		var err error
		for i := 201; i <= 600 && err == nil; i++ {
			err = db.ImportIssued(issued(fmt.Sprintf("A-%d", i), i, "买方", t0))
		}
		done <- err
	}()
	checks := 0
	for running := true; running; checks++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			running = false
		default:
		}
		if probs, err := db.Check(); err != nil || len(probs) > 0 {
			t.Fatalf("check %d beside commits: %+v %v", checks, probs, err)
		}
	}
	t.Logf("%d checks beside 400 commits", checks)
}
