package store

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	bolt "go.etcd.io/bbolt"
)

func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "kaipiao.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var t0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// issued makes an issued invoice: request ID, code/number, buyer, one line.
func issued(req string, n int, buyer string, at time.Time) invoice.Receipt {
	inv := &invoice.Invoice{RequestID: req, OrderID: req, Kind: invoice.KindOrdinary,
		Buyer: invoice.Party{Name: buyer, TaxID: "91350200776049653A"},
		Lines: []invoice.Line{{Name: "服务", ShortName: "信息技术服务", TaxCode: "3040201010000000000",
			Amount: invoice.Money(10000 + n), Rate: invoice.Rate6, Tax: invoice.Rate6.TaxOn(invoice.Money(10000 + n))}}}
	inv.Code, inv.Number, inv.IssuedAt = "035020026011", fmt.Sprintf("%08d", n), at
	inv.CheckCode, inv.Machine = "12345678901234567890", "661234567890"
	return invoice.Receipt{Invoice: inv, Counter: uint64(n)}
}

func intentFor(is invoice.Receipt) invoice.Intent {
	return invoice.Intent{RequestID: is.Invoice.RequestID, OrderID: is.Invoice.OrderID, PayloadHash: "h-" + is.Invoice.RequestID,
		ExpectedCode: is.Invoice.Code, ExpectedNumber: is.Invoice.Number, Operator: "张三", Draft: is.Invoice}
}

func TestIssueLifecycle(t *testing.T) {
	db := openTemp(t)
	is := issued("SO-1", 1, "厦门示例科技有限公司", t0)
	if err := db.BeginIssue(intentFor(is)); err != nil {
		t.Fatal(err)
	}
	// The same intent again is fine; a different payload under the same request is not.
	if err := db.BeginIssue(intentFor(is)); err != nil {
		t.Fatal(err)
	}
	other := intentFor(is)
	other.PayloadHash = "different"
	if err := db.BeginIssue(other); !errors.Is(err, ErrIntentConflict) {
		t.Fatalf("want ErrIntentConflict, got %v", err)
	}
	if open, _ := db.OpenIntents(); len(open) != 1 || open[0].Operator != "张三" {
		t.Fatalf("open intents %+v", open)
	}
	if err := db.CommitIssued(is); err != nil {
		t.Fatal(err)
	}
	if open, _ := db.OpenIntents(); len(open) != 0 {
		t.Fatalf("the intent must close with the commit: %+v", open)
	}
	for _, get := range []func() (*Record, error){
		func() (*Record, error) { return db.ByRequest("SO-1") },
		func() (*Record, error) { return db.ByNumber("035020026011", "00000001") },
	} {
		rec, err := get()
		if err != nil || rec.Invoice.Totals() != is.Invoice.Totals() || rec.Sync != SyncQueued || rec.Counter != 1 {
			t.Fatalf("%+v %v", rec, err)
		}
	}
	// Committing again is idempotent; a second invoice for the same request is a conflict.
	if err := db.CommitIssued(is); err != nil {
		t.Fatal(err)
	}
	dup := issued("SO-1", 2, "x", t0)
	if err := db.CommitIssued(dup); !errors.Is(err, ErrIssuedConflict) {
		t.Fatalf("want ErrIssuedConflict, got %v", err)
	}
	if err := db.BeginIssue(intentFor(is)); !errors.Is(err, ErrIssuedConflict) {
		t.Fatalf("an issued request takes no new intent: %v", err)
	}
	if n, _ := db.Count(); n != 1 {
		t.Fatalf("count %d", n)
	}
	if _, err := db.ByRequest("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("want ErrNotFound, got %v", err)
	}
}

func TestAbandonIntent(t *testing.T) {
	db := openTemp(t)
	is := issued("SO-1", 1, "x", t0)
	db.BeginIssue(intentFor(is))
	if err := db.AbandonIntent("SO-1", "张三", "stock exhausted"); err != nil {
		t.Fatal(err)
	}
	if open, _ := db.OpenIntents(); len(open) != 0 {
		t.Fatal("intent still open")
	}
	log, _ := db.AuditLog(1, 10)
	if len(log) != 1 || log[0].Action != "abandon" || log[0].Detail != "stock exhausted" {
		t.Fatalf("audit %+v", log)
	}
}

func TestSplitOrderAndReds(t *testing.T) {
	db := openTemp(t)
	a, b := issued("SO-9#1", 1, "x", t0), issued("SO-9#2", 2, "x", t0.Add(time.Second))
	a.Invoice.OrderID, b.Invoice.OrderID = "SO-9", "SO-9"
	red := issued("R-1", 3, "x", t0.Add(time.Minute))
	red.Invoice.Red = &invoice.RedLink{Code: a.Invoice.Code, Number: a.Invoice.Number, Reason: invoice.ReasonError}
	if err := db.ImportIssued(a, b, red); err != nil {
		t.Fatal(err)
	}
	parts, err := db.ByOrder("SO-9")
	if err != nil || len(parts) != 2 || parts[0].Invoice.RequestID != "SO-9#1" || !parts[0].Imported {
		t.Fatalf("%+v %v", parts, err)
	}
	if other, _ := db.ByOrder("SO-"); len(other) != 0 {
		t.Fatal("an order ID prefix must not match")
	}
	reds, err := db.RedsOf(a.Invoice.Code, a.Invoice.Number)
	if err != nil || len(reds) != 1 || reds[0].RequestID != "R-1" {
		t.Fatalf("reds %v %v", reds, err)
	}
}

func TestListNewestFirstWithFiltersAndPages(t *testing.T) {
	db := openTemp(t)
	var all []invoice.Receipt
	for i := 1; i <= 25; i++ {
		buyer := "厦门示例科技有限公司"
		if i%5 == 0 {
			buyer = "深圳示例贸易有限公司"
		}
		all = append(all, issued(fmt.Sprintf("SO-%d", i), i, buyer, t0.Add(time.Duration(i)*time.Hour)))
	}
	if err := db.ImportIssued(all...); err != nil {
		t.Fatal(err)
	}
	page, err := db.List(Query{Limit: 10})
	if err != nil || len(page.Records) != 10 || page.Records[0].Invoice.RequestID != "SO-25" || page.Cursor == "" {
		t.Fatalf("first page: %v", err)
	}
	seen := map[string]bool{}
	for q := (Query{Limit: 10}); ; {
		p, err := db.List(q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			if seen[r.Invoice.RequestID] {
				t.Fatalf("%s listed twice", r.Invoice.RequestID)
			}
			seen[r.Invoice.RequestID] = true
		}
		if p.Cursor == "" {
			break
		}
		q.Before = p.Cursor
	}
	if len(seen) != 25 {
		t.Fatalf("pages covered %d invoices", len(seen))
	}
	page, _ = db.List(Query{Buyer: "深圳"})
	if len(page.Records) != 5 || page.Records[0].Invoice.RequestID != "SO-25" {
		t.Fatalf("buyer search: %d", len(page.Records))
	}
	page, _ = db.List(Query{From: t0.Add(10 * time.Hour), To: t0.Add(13 * time.Hour)})
	if len(page.Records) != 3 || page.Records[0].Invoice.RequestID != "SO-12" {
		t.Fatalf("date range: %d", len(page.Records))
	}
	page, _ = db.List(Query{Number: "00000007"})
	if len(page.Records) != 1 || page.Records[0].Invoice.RequestID != "SO-7" {
		t.Fatalf("by number: %d", len(page.Records))
	}
	page, _ = db.List(Query{Number: "035020026011:00000008"})
	if len(page.Records) != 1 {
		t.Fatalf("by code:number: %d", len(page.Records))
	}
	red := true
	if page, _ = db.List(Query{Red: &red}); len(page.Records) != 0 {
		t.Fatal("no red invoices stored")
	}
}

func TestOutbox(t *testing.T) {
	db := openTemp(t)
	db.ImportIssued(issued("A", 1, "x", t0), issued("B", 2, "x", t0))
	pending, _ := db.Pending(10)
	if len(pending) != 2 {
		t.Fatalf("pending %d", len(pending))
	}
	if err := db.Ack(pending[0].ID, []byte("signed receipt"), t0); err != nil {
		t.Fatal(err)
	}
	if err := db.DeadLetter(pending[1].ID, "certificate expired"); err != nil {
		t.Fatal(err)
	}
	if q, d, _ := db.PendingCount(); q != 0 || d != 1 {
		t.Fatalf("queued %d dead %d", q, d)
	}
	rec, _ := db.ByRequest("A")
	if rec.Sync != SyncAcked || string(rec.Ack) != "signed receipt" {
		t.Fatalf("%+v", rec)
	}
	if dead, _ := db.DeadLetters(); len(dead) != 1 || dead[0].SyncError != "certificate expired" {
		t.Fatalf("dead letters %+v", dead)
	}
	if err := db.Retry(pending[1].ID, "张三"); err != nil {
		t.Fatal(err)
	}
	if q, d, _ := db.PendingCount(); q != 1 || d != 0 {
		t.Fatalf("after retry: queued %d dead %d", q, d)
	}
}

func TestFileModeAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kaipiao.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.SetSeller(invoice.Party{Name: "厦门开票科技有限公司", TaxID: "91350200776049653A"}, "admin")
	db.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if p, _ := db.Seller(); p.Name != "厦门开票科技有限公司" {
		t.Errorf("seller %+v", p)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kaipiao.db")
	db, _ := Open(path, Options{})
	db.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(keySchema, be64(SchemaVersion+1)) })
	db.Close()
	if _, err := Open(path, Options{}); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("want ErrNewerSchema, got %v", err)
	}
}

// A second process opening the same data gets ErrLocked instead of waiting forever.
func TestSecondProcessIsToldTheStoreIsOpen(t *testing.T) {
	if path := os.Getenv("KAIPIAO_STORE_LOCK_CHILD"); path != "" {
		_, err := Open(path, Options{LockTimeout: 300 * time.Millisecond})
		if errors.Is(err, ErrLocked) {
			os.Exit(3)
		}
		os.Exit(0)
	}
	db := openTemp(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecondProcessIsToldTheStoreIsOpen$")
	cmd.Env = append(os.Environ(), "KAIPIAO_STORE_LOCK_CHILD="+db.Path())
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("the child should get ErrLocked (exit 3), got %v", err)
	}
}

func TestBuyerSearchPagesNewestFirst(t *testing.T) {
	db := openTemp(t)
	var all []invoice.Receipt
	for i := 1; i <= 30; i++ {
		buyer := []string{"厦门示例科技有限公司", "厦门另一家公司", "深圳示例贸易有限公司"}[i%3]
		all = append(all, issued(fmt.Sprintf("SO-%d", i), i, buyer, t0.Add(time.Duration(i)*time.Minute)))
	}
	db.ImportIssued(all...)
	var got []string
	for q := (Query{Buyer: "厦门", Limit: 7}); ; {
		p, err := db.List(q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			got = append(got, r.Invoice.RequestID)
		}
		if p.Cursor == "" {
			break
		}
		q.Before = p.Cursor
	}
	if len(got) != 20 {
		t.Fatalf("%d invoices of the two 厦门 buyers, want 20: %v", len(got), got)
	}
	for i := 1; i < len(got); i++ {
		a, _ := db.ByRequest(got[i-1])
		b, _ := db.ByRequest(got[i])
		if !a.Invoice.IssuedAt.After(b.Invoice.IssuedAt) {
			t.Fatalf("not newest first at %d: %v", i, got)
		}
	}
	// A tax ID matches too, and a date range narrows the search.
	p, _ := db.List(Query{Buyer: "91350200776049653A", From: t0.Add(10 * time.Minute), To: t0.Add(20 * time.Minute)})
	if len(p.Records) != 10 {
		t.Fatalf("tax ID and dates: %d", len(p.Records))
	}
}
