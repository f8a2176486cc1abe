package platform

import (
	"errors"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
)

const (
	taxA = "91350200MA2Y0XXK5W"
	taxB = "91440300MA5F00000X"
)

// openDigital opens the store the test runs on: bbolt, or PostgreSQL with
// KAIPIAO_PLATFORM_STORE=postgres (testStore).
func openDigital(t *testing.T) Store {
	t.Helper()
	db := testStore(t)
	t.Cleanup(func() { db.Close() })
	return db
}

var at = time.Date(2026, 11, 20, 10, 0, 0, 0, invoice.Beijing)

func grant(t *testing.T, db Store, tax, id string, numbers int, quota invoice.Money) upload.DigitalFetchAnswer {
	t.Helper()
	prefix, err := NumberPrefix(tax, at)
	if err != nil {
		t.Fatal(err)
	}
	ans, err := db.Fetch(FetchGrant{TaxID: tax, RequestID: id, Numbers: numbers, Quota: quota, Period: Period(at),
		Prefix: prefix, Deadline: DefaultDeadline(at, 0)})
	if err != nil {
		t.Fatal(err)
	}
	return ans
}

func TestFetchAssignsEachNumberOnceAndBoundsTheQuota(t *testing.T) {
	db := openDigital(t)
	if err := db.SetQuota(taxA, "2026-11", 100000); err != nil {
		t.Fatal(err)
	}
	a1 := grant(t, db, taxA, "f1", 100, 60000)
	b1 := grant(t, db, taxB, "f1", 5000, 0) // another province: its own prefix
	a2 := grant(t, db, taxA, "f2", 3, 60000)
	if a1.Segments[0].First != "26357000000000000001" || a1.Segments[0].Last != "26357000000000000100" ||
		a2.Segments[0].First != "26357000000000000101" || b1.Segments[0].First != "26447000000000000001" {
		t.Fatalf("segments %v %v %v", a1.Segments, a2.Segments, b1.Segments)
	}
	if a1.Quota != "600.00" || a2.Quota != "400.00" || b1.Quota != "0.00" {
		t.Fatalf("quota granted %s, then %s (of 1000.00), to B %s", a1.Quota, a2.Quota, b1.Quota)
	}
	// The same request again: the same answer, nothing more assigned or granted.
	again := grant(t, db, taxA, "f1", 100, 60000)
	if again.Segments[0] != a1.Segments[0] || again.Quota != a1.Quota {
		t.Fatalf("repeated fetch answered %+v", again)
	}
	if q, _ := db.Quota(taxA, "2026-11"); q.Out != 100000 || q.Left() != 0 {
		t.Fatalf("quota %+v", q)
	}
	// Lowering the month's quota below what is out leaves nothing to grant, never less.
	db.SetQuota(taxA, "2026-11", 50000)
	if a3 := grant(t, db, taxA, "f3", 0, 1); a3.Quota != "0.00" || len(a3.Segments) != 0 {
		t.Fatalf("over-granted: %+v", a3)
	}
	if _, err := db.Fetch(FetchGrant{TaxID: taxA, RequestID: "big", Numbers: 5001, Prefix: "26357"}); !errors.Is(err, ErrDigitalRequest) {
		t.Fatalf("5001 numbers: %v", err)
	}
	if d := DefaultDeadline(at, 0); !d.Equal(time.Date(2026, 12, 15, 23, 59, 59, 0, invoice.Beijing)) {
		t.Fatalf("deadline %s", d)
	}
	if d := DefaultDeadline(at, 72*time.Hour); !d.Equal(at.Add(72 * time.Hour)) {
		t.Fatalf("deadline with offline hours %s", d)
	}
}

func stored(tax, number string) *Stored {
	return &Stored{Number: number, SellerTaxID: tax, RequestID: "r" + number, Digest: "d" + number}
}

func TestDigitalNumbersOnUploadAndReturn(t *testing.T) {
	db := openDigital(t)
	db.SetQuota(taxA, "2026-11", 100000)
	grant(t, db, taxA, "f1", 10, 100000)
	grant(t, db, taxB, "f1", 10, 0)
	_, errs, err := db.Upsert("e1", at, []*Stored{
		stored(taxA, "26357000000000000001"),
		stored(taxA, "26447000000000000001"), // B's
		stored(taxA, "26357000000000000011"), // never assigned
		stored(taxA, "26357000000000000002"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if errs[0] != nil || errs[1] == nil || errs[2] == nil || errs[3] != nil {
		t.Fatalf("upload results %v", errs)
	}
	// The same number with other content is refused; the same invoice again is fine.
	other := stored(taxA, "26357000000000000001")
	other.Digest = "another"
	_, errs, _ = db.Upsert("e2", at, []*Stored{other, stored(taxA, "26357000000000000002")})
	if !errors.Is(errs[0], errConflict) || errs[1] != nil {
		t.Fatalf("second upload %v", errs)
	}
	// A return naming a used number is refused whole; the unused rest is recorded, once.
	if _, err := db.Return(taxA, &upload.DigitalReturn{ID: "r1", Unused: []upload.Segment{{First: "26357000000000000002", Last: "26357000000000000010"}}}); !errors.Is(err, ErrDigitalRequest) {
		t.Fatalf("returning a used number: %v", err)
	}
	ret := &upload.DigitalReturn{ID: "r2", Unused: []upload.Segment{{First: "26357000000000000003", Last: "26357000000000000010"}},
		Quota: []upload.PeriodAmount{{Period: "2026-11", Amount: "900.00"}}}
	if _, err := db.Return(taxA, ret); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Return(taxA, ret); err != nil {
		t.Fatalf("the same return again: %v", err)
	}
	if q, _ := db.Quota(taxA, "2026-11"); q.Out != 10000 {
		t.Fatalf("quota out after the return %s", q.Out)
	}
	for _, bad := range []*upload.DigitalReturn{
		{ID: "r3", Unused: []upload.Segment{{First: "26357000000000000010", Last: "26357000000000000010"}}}, // again
		{ID: "r4", Unused: []upload.Segment{{First: "26447000000000000001", Last: "26447000000000000002"}}}, // B's
		{ID: "r5", Quota: []upload.PeriodAmount{{Period: "2026-11", Amount: "100.01"}}},                     // more than out
	} {
		if _, err := db.Return(taxA, bad); !errors.Is(err, ErrDigitalRequest) {
			t.Errorf("return %s: %v", bad.ID, err)
		}
	}
	// A returned number can no longer carry an invoice.
	_, errs, _ = db.Upsert("e3", at, []*Stored{stored(taxA, "26357000000000000005")})
	if errs[0] == nil {
		t.Fatal("an invoice under a returned number was stored")
	}
	assigned, returned, err := db.Segments(taxA)
	if err != nil || len(assigned) != 1 || len(returned) != 1 || returned[0].First != "26357000000000000003" {
		t.Fatalf("segments %v returned %v %v", assigned, returned, err)
	}
}
