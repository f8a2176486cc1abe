package invoice_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/orderfile"
	"github.com/kaipiao/kaipiao/store"
)

// memDevice is an in-memory tax-control device for engine tests, with faults to inject.
// The serial client and the simulator are tested against each other in device/.
type memDevice struct {
	mu        sync.Mutex
	machine   string
	rolls     []string // codes of the rolls still to load
	code      string
	next      int // next number in the current roll
	remaining int
	rollSize  int
	journal   []invoice.Receipt
	byReq     map[string]int
	calls     int
	// Faults, by Issue call (1-based).
	loseAnswer map[int]bool  // issue, then lose the answer
	dropBefore map[int]bool  // lose the request: nothing issued
	refuseAt   map[int]error // refuse with this error
	lookupDown int           // this many Lookups fail before one succeeds
	// beforeIssue runs once, inside the next Issue, before the device looks at it.
	beforeIssue func()
}

func newMemDevice(rollSize int) *memDevice {
	d := &memDevice{machine: "661234567890", rollSize: rollSize, byReq: map[string]int{},
		rolls:      []string{"035022600111", "035022600211", "035022600311", "035022600411"},
		loseAnswer: map[int]bool{}, dropBefore: map[int]bool{}, refuseAt: map[int]error{}}
	d.loadRoll()
	return d
}

func (d *memDevice) loadRoll() {
	if len(d.rolls) == 0 {
		d.code, d.remaining = "", 0
		return
	}
	d.code, d.rolls, d.next, d.remaining = d.rolls[0], d.rolls[1:], 1, d.rollSize
}

func (d *memDevice) Machine() string { return d.machine }

func (d *memDevice) Limits(context.Context) (invoice.Limits, error) {
	return invoice.DefaultLimits, nil
}

func (d *memDevice) Next(context.Context, invoice.Kind) (invoice.NextNumber, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return invoice.NextNumber{Code: d.code, Number: fmt.Sprintf("%08d", d.next), Remaining: d.remaining}, nil
}

// issueLocked is what the device does on ISSUE: gapless numbers, the journal written
// with the number, a repeated request answered from the journal.
func (d *memDevice) issueLocked(requestID, code, number string, draft *invoice.Invoice) (invoice.Receipt, error) {
	if i, ok := d.byReq[requestID]; ok {
		return d.journal[i], nil
	}
	if d.code == "" {
		return invoice.Receipt{}, fmt.Errorf("stock exhausted: %w", invoice.ErrRefused)
	}
	if code != d.code || number != fmt.Sprintf("%08d", d.next) {
		return invoice.Receipt{}, fmt.Errorf("expected %s:%s, next is %s:%08d: %w", code, number, d.code, d.next, invoice.ErrNumberMismatch)
	}
	inv := *draft
	inv.Code, inv.Number, inv.Machine = d.code, number, d.machine
	inv.IssuedAt = time.Date(2026, 11, 26, 9, 0, len(d.journal), 0, time.UTC)
	inv.CheckCode = fmt.Sprintf("%020d", len(d.journal)+1)
	inv.Signature = []byte{0x08, 0x19}
	r := invoice.Receipt{Invoice: &inv, Counter: uint64(len(d.journal) + 1)}
	d.journal = append(d.journal, r)
	d.byReq[requestID] = len(d.journal) - 1
	d.next++
	if d.remaining--; d.remaining == 0 {
		d.loadRoll()
	}
	return r, nil
}

func (d *memDevice) Issue(ctx context.Context, requestID, code, number string, draft *invoice.Invoice) (invoice.Receipt, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls++
	if f := d.beforeIssue; f != nil {
		d.beforeIssue = nil
		f()
	}
	if err := d.refuseAt[d.calls]; err != nil {
		return invoice.Receipt{}, err
	}
	if d.dropBefore[d.calls] {
		return invoice.Receipt{}, fmt.Errorf("no answer: %w", invoice.ErrOutcomeUnknown)
	}
	r, err := d.issueLocked(requestID, code, number, draft)
	if err == nil && d.loseAnswer[d.calls] {
		return invoice.Receipt{}, fmt.Errorf("answer lost: %w", invoice.ErrOutcomeUnknown)
	}
	// As the serial client does: a context cancelled while the command is out means the
	// device may have done it, but its answer is not waited for.
	if err == nil && ctx.Err() != nil {
		return invoice.Receipt{}, fmt.Errorf("%w: %w", invoice.ErrOutcomeUnknown, ctx.Err())
	}
	return r, err
}

func (d *memDevice) Lookup(ctx context.Context, requestID string) (invoice.Receipt, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return invoice.Receipt{}, false, err
	}
	if d.lookupDown > 0 {
		d.lookupDown--
		return invoice.Receipt{}, false, errors.New("link down")
	}
	i, ok := d.byReq[requestID]
	if !ok {
		return invoice.Receipt{}, false, nil
	}
	return d.journal[i], true, nil
}

func (d *memDevice) Journal(_ context.Context, from uint64, n int) ([]invoice.Receipt, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if from < 1 || int(from) > len(d.journal) {
		return nil, nil
	}
	end := min(int(from)-1+n, len(d.journal))
	return append([]invoice.Receipt{}, d.journal[from-1:end]...), nil
}

var codes = func() *invoice.TaxCodes {
	c, err := invoice.ParseTaxCodes(bytes.NewReader(assets.TaxCodesCSV()), assets.TaxCodesVersion)
	if err != nil {
		panic(err)
	}
	return c
}()

func newEngine(t *testing.T, dev *memDevice) (*invoice.Engine, *store.DB) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "kaipiao.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &invoice.Engine{Device: dev, Store: db, Codes: codes, Operator: "张三", ResolveWait: time.Millisecond,
		Seller: invoice.Party{Name: "厦门开票科技有限公司", TaxID: "91350200776049653A"}}, db
}

func example(t *testing.T, name string) *invoice.Order {
	t.Helper()
	data, err := os.ReadFile("../docs/examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	orders, err := orderfile.DecodeOrders(data)
	if err != nil {
		t.Fatal(err)
	}
	return orders[0]
}

func order(id string, amount string) *invoice.Order {
	return &invoice.Order{OrderID: id, Buyer: invoice.OrderBuyer{Name: "示例公司"},
		Lines: []invoice.OrderLine{{Name: "软件开发服务", TaxCode: "3040201010000000000", Amount: amount, TaxRate: "0.06"}}}
}

// agree checks the invariant: the device's journal and the store hold the same
// invoices, each once, numbers gapless per roll.
func agree(t *testing.T, dev *memDevice, db *store.DB) {
	t.Helper()
	n, _ := db.Count()
	if n != len(dev.journal) {
		t.Fatalf("the store holds %d invoices, the device issued %d", n, len(dev.journal))
	}
	seen := map[string]bool{}
	for _, r := range dev.journal {
		rec, err := db.ByRequest(r.Invoice.RequestID)
		if err != nil || rec.Invoice.Code != r.Invoice.Code || rec.Invoice.Number != r.Invoice.Number {
			t.Fatalf("request %s: device %s:%s, store %v %v", r.Invoice.RequestID, r.Invoice.Code, r.Invoice.Number, rec, err)
		}
		key := r.Invoice.Code + r.Invoice.Number
		if seen[key] {
			t.Fatalf("%s issued twice", key)
		}
		seen[key] = true
	}
	if open, _ := db.OpenIntents(); len(open) != 0 {
		t.Fatalf("%d intents left open", len(open))
	}
}

func TestIssueAndReplay(t *testing.T) {
	dev := newMemDevice(1000)
	eng, db := newEngine(t, dev)
	ctx := context.Background()
	outs, err := eng.Issue(ctx, example(t, "01-software-service.json"))
	if err != nil || len(outs) != 1 || outs[0].Replayed || outs[0].Invoice.Number != "00000001" {
		t.Fatalf("%+v %v", outs, err)
	}
	if outs[0].Invoice.Seller.Name != "厦门开票科技有限公司" || outs[0].Invoice.Totals().Total != 1007000 {
		t.Errorf("issued %+v", outs[0].Invoice)
	}
	again, err := eng.Issue(ctx, example(t, "01-software-service.json"))
	if err != nil || !again[0].Replayed || again[0].Invoice.Number != "00000001" {
		t.Fatalf("replay: %+v %v", again, err)
	}
	// Over the limit: three invoices, each issued once; the same again replays all three.
	outs, err = eng.Issue(ctx, example(t, "06-over-limit-one-line.json"))
	if err != nil || len(outs) != 3 {
		t.Fatalf("%d %v", len(outs), err)
	}
	again, err = eng.Issue(ctx, example(t, "06-over-limit-one-line.json"))
	if err != nil || len(again) != 3 || !again[2].Replayed {
		t.Fatalf("replay of a split order: %v", err)
	}
	agree(t, dev, db)
}

func TestChangedOrderIsRefused(t *testing.T) {
	dev := newMemDevice(1000)
	eng, _ := newEngine(t, dev)
	ctx := context.Background()
	if _, err := eng.Issue(ctx, order("SO-1", "100.00")); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Issue(ctx, order("SO-1", "200.00")); !errors.Is(err, invoice.ErrOrderChanged) {
		t.Fatalf("want ErrOrderChanged, got %v", err)
	}
}

func TestRuleErrorsIssueNothing(t *testing.T) {
	dev := newMemDevice(1000)
	eng, db := newEngine(t, dev)
	_, err := eng.Issue(context.Background(), example(t, "e05-bad-tax-code.json"))
	var errs invoice.Errors
	if !errors.As(err, &errs) || len(dev.journal) != 0 {
		t.Fatalf("want rule errors and nothing issued, got %v", err)
	}
	agree(t, dev, db)
}

func TestLostAnswerIsResolvedByRequestID(t *testing.T) {
	dev := newMemDevice(1000)
	dev.loseAnswer[2] = true
	dev.lookupDown = 2 // and the link stays down for two look-ups
	eng, db := newEngine(t, dev)
	ctx := context.Background()
	for i := 1; i <= 3; i++ {
		if _, err := eng.Issue(ctx, order(fmt.Sprintf("SO-%d", i), "100.00")); err != nil {
			t.Fatalf("SO-%d: %v", i, err)
		}
	}
	agree(t, dev, db)
	if rec, _ := db.ByRequest("SO-2"); rec.Invoice.Number != "00000002" {
		t.Errorf("SO-2 took %s", rec.Invoice.Number)
	}
}

func TestLostRequestIsNotIssuedAndNumbersStayGapless(t *testing.T) {
	dev := newMemDevice(1000)
	dev.dropBefore[1] = true
	eng, db := newEngine(t, dev)
	ctx := context.Background()
	_, err := eng.Issue(ctx, order("SO-1", "100.00"))
	if err == nil || errors.Is(err, invoice.ErrOutcomeUnknown) {
		t.Fatalf("a request the device never received is a plain failure, got %v", err)
	}
	if outs, err := eng.Issue(ctx, order("SO-1", "100.00")); err != nil || outs[0].Invoice.Number != "00000001" {
		t.Fatalf("the retry takes number 1: %+v %v", outs, err)
	}
	agree(t, dev, db)
}

func TestUnresolvableOutcomeLeavesTheIntentForReconciliation(t *testing.T) {
	dev := newMemDevice(1000)
	dev.loseAnswer[1] = true
	dev.lookupDown = 100
	eng, db := newEngine(t, dev)
	ctx := context.Background()
	_, err := eng.Issue(ctx, order("SO-1", "100.00"))
	if !errors.Is(err, invoice.ErrOutcomeUnknown) {
		t.Fatalf("want ErrOutcomeUnknown, got %v", err)
	}
	if open, _ := db.OpenIntents(); len(open) != 1 {
		t.Fatal("the intent must stay open")
	}
	dev.lookupDown = 0 // the device is back
	rep, err := eng.Reconcile(ctx, false)
	if err != nil || rep.ResolvedIntents != 1 || len(rep.Mismatches) != 0 {
		t.Fatalf("%+v %v", rep, err)
	}
	agree(t, dev, db)
}

func TestRefusalLeavesNothingHalfWritten(t *testing.T) {
	dev := newMemDevice(1000)
	dev.refuseAt[1] = fmt.Errorf("离线开票金额已达上限: %w", invoice.ErrRefused)
	eng, db := newEngine(t, dev)
	_, err := eng.Issue(context.Background(), order("SO-1", "100.00"))
	if !errors.Is(err, invoice.ErrRefused) {
		t.Fatalf("want ErrRefused, got %v", err)
	}
	agree(t, dev, db)
	log, _ := db.AuditLog(1, 10)
	if len(log) != 1 || log[0].Action != "abandon" {
		t.Fatalf("the refusal is in the audit log: %+v", log)
	}
}

// issueElsewhere has the device issue an invoice this engine does not know of: another
// workstation on the same device, or a crash between the device's answer and the commit.
func issueElsewhere(t *testing.T, dev *memDevice, id string) {
	t.Helper()
	checked, errs := invoice.Check(order(id, "50.00"), invoice.Config{Codes: codes, Limits: invoice.DefaultLimits})
	if errs != nil {
		t.Fatal(errs)
	}
	if _, err := dev.issueLocked(id, dev.code, fmt.Sprintf("%08d", dev.next), checked.Parts[0]); err != nil {
		t.Fatal(err)
	}
}

func TestReconcileImportsWhatTheDeviceIssuedBehindTheStore(t *testing.T) {
	dev := newMemDevice(1000)
	eng, db := newEngine(t, dev)
	ctx := context.Background()
	issueElsewhere(t, dev, "ELSEWHERE-1")
	issueElsewhere(t, dev, "ELSEWHERE-2")
	rep, err := eng.Reconcile(ctx, false) // as at start-up
	if err != nil || rep.Imported != 2 || rep.DeviceCount != 2 {
		t.Fatalf("%+v %v", rep, err)
	}
	if rec, err := db.ByRequest("ELSEWHERE-2"); err != nil || !rec.Imported {
		t.Fatalf("%+v %v", rec, err)
	}
	// Reconciling again finds nothing new; a full pass checks the whole journal.
	if rep, _ := eng.Reconcile(ctx, false); rep.Imported != 0 {
		t.Fatalf("second pass imported %d", rep.Imported)
	}
	if rep, _ := eng.Reconcile(ctx, true); rep.Imported != 0 || rep.DeviceCount != 2 || len(rep.Mismatches) != 0 {
		t.Fatalf("full pass %+v", rep)
	}
	agree(t, dev, db)
}

func TestANumberTakenMeanwhileIsReconciledAndTheIssueGoesOn(t *testing.T) {
	dev := newMemDevice(1000)
	eng, db := newEngine(t, dev)
	ctx := context.Background()
	dev.beforeIssue = func() { issueElsewhere(t, dev, "ELSEWHERE") }
	outs, err := eng.Issue(ctx, order("SO-1", "100.00"))
	if err != nil || outs[0].Invoice.Number != "00000002" {
		t.Fatalf("%+v %v", outs, err)
	}
	if rec, err := db.ByRequest("ELSEWHERE"); err != nil || !rec.Imported {
		t.Fatalf("the invoice issued meanwhile must be imported: %+v %v", rec, err)
	}
	agree(t, dev, db)
}

func TestBatchAcrossRolls(t *testing.T) {
	dev := newMemDevice(7) // rolls of 7 numbers: the batch crosses three
	eng, db := newEngine(t, dev)
	eng.BatchWindow = 5
	ctx := context.Background()
	var orders []*invoice.Order
	for i := 0; i < 20; i++ {
		orders = append(orders, order(fmt.Sprintf("SO-%02d", i), "100.00"))
	}
	dev.loseAnswer[9] = true
	for _, o := range orders {
		if _, err := eng.Issue(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	agree(t, dev, db)
	if len(dev.journal) != 20 || dev.journal[7].Invoice.Code != "035022600211" || dev.journal[7].Invoice.Number != "00000001" {
		t.Fatalf("journal %d, 8th %s:%s", len(dev.journal), dev.journal[7].Invoice.Code, dev.journal[7].Invoice.Number)
	}
}

func TestStockExhausted(t *testing.T) {
	dev := newMemDevice(1)
	dev.rolls = dev.rolls[:0]
	eng, db := newEngine(t, dev)
	ctx := context.Background()
	if _, err := eng.Issue(ctx, order("SO-1", "100.00")); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Issue(ctx, order("SO-2", "100.00")); !errors.Is(err, invoice.ErrRefused) {
		t.Fatalf("want ErrRefused for no stock, got %v", err)
	}
	agree(t, dev, db)
}

func TestRedInvoices(t *testing.T) {
	dev := newMemDevice(1000)
	eng, db := newEngine(t, dev)
	ctx := context.Background()
	outs, err := eng.Issue(ctx, example(t, "02-computers-tax-inclusive.json"))
	if err != nil {
		t.Fatal(err)
	}
	blue := outs[0].Invoice
	red := func(id string, lines ...invoice.RedLineRequest) (*invoice.Invoice, error) {
		o := &invoice.Order{OrderID: id, RedOf: &invoice.RedRequest{Code: blue.Code, Number: blue.Number, Lines: lines}}
		outs, err := eng.Issue(ctx, o)
		if err != nil {
			return nil, err
		}
		return outs[0].Invoice, nil
	}
	r1, err := red("R-1", invoice.RedLineRequest{Line: 1, Quantity: "1"})
	if err != nil || r1.Totals().Amount != -500000 || r1.Red.Number != blue.Number {
		t.Fatalf("partial red: %+v %v", r1, err)
	}
	if _, err := red("R-2", invoice.RedLineRequest{Line: 1, Quantity: "2"}); err == nil {
		t.Fatal("reversing 2 of the 1 laptop left must be refused")
	}
	r3, err := red("R-3")
	if err != nil {
		t.Fatal(err)
	}
	if got := r1.Totals().Total + r3.Totals().Total; got != -blue.Totals().Total {
		t.Errorf("the reds reverse %s of %s", got, blue.Totals().Total)
	}
	if again, err := red("R-3"); err != nil || again.Number != r3.Number {
		t.Fatalf("a repeated red order replays: %v", err)
	}
	// The same red order ID asking for something else is refused, not answered with
	// the earlier red invoice.
	if again, err := red("R-1", invoice.RedLineRequest{Line: 1, Quantity: "1"}); err != nil || again.Number != r1.Number {
		t.Fatalf("the same partial request replays: %v", err)
	}
	if _, err := red("R-1", invoice.RedLineRequest{Line: 2, Quantity: "1"}); !errors.Is(err, invoice.ErrOrderChanged) {
		t.Fatalf("a different request under R-1: want ErrOrderChanged, got %v", err)
	}
	if _, err := red("R-4"); err == nil {
		t.Fatal("nothing is left to reverse")
	}
	o := &invoice.Order{OrderID: "R-5", RedOf: &invoice.RedRequest{Code: "035020026011", Number: "99999999"}}
	if _, err := eng.Issue(ctx, o); !errors.Is(err, invoice.ErrBlueNotFound) {
		t.Fatalf("want ErrBlueNotFound, got %v", err)
	}
	agree(t, dev, db)
}

func TestIssueBatch(t *testing.T) {
	dev := newMemDevice(1000)
	eng, db := newEngine(t, dev)
	eng.BatchWindow = 8
	ctx := context.Background()
	orders := []*invoice.Order{example(t, "01-software-service.json"), example(t, "e01-bad-credit-code.json"),
		example(t, "06-over-limit-one-line.json")}
	for i := 0; i < 30; i++ {
		orders = append(orders, order(fmt.Sprintf("B-%02d", i), "10.00"))
	}
	dev.loseAnswer[5] = true
	var results []invoice.BatchResult
	if err := eng.IssueBatch(ctx, orders, func(r invoice.BatchResult) { results = append(results, r) }); err != nil {
		t.Fatal(err)
	}
	if len(results) != len(orders) {
		t.Fatalf("%d results for %d orders", len(results), len(orders))
	}
	var errs invoice.Errors
	if !errors.As(results[1].Err, &errs) || results[0].Err != nil || len(results[2].Outcomes) != 3 {
		t.Fatalf("results %+v", results[:3])
	}
	for i, r := range results {
		if i != 1 && (r.Err != nil || len(r.Outcomes) == 0 || r.Outcomes[0].Invoice.OrderID != r.Order.OrderID) {
			t.Fatalf("order %d: %+v", i, r)
		}
	}
	agree(t, dev, db)
	// The same batch again replays every invoice.
	eng.IssueBatch(ctx, orders, func(r invoice.BatchResult) {
		for _, o := range r.Outcomes {
			if !o.Replayed {
				t.Errorf("%s issued again", o.Invoice.RequestID)
			}
		}
	})
	agree(t, dev, db)
}

func TestIssueBatchCancelledBetweenInvoices(t *testing.T) {
	dev := newMemDevice(1000)
	eng, db := newEngine(t, dev)
	ctx, cancel := context.WithCancel(context.Background())
	var orders []*invoice.Order
	for i := 0; i < 20; i++ {
		orders = append(orders, order(fmt.Sprintf("C-%02d", i), "10.00"))
	}
	n := 0
	err := eng.IssueBatch(ctx, orders, func(r invoice.BatchResult) {
		if r.Err == nil {
			n++
		}
	})
	if err != nil || n != 20 {
		t.Fatalf("uncancelled: %v %d", err, n)
	}
	more := []*invoice.Order{}
	for i := 0; i < 20; i++ {
		more = append(more, order(fmt.Sprintf("D-%02d", i), "10.00"))
	}
	eng.BatchWindow = 4
	issued := 0
	err = eng.IssueBatch(ctx, more, func(r invoice.BatchResult) {
		if r.Err == nil {
			issued++
			if issued == 6 {
				cancel()
			}
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	agree(t, dev, db)
}

// A cancel that arrives while the device is issuing lets that invoice finish and be
// stored; the batch stops before the next one, and no request is left open.
func TestCancelDuringADeviceCommandLosesNothing(t *testing.T) {
	dev := newMemDevice(1000)
	eng, db := newEngine(t, dev)
	ctx, cancel := context.WithCancel(context.Background())
	dev.beforeIssue = cancel // the user cancels while the first ISSUE is on the wire
	var orders []*invoice.Order
	for i := 0; i < 10; i++ {
		orders = append(orders, order(fmt.Sprintf("K-%02d", i), "10.00"))
	}
	err := eng.IssueBatch(ctx, orders, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if len(dev.journal) != 1 {
		t.Fatalf("the device issued %d, want the one in flight", len(dev.journal))
	}
	agree(t, dev, db)
}

// docs/rules.md "Invoice code": the engine issues an invoice only on a code of its own
// kind — an e-special order offered an e-ordinary roll (…11) is refused before the
// device is asked, nothing issued, nothing left open.
func TestEngineRefusesACodeOfAnotherKind(t *testing.T) {
	dev := newMemDevice(10) // its rolls are all e-ordinary
	eng, db := newEngine(t, dev)
	o := order("SP-1", "100.00")
	o.Type = "e-special"
	o.Buyer = invoice.OrderBuyer{Name: "示例公司", TaxID: "91350200776049653A", AddressPhone: "厦门 0592-1", BankAccount: "中国银行 1"}
	_, err := eng.Issue(context.Background(), o)
	if !errors.Is(err, invoice.ErrRefused) || !strings.Contains(err.Error(), "电子专用发票") {
		t.Fatalf("want a refusal naming 电子专用发票, got %v", err)
	}
	if len(dev.journal) != 0 {
		t.Fatalf("the device issued %d invoices", len(dev.journal))
	}
	agree(t, dev, db)
}

// A replay after the printed name's rule changed — here a newer code table gives the
// same tax code another 简称, so the printed *简称*名称 and the table's version differ —
// is still the same order: the canonical payload holds neither.
func TestReplayAfterThePrintedNameChanged(t *testing.T) {
	dev := newMemDevice(1000)
	eng, db := newEngine(t, dev)
	ctx := context.Background()
	first, err := eng.Issue(ctx, order("SO-1", "100.00"))
	if err != nil {
		t.Fatal(err)
	}
	if got := first[0].Invoice.Lines[0].PrintedName(); got != "*信息技术服务*软件开发服务" {
		t.Fatalf("printed name %q", got)
	}
	renamed := bytes.ReplaceAll(assets.TaxCodesCSV(), []byte("信息技术服务"), []byte("信息服务"))
	newer, err := invoice.ParseTaxCodes(bytes.NewReader(renamed), "2099-01-01")
	if err != nil {
		t.Fatal(err)
	}
	eng.Codes = newer
	// The draft the order makes now prints differently…
	c, errs := invoice.Check(order("SO-1", "100.00"), invoice.Config{Codes: newer, Limits: invoice.DefaultLimits,
		Seller: eng.Seller, Operator: eng.Operator})
	if errs != nil || c.Invoice.Lines[0].PrintedName() != "*信息服务*软件开发服务" || c.Invoice.TaxCodeVersion != "2099-01-01" {
		t.Fatalf("the newer table's draft: %+v %v", c, errs)
	}
	// …and still replays.
	again, err := eng.Issue(ctx, order("SO-1", "100.00"))
	if err != nil || !again[0].Replayed || again[0].Invoice.Number != first[0].Invoice.Number {
		t.Fatalf("replay after the 简称 changed: %+v %v", again, err)
	}
	if _, err := eng.Issue(ctx, order("SO-1", "100.01")); !errors.Is(err, invoice.ErrOrderChanged) {
		t.Fatalf("a changed amount: %v, want ErrOrderChanged", err)
	}
	agree(t, dev, db)
}
