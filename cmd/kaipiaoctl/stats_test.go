package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/export"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/workstation"
)

// monthRig is the real simulator on a pseudo-terminal with a clock the test moves, and
// an engine over a real store.
type monthRig struct {
	clock  *sim.Clock
	client *device.Client
	db     *store.DB
	engine *invoice.Engine
}

func newMonthRig(t *testing.T, start time.Time) *monthRig {
	t.Helper()
	dir := t.TempDir()
	clock := &sim.Clock{}
	clock.Set(start)
	running, err := sim.StartPTY(sim.Config{StatePath: filepath.Join(dir, "devsim.db"), SellerTaxID: crashSellerTaxID,
		OfflineHours: 24 * 60, OfflineAmount: invoice.MaxLineAmount, Seed: 8, Clock: clock}, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	client, err := device.Dial(ctx, device.SerialConfig{Path: running.PTY.Path}, device.Options{})
	if err != nil {
		running.Close()
		t.Fatal(err)
	}
	if err := client.VerifyPIN(ctx, sim.DefaultPIN); err != nil {
		t.Fatal(err)
	}
	r := &monthRig{clock: clock, client: client}
	r.db, r.engine = r.storeEngine(t, filepath.Join(dir, workstation.StoreFile))
	t.Cleanup(func() { client.Close(); running.Close(); r.db.Close() })
	return r
}

func (r *monthRig) storeEngine(t *testing.T, path string) (*store.DB, *invoice.Engine) {
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	codes, _ := loadTaxCodes()
	return db, &invoice.Engine{Device: device.EngineDevice{Client: r.client}, Store: db, Codes: codes, Operator: "统计测试",
		Seller: invoice.Party{Name: "厦门开票示范科技有限公司", TaxID: crashSellerTaxID}}
}

// seededMonthOrders are n blue orders of one to four lines at rates drawn from every
// kind the month may hold: 13%, 9%, 6%, 3%, 1% and exempt.
func seededMonthOrders(rng *rand.Rand, n int) []*invoice.Order {
	rates := []string{"0.13", "0.09", "0.06", "0.03", "0.01", "0"}
	orders := make([]*invoice.Order, n)
	for i := range orders {
		o := &invoice.Order{OrderID: fmt.Sprintf("M-%03d", i), Buyer: invoice.OrderBuyer{Name: "厦门示例科技有限公司",
			TaxID: "91350200776049653A"}}
		for j := rng.IntN(4); j >= 0; j-- {
			l := invoice.OrderLine{Name: fmt.Sprintf("商品%d", j), TaxCode: "1090509020000000000", Unit: "件",
				Quantity: fmt.Sprint(1 + rng.IntN(20)), UnitPrice: fmt.Sprintf("%d.%02d", rng.IntN(3000), rng.IntN(100)),
				TaxRate: rates[rng.IntN(len(rates))]}
			if l.TaxRate == "0" {
				l.TaxCode, l.ZeroRate = "1010101010000000000", "exempt"
			}
			o.Lines = append(o.Lines, l)
		}
		orders[i] = o
	}
	return orders
}

// Acceptance: a month of blue and red invoices at several rates issued through the real
// simulator; once the month has ended, the store's statistics equal the device's 抄报.
// An invoice the store never heard of shows as a mismatch until reconciliation.
func TestMonthStatisticsEqualTheDevicesReport(t *testing.T) {
	r := newMonthRig(t, time.Date(2026, 3, 3, 9, 0, 0, 0, invoice.Beijing))
	ctx := context.Background()
	var blues []*invoice.Invoice
	err := r.engine.IssueBatch(ctx, seededMonthOrders(rand.New(rand.NewPCG(8, 8)), 30), func(res invoice.BatchResult) {
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		for _, o := range res.Outcomes {
			blues = append(blues, o.Invoice)
		}
	})
	if err != nil || len(blues) != 30 {
		t.Fatalf("issued %d: %v", len(blues), err)
	}
	// Three reds: two whole, one partial.
	for i, red := range []*invoice.RedRequest{
		{Code: blues[2].Code, Number: blues[2].Number, Reason: 1},
		{Code: blues[5].Code, Number: blues[5].Number, Reason: 2},
		{Code: blues[7].Code, Number: blues[7].Number, Reason: 4, Lines: []invoice.RedLineRequest{{Line: 1, Amount: "1.00"}}},
	} {
		if _, err := r.engine.Issue(ctx, &invoice.Order{OrderID: fmt.Sprintf("RED-%d", i), RedOf: red}); err != nil {
			t.Fatalf("red %d: %v", i, err)
		}
	}
	// Another workstation (its own store) issues on the same device.
	otherDB, other := r.storeEngine(t, filepath.Join(t.TempDir(), "other.db"))
	defer otherDB.Close()
	elsewhere := seededMonthOrders(rand.New(rand.NewPCG(9, 9)), 1)[0]
	elsewhere.OrderID = "OTHER-1"
	if _, err := other.Issue(ctx, elsewhere); err != nil {
		t.Fatal(err)
	}

	r.clock.Set(time.Date(2026, 4, 2, 9, 0, 0, 0, invoice.Beijing))
	rep, err := r.client.Report(ctx, "stats-test-202603", "202603")
	if err != nil {
		t.Fatal(err)
	}
	st, _, err := export.MonthStats(r.db, "202603")
	if err != nil {
		t.Fatal(err)
	}
	if st.Count != 30 || st.RedCount != 3 || rep.Count != 31 || len(st.ByRate) < 5 {
		t.Fatalf("store %d blue, %d red, %d rates; device %d blue", st.Count, st.RedCount, len(st.ByRate), rep.Count)
	}
	mism := st.Compare(rep)
	var fields []string
	for _, m := range mism {
		fields = append(fields, m.Field)
	}
	if fmt.Sprint(fields) != "[count amount tax]" {
		t.Fatalf("with the other workstation's invoice missing: mismatches %v", mism)
	}

	if _, err := r.engine.Reconcile(ctx, true); err != nil {
		t.Fatal(err)
	}
	if st, _, err = export.MonthStats(r.db, "202603"); err != nil {
		t.Fatal(err)
	}
	if mism := st.Compare(rep); len(mism) != 0 {
		t.Fatalf("after reconciliation: %+v\nstore %+v\ndevice %+v", mism, st, rep)
	}
	// The figures by rate add up to the month's.
	var amount, tax, redAmount, redTax invoice.Money
	for _, b := range st.ByRate {
		amount, tax, redAmount, redTax = amount+b.Amount, tax+b.Tax, redAmount+b.RedAmount, redTax+b.RedTax
	}
	if amount != rep.Amount || tax != rep.Tax || redAmount != rep.RedAmount || redTax != rep.RedTax || rep.RedAmount >= 0 {
		t.Fatalf("by rate %s %s %s %s; device %+v", amount, tax, redAmount, redTax, rep)
	}
	// The next month holds nothing yet.
	if next, _, _ := export.MonthStats(r.db, "202604"); next.Count != 0 || next.RedCount != 0 {
		t.Fatalf("April: %+v", next)
	}
}
