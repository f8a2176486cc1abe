package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	bolt "go.etcd.io/bbolt"
)

// writeV4 puts records and intents in the layout of schema 4 (the invoice's CLI JSON
// form, hashes of version 1) into a store, and sets its schema back to 4.
func writeV4(t testing.TB, path string, recs map[uint64]invoice.Receipt, hashes map[string]string, intents []invoice.Intent) {
	t.Helper()
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = db.db.Update(func(tx *bolt.Tx) error {
		for id, r := range recs {
			// Schema 4's Record: json.Marshal of the invoice's JSON form.
			raw, err := json.Marshal(map[string]any{"invoice": r.Invoice, "counter": r.Counter,
				"payload_hash": hashes[r.Invoice.RequestID], "stored_at": t0, "sync": "queued"})
			if err != nil {
				return err
			}
			if err := tx.Bucket(bInvoices).Put(be64(id), raw); err != nil {
				return err
			}
			if err := tx.Bucket(bByRequest).Put([]byte(r.Invoice.RequestID), be64(id)); err != nil {
				return err
			}
		}
		for _, in := range intents {
			// Schema 4: invoice.Intent's JSON then, the draft in the CLI form.
			raw, err := json.Marshal(map[string]any{"request_id": in.RequestID, "order_id": in.OrderID,
				"payload_hash": in.PayloadHash, "expected_code": in.ExpectedCode, "expected_number": in.ExpectedNumber,
				"operator": in.Operator, "created": in.Created, "draft": in.Draft})
			if err != nil {
				return err
			}
			if err := tx.Bucket(bIntents).Put([]byte(in.RequestID), raw); err != nil {
				return err
			}
		}
		return tx.Bucket(bMeta).Put(keySchema, be64(4))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
}

// Migration 4 → 5 moves a record's and an open intent's version-1 hash to version 2
// when the stored invoice reproduces it, keeps it otherwise, and both still recognise
// their order: the same draft is the same payload, a changed one is not.
func TestMigrateV4HashesAndIntents(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kaipiao.db")
	good := issued("SO-1", 1, "甲公司", t0)
	odd := issued("SO-2", 2, "乙公司", t0)
	// odd's hash was made from a draft the stored invoice does not reproduce (a device
	// that changed a field, say): its version-1 hash must stay.
	oddDraft := *odd.Invoice
	oddDraft.Remark = "the draft said this"
	open := issued("SO-3", 3, "丙公司", t0).Invoice
	open.Issued = invoice.Issued{}
	writeV4(t, path, map[uint64]invoice.Receipt{1: good, 2: odd},
		map[string]string{"SO-1": invoice.PayloadHashV1(good.Invoice), "SO-2": invoice.PayloadHashV1(&oddDraft)},
		[]invoice.Intent{{RequestID: "SO-3", OrderID: "SO-3", PayloadHash: invoice.PayloadHashV1(open),
			ExpectedNumber: "00000003", Operator: "张三", Created: t0, Draft: open}})

	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check := func(req string, draft *invoice.Invoice, wantV2 bool) {
		t.Helper()
		inv, hash, found, err := db.IssuedFor(req)
		if err != nil || !found {
			t.Fatalf("%s: found %v, %v", req, found, err)
		}
		if inv.Lines[0].ShortName != "信息技术服务" {
			t.Errorf("%s: 简称 %q after migration", req, inv.Lines[0].ShortName)
		}
		if strings.HasPrefix(hash, "v2:") != wantV2 {
			t.Errorf("%s: hash %q, want version 2: %v", req, hash, wantV2)
		}
		if !invoice.SamePayload(hash, draft) {
			t.Errorf("%s: its own draft is not the same payload after migration", req)
		}
		changed := *draft
		changed.Buyer.Name += "x"
		if invoice.SamePayload(hash, &changed) {
			t.Errorf("%s: a changed draft passes as the same payload", req)
		}
	}
	check("SO-1", good.Invoice, true)
	check("SO-2", &oddDraft, false)

	in, err := db.Intent("SO-3")
	if err != nil {
		t.Fatal(err)
	}
	if in.PayloadHash != invoice.PayloadHash(open) || in.Draft == nil || in.Draft.Lines[0].ShortName != "信息技术服务" {
		t.Fatalf("intent after migration: hash %q, draft %+v", in.PayloadHash, in.Draft)
	}
	// The engine's next try of the same order writes the same intent: accepted as it is;
	// a changed order under the same request is a conflict.
	again := in
	again.PayloadHash = invoice.PayloadHash(open)
	if err := db.BeginIssue(again); err != nil {
		t.Fatalf("the same intent again: %v", err)
	}
	changed := *open
	changed.Remark = "changed"
	other := in
	other.Draft, other.PayloadHash = &changed, invoice.PayloadHash(&changed)
	if err := db.BeginIssue(other); !errors.Is(err, ErrIntentConflict) {
		t.Fatalf("a changed intent: %v, want ErrIntentConflict", err)
	}
}

// The migration rewrites a bucket a chunk at a time: every record of a store larger than
// one chunk comes through, once.
func TestMigrateV4ManyRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kaipiao.db")
	const n = 1100 // two chunk boundaries
	recs, hashes := map[uint64]invoice.Receipt{}, map[string]string{}
	for i := 1; i <= n; i++ {
		r := issued(fmt.Sprintf("SO-%d", i), i, "甲公司", t0)
		recs[uint64(i)] = r
		hashes[r.Invoice.RequestID] = invoice.PayloadHashV1(r.Invoice)
	}
	writeV4(t, path, recs, hashes, nil)
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.db.View(func(tx *bolt.Tx) error {
		seen := 0
		return errors.Join(tx.Bucket(bInvoices).ForEach(func(k, v []byte) error {
			seen++
			var j recordJSON
			if err := json.Unmarshal(v, &j); err != nil {
				return err
			}
			want := recs[u64(k)].Invoice
			if j.Invoice == nil || j.Invoice.V != invoiceRecordVersion || j.Invoice.RequestID != want.RequestID ||
				j.PayloadHash != invoice.PayloadHash(want) {
				return fmt.Errorf("record %d not migrated: %s", u64(k), v)
			}
			return nil
		}), func() error {
			if seen != n {
				return fmt.Errorf("%d records after migration, want %d", seen, n)
			}
			return nil
		}())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkMigrate5 opens a schema-4 store of 10,000 invoices: the one-off migration to
// schema 5 (every record decoded, re-hashed and rewritten, in one fsynced transaction).
func BenchmarkMigrate5(b *testing.B) {
	const n = 10000
	recs, hashes := map[uint64]invoice.Receipt{}, map[string]string{}
	for i := 1; i <= n; i++ {
		r := issued(fmt.Sprintf("SO-%d", i), i, "甲公司", t0)
		recs[uint64(i)] = r
		hashes[r.Invoice.RequestID] = invoice.PayloadHashV1(r.Invoice)
	}
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "kaipiao.db")
		writeV4(b, path, recs, hashes, nil)
		b.StartTimer()
		db, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n), "invoices/op")
}
