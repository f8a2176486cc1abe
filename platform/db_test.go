package platform

import (
	"errors"
	"testing"
	"time"
)

func TestReplayMemoryCoversTheWindowOnly(t *testing.T) {
	eachStore(t, func(t *testing.T, db Store) {
		t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
		if err := db.SeeEnvelope("A", t0); err != nil {
			t.Fatal(err)
		}
		if err := db.SeeEnvelope("A", t0.Add(time.Minute)); !errors.Is(err, errReplay) {
			t.Fatalf("want errReplay, got %v", err)
		}
		// An envelope sealed after the window has passed makes the platform forget A, which
		// Open would refuse as stale by then anyway.
		if err := db.SeeEnvelope("B", t0.Add(forgetAfter+time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := db.SeeEnvelope("A", t0.Add(forgetAfter+2*time.Second)); err != nil {
			t.Fatalf("A still remembered: %v", err)
		}
	})
}

func TestUpsertKeepsTheFirstAndRefusesAConflict(t *testing.T) {
	eachStore(t, func(t *testing.T, db Store) {
		at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
		a := &Stored{Device: "M", Code: "C", Number: "1", Digest: "d1", Receipt: []byte(`"r1"`)}
		if _, _, err := db.Upsert("E1", at, []*Stored{a}); err != nil {
			t.Fatal(err)
		}
		again := &Stored{Device: "M", Code: "C", Number: "1", Digest: "d1", Receipt: []byte(`"r2"`)}
		other := &Stored{Device: "M", Code: "C", Number: "1", Digest: "d2", Receipt: []byte(`"r3"`)}
		held, errs, err := db.Upsert("E2", at, []*Stored{again, other})
		if err != nil {
			t.Fatal(err)
		}
		if string(held[0].Receipt) != `"r1"` || errs[0] != nil {
			t.Fatalf("redelivery: %s %v", held[0].Receipt, errs[0])
		}
		if !errors.Is(errs[1], errConflict) {
			t.Fatalf("conflict: %v", errs[1])
		}
		if n, _ := db.Count(); n != 1 {
			t.Fatalf("holds %d", n)
		}
	})
}
