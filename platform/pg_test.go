package platform

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kaipiao/kaipiao/internal/pgtest"
	"github.com/kaipiao/kaipiao/upload"
)

// What one instance records, another sees: an envelope taken by one is a replay at the
// other (sent to both at once, exactly one takes it); an invoice uploaded through both at
// once is stored once and both answer with the receipt stored first; a device packet
// acknowledged by both gets one acknowledgement.
func TestInstancesShareReplayMemoryAndReceipts(t *testing.T) {
	insts := twoInstances(t)
	at := time.Now().UTC()
	for round := range 10 {
		id := fmt.Sprint("ENV-", round)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range insts {
			wg.Go(func() { <-start; errs[i] = insts[i].SeeEnvelope(id, at) })
		}
		close(start)
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) || !errors.Is(errors.Join(errs...), errReplay) {
			t.Fatalf("round %d: one envelope at two instances: %v", round, errs)
		}
	}

	var held [2][]*Stored
	errs := make([]error, 2)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range insts {
		wg.Go(func() {
			<-start
			var batch []*Stored
			for n := range 50 { // the same 50 invoices, each instance with its own receipts
				batch = append(batch, &Stored{Device: "661234567890", Code: "035022600111", Number: fmt.Sprintf("%08d", n+1),
					SellerTaxID: digitalTaxID, Digest: fmt.Sprint("d", n), Receipt: fmt.Appendf(nil, `"r%d-%d"`, i, n), Invoice: []byte(`{}`)})
			}
			var itemErrs []error
			held[i], itemErrs, errs[i] = insts[i].Upsert(fmt.Sprint("UP-", i), at, batch)
			if errs[i] == nil {
				errs[i] = errors.Join(itemErrs...)
			}
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for n := range 50 {
		if a, b := string(held[0][n].Receipt), string(held[1][n].Receipt); a != b {
			t.Fatalf("invoice %d: the instances answered receipts %s and %s", n+1, a, b)
		}
	}
	if c, err := insts[1].Count(); err != nil || c != 50 {
		t.Fatalf("count %d %v", c, err)
	}

	acks := make([][]byte, 2)
	start = make(chan struct{})
	for i := range insts {
		wg.Go(func() {
			<-start
			acks[i], errs[i] = insts[i].UploadAck("661234567890", 1, 7, func() ([]byte, error) { return fmt.Appendf(nil, "ack by %d", i), nil })
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil || string(acks[0]) != string(acks[1]) {
		t.Fatalf("one packet, acknowledgements %q and %q: %v", acks[0], acks[1], err)
	}
}

// Two instances started together on a new schema migrate it once; an instance older than
// the schema refuses to open it.
func TestMigrationsRunOnceAndRefuseANewerSchema(t *testing.T) {
	url := pgtest.Schema(t)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			pg, err := OpenPG(url)
			if err == nil {
				pg.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n, top int
	if err := conn.QueryRow(ctx, `SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &top); err != nil {
		t.Fatal(err)
	}
	if n != len(pgMigrations) || top != len(pgMigrations) {
		t.Fatalf("schema_migrations: %d rows up to %d, want %d", n, top, len(pgMigrations))
	}
	if _, err := conn.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, len(pgMigrations)+1); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenPG(url); err == nil || !strings.Contains(err.Error(), "newer kaipiao-platform") {
		t.Fatalf("a newer schema opened: %v", err)
	}
}

// Orders and audit anchors through two instances: an order posted at one is pulled at
// the other and acknowledged once however many instances the acknowledgement reaches;
// a workstation's first audit anchor sent to both at once is kept once, and a head
// going back is refused at either.
func TestInstancesShareOrdersAndAnchors(t *testing.T) {
	insts := twoInstances(t)
	at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	if added, err := insts[0].PutOrder(&Order{ID: "ERP-1", SellerTaxID: digitalTaxID, Order: []byte(`{"order_id":"ERP-1"}`), PostedAt: at}); err != nil || !added {
		t.Fatalf("put: %v %v", added, err)
	}
	if added, _ := insts[1].PutOrder(&Order{ID: "ERP-1", SellerTaxID: digitalTaxID, Order: []byte(`{}`), PostedAt: at}); added {
		t.Fatal("the same order added twice")
	}
	pending, err := insts[1].PendingOrders(digitalTaxID, 10)
	if err != nil || len(pending) != 1 || string(pending[0].Order) != `{"order_id":"ERP-1"}` {
		t.Fatalf("pending at the other instance: %+v %v", pending, err)
	}
	acked := make([]int, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range insts {
		wg.Go(func() { acked[i], errs[i] = insts[i].AckOrders(digitalTaxID, []string{"ERP-1"}, at) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil || acked[0]+acked[1] != 1 {
		t.Fatalf("acknowledged %v: %v", acked, err)
	}

	prev := make([]*upload.AuditAnchor, 2)
	for i := range insts {
		wg.Go(func() {
			prev[i], errs[i] = insts[i].AnchorAudit(digitalTaxID+"/661234567890", upload.AuditAnchor{Seq: 5, Hash: "h5"}, at)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil || (prev[0] == nil) == (prev[1] == nil) {
		t.Fatalf("first anchors: %v %v, %v", prev[0], prev[1], err)
	}
	if _, err := insts[1].AnchorAudit(digitalTaxID+"/661234567890", upload.AuditAnchor{Seq: 4, Hash: "h4"}, at); err == nil {
		t.Fatal("a head going back was taken")
	}
	if p, err := insts[0].AnchorAudit(digitalTaxID+"/661234567890", upload.AuditAnchor{Seq: 6, Hash: "h6"}, at); err != nil || p.Seq != 5 {
		t.Fatalf("anchor after: %+v %v", p, err)
	}
}
