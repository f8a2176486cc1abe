package store

import (
	"encoding/json"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func TestAckBatchTakesAllOutOfTheOutboxAtOnce(t *testing.T) {
	db := openTemp(t)
	db.ImportIssued(issued("A", 1, "x", t0), issued("B", 2, "x", t0), issued("C", 3, "x", t0))
	pending, _ := db.Pending(10)
	if err := db.DeadLetter(pending[2].ID, "refused"); err != nil {
		t.Fatal(err)
	}
	acks := []AckEntry{{ID: pending[0].ID, Ack: []byte("r1"), At: t0}, {ID: pending[1].ID, Ack: []byte("r2"), At: t0},
		{ID: pending[2].ID, Ack: []byte("r3"), At: t0}}
	if err := db.AckBatch(acks); err != nil {
		t.Fatal(err)
	}
	if q, d, _ := db.PendingCount(); q != 0 || d != 0 {
		t.Fatalf("queued %d dead %d", q, d)
	}
	t.Run("a second acknowledgement keeps the first", func(t *testing.T) {
		if err := db.AckBatch([]AckEntry{{ID: pending[0].ID, Ack: []byte("other"), At: t0}}); err != nil {
			t.Fatal(err)
		}
		if rec, _ := db.ByRequest("A"); string(rec.Ack) != "r1" {
			t.Fatalf("ack %q", rec.Ack)
		}
	})
	t.Run("an unknown invoice fails the whole batch", func(t *testing.T) {
		db.ImportIssued(issued("D", 4, "x", t0))
		p, _ := db.Pending(1)
		if err := db.AckBatch([]AckEntry{{ID: p[0].ID, Ack: []byte("r4")}, {ID: 999}}); err == nil {
			t.Fatal("acknowledged an unknown invoice")
		}
		if q, _, _ := db.PendingCount(); q != 1 {
			t.Fatalf("queued %d: the batch was not atomic", q)
		}
	})
}

func TestPulledOrdersAreKeptOnce(t *testing.T) {
	db := openTemp(t)
	o := []PulledOrder{{ID: "ERP-1", Order: json.RawMessage(`{"order_id":"ERP-1"}`), ReceivedAt: t0},
		{ID: "ERP-2", Order: json.RawMessage(`{"order_id":"ERP-2"}`), ReceivedAt: t0}}
	if n, err := db.PutPulledOrders(o); err != nil || n != 2 {
		t.Fatalf("added %d: %v", n, err)
	}
	if n, err := db.PutPulledOrders(o[1:]); err != nil || n != 0 {
		t.Fatalf("added again %d: %v", n, err)
	}
	got, err := db.PulledOrders()
	if err != nil || len(got) != 2 || got[0].ID != "ERP-1" {
		t.Fatalf("%+v %v", got, err)
	}
}

// A file of schema 1 gains the pulled-orders bucket when opened.
func TestMigrationFromSchema1AddsPulledOrders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kaipiao.db")
	db, _ := Open(path, Options{})
	db.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bPulled); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(keySchema, be64(1))
	})
	db.Close()
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.PutPulledOrders([]PulledOrder{{ID: "X"}}); err != nil {
		t.Fatal(err)
	}
}
