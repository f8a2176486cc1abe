package sim_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
)

// splitRig is the rig's device driven by the issuing engine with a real bbolt store.
type splitRig struct {
	*rig
	engine *invoice.Engine
	db     *store.DB
}

func newSplitRig(t *testing.T, cfg sim.Config) *splitRig {
	t.Helper()
	r := newRig(t, cfg, 0)
	db, err := store.Open(filepath.Join(t.TempDir(), "kaipiao.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	codes, err := invoice.ParseTaxCodes(bytes.NewReader(assets.TaxCodesCSV()), assets.TaxCodesVersion)
	if err != nil {
		t.Fatal(err)
	}
	st, err := r.client.Status(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	e := &invoice.Engine{Device: device.EngineDevice{Client: r.client}, Store: db, Codes: codes, Operator: "test",
		Seller: invoice.Party{Name: "厦门开票示范科技有限公司", TaxID: st.SellerTaxID}}
	return &splitRig{rig: r, engine: e, db: db}
}

// singles issues n one-invoice orders in a batch.
func (s *splitRig) singles(prefix string, n int) {
	s.t.Helper()
	orders := make([]*invoice.Order, n)
	for i := range orders {
		orders[i] = &invoice.Order{OrderID: fmt.Sprintf("%s-%03d", prefix, i), Buyer: invoice.OrderBuyer{Name: "厦门某某贸易有限公司"},
			Lines: []invoice.OrderLine{{Name: "服务器配件", TaxCode: "1090509010000000000", Unit: "件", Quantity: "1",
				UnitPrice: "100", TaxRate: "0.13"}}}
	}
	if err := s.engine.IssueBatch(context.Background(), orders, func(b invoice.BatchResult) {
		if b.Err != nil {
			s.t.Errorf("order %s: %v", b.Order.OrderID, b.Err)
		}
	}); err != nil {
		s.t.Fatal(err)
	}
}

// split issues an order that the per-invoice limit (99,999.99) splits into parts
// invoices of 90,000.00 each.
func (s *splitRig) split(id string, parts int) ([]invoice.Outcome, error) {
	return s.engine.Issue(context.Background(), &invoice.Order{OrderID: id, Buyer: invoice.OrderBuyer{Name: "厦门某某贸易有限公司"},
		Lines: []invoice.OrderLine{{Name: "服务器", TaxCode: "1090509010000000000", Unit: "台", Quantity: strconv.Itoa(parts),
			UnitPrice: "90000", TaxRate: "0.13"}}})
}

// wantRefs checks the order's invoices took exactly these code:number pairs, in order.
func wantRefs(t *testing.T, out []invoice.Outcome, want ...string) {
	t.Helper()
	var got []string
	for _, o := range out {
		got = append(got, o.Invoice.Code+":"+o.Invoice.Number)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("invoices %v, want %v", got, want)
	}
}

// reconcileClean checks that the store and the device agree: nothing to import, no
// intent left open, no mismatch, and the journal gapless.
func (s *splitRig) reconcileClean(issued uint64) {
	s.t.Helper()
	rep, err := s.engine.Reconcile(context.Background(), true)
	if err != nil || rep.Imported != 0 || rep.ResolvedIntents != 0 || len(rep.Mismatches) != 0 || rep.DeviceCount != issued {
		s.t.Fatalf("reconcile: %+v %v, want %d invoices and nothing to repair", rep, err, issued)
	}
	s.checkJournal()
}

// A split order arriving when the current roll has one number left is issued across the
// roll boundary: the device's stock is every number it holds, the rolls not yet opened
// included (PROTOCOL.md §5 STOCK). The bug: Headroom counted only the opened rolls, so
// after 99 invoices a 2-part order was refused as "the stock holds 1" with 900 left.
func TestSplitOrderCrossesIntoTheNextRoll(t *testing.T) {
	s := newSplitRig(t, sim.Config{}) // 1000 e-ordinary in rolls of 100
	first, _ := s.nextNumber()
	s.singles("A", 99)
	h, err := device.EngineDevice{Client: s.client}.Headroom(s.ctx())
	if err != nil || h.Stock != 901+200 || h.StockOf[invoice.KindOrdinary] != 901 || h.StockOf[invoice.KindSpecial] != 200 {
		t.Fatalf("headroom %+v %v, want 901 e-ordinary and 200 e-special", h, err)
	}
	out, err := s.split("TWO", 2)
	if err != nil {
		t.Fatalf("2-part order with 1 left in the roll and 900 unopened: %v", err)
	}
	second := out[1].Invoice.Code
	if k, _ := invoice.KindOfCode(second); second == first || k != invoice.KindOrdinary {
		t.Fatalf("second roll's code %s (first %s)", second, first)
	}
	// The next roll's numbers follow the previous roll's.
	wantRefs(t, out, first+":00000100", second+":00000101")
	s.reconcileClean(101)

	// 98 more leave one number in the second roll; a 3-part order takes it and two of
	// the third roll.
	s.singles("B", 98)
	out, err = s.split("THREE", 3)
	if err != nil {
		t.Fatalf("3-part order across the boundary: %v", err)
	}
	third := out[1].Invoice.Code
	if third == second || third == first {
		t.Fatalf("third roll's code %s", third)
	}
	wantRefs(t, out, second+":00000200", third+":00000201", third+":00000202")
	s.reconcileClean(202)
	rolls, err := s.client.Stock(s.ctx())
	if err != nil {
		t.Fatal(err)
	}
	var opened, unopened uint32
	for _, r := range rolls {
		if r.Kind() != invoice.KindOrdinary {
			continue
		}
		if r.Unopened() {
			unopened += r.Remaining
		} else {
			opened += r.Remaining
		}
	}
	if opened != 98 || unopened != 700 {
		t.Fatalf("STOCK %+v: %d left in opened rolls, %d unopened; want 98 and 700", rolls, opened, unopened)
	}
}

// The check still refuses an order the whole stock cannot hold: 101 numbers bought, 99
// used, a 3-part order refused before its first invoice; a 2-part order then fits.
func TestSplitOrderOverTheWholeStockIsRefused(t *testing.T) {
	s := newSplitRig(t, sim.Config{Stock: 101})
	first, _ := s.nextNumber()
	s.singles("A", 99)
	out, err := s.split("THREE", 3)
	if !errors.Is(err, invoice.ErrNoHeadroom) || len(out) != 0 {
		t.Fatalf("3-part order with 2 left: %d issued, %v; want ErrNoHeadroom", len(out), err)
	}
	var p *invoice.Problem
	if !errors.As(err, &p) || p.Args["need"] != "3" || p.Args["left"] != "2" {
		t.Fatalf("refusal %v does not say 3 needed, 2 left", err)
	}
	s.reconcileClean(99)
	out, err = s.split("TWO", 2)
	if err != nil {
		t.Fatalf("2-part order with 2 left: %v", err)
	}
	wantRefs(t, out, first+":00000100", out[1].Invoice.Code+":00000101")
	s.reconcileClean(101)
	_, err = s.split("MORE", 2)
	if !errors.Is(err, invoice.ErrNoHeadroom) {
		t.Fatalf("2-part order with no stock: %v", err)
	}
}
