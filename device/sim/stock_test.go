package sim_test

import (
	"context"
	"testing"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/shopspring/decimal"
)

// specialRequest is the rig's next request as an e-special invoice, expecting the
// number STATUS gives for that type.
func (r *rig) specialRequest(t *testing.T) device.IssueRequest {
	t.Helper()
	req := r.request(1)
	req.Invoice.Kind = invoice.KindSpecial
	st, err := r.client.Status(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	next, ok := st.NextFor(invoice.KindSpecial)
	if !ok {
		req.ExpectedCode, req.ExpectedNumber = "", "00000001"
		return req
	}
	req.ExpectedCode, req.ExpectedNumber = next.Code, next.Number
	return req
}

// docs/rules.md "Invoice code": each invoice type has its own stock and rolls; an
// invoice takes its number from a roll of its own type, so that its code's type digits
// (11 电子普通发票, 13 电子专用发票) agree with its title and QR type. The review's
// e-special invoice was issued on an e-ordinary roll.
func TestEachInvoiceTypeHasItsOwnStock(t *testing.T) {
	r := newRig(t, sim.Config{Stock: 10, SpecialStock: 4, RollSize: 2}, 0)
	st, err := r.client.Status(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	ord, okO := st.NextFor(invoice.KindOrdinary)
	spe, okS := st.NextFor(invoice.KindSpecial)
	if !okO || !okS || ord.Code[10:] != "11" || spe.Code[10:] != "13" || ord.Number != "00000001" || spe.Number != "00000001" {
		t.Fatalf("STATUS next per type: %+v", st.Next)
	}
	for i := 0; i < 4; i++ {
		rec, err := r.client.IssueRecord(r.ctx(), r.specialRequest(t))
		if err != nil {
			t.Fatalf("e-special %d: %v", i+1, err)
		}
		got := rec.Invoice
		if k, _ := invoice.KindOfCode(got.Code); k != invoice.KindSpecial || got.Kind != invoice.KindSpecial {
			t.Fatalf("an e-special invoice took code %s", got.Code)
		}
		if qr := invoice.QRPayload(&got); qr[3:5] != "08" || got.Kind.Title() != "电子专用发票" {
			t.Fatalf("QR %s, title %s", qr, got.Kind.Title())
		}
	}
	// The e-ordinary stock is untouched: its first invoice is still number 1.
	got, err := r.client.Issue(r.ctx(), r.request(1))
	if err != nil || got.Code[10:] != "11" || got.Number != "00000001" {
		t.Fatalf("e-ordinary after 4 e-special: %v %s:%s", err, got.Code, got.Number)
	}
	// STOCK lists the rolls of each type, and each type's stock not yet opened: two
	// e-special rolls used up and none unopened; e-ordinary 1 left in its roll and 8
	// unopened, 9 in all.
	rolls, err := r.client.Stock(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	left, unopened := map[invoice.Kind]uint32{}, map[invoice.Kind]uint32{}
	for _, roll := range rolls {
		left[roll.Kind()] += roll.Remaining
		if roll.Unopened() {
			unopened[roll.Kind()] += roll.Remaining
		}
	}
	if left[invoice.KindSpecial] != 0 || left[invoice.KindOrdinary] != 9 || unopened[invoice.KindOrdinary] != 8 ||
		unopened[invoice.KindSpecial] != 0 {
		t.Fatalf("rolls %+v", rolls)
	}
	// The e-special stock is exhausted: refused, while e-ordinary invoices still issue.
	_, err = r.client.Issue(r.ctx(), r.specialRequest(t))
	wantCode(t, err, device.CodeStockExhausted)
	if _, err := r.client.Issue(r.ctx(), r.request(1)); err != nil {
		t.Fatalf("e-ordinary with e-special exhausted: %v", err)
	}
	r.checkJournal()
}

// A device without e-special stock refuses e-special invoices from the start.
func TestIssuingATypeWithNoStockIsRefused(t *testing.T) {
	r := newRig(t, sim.Config{SpecialStock: -1}, 0)
	st, err := r.client.Status(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.NextFor(invoice.KindSpecial); ok {
		t.Fatalf("STATUS offers e-special numbers without stock: %+v", st.Next)
	}
	_, err = r.client.Issue(r.ctx(), r.specialRequest(t))
	wantCode(t, err, device.CodeStockExhausted)
	// The engine refuses it before asking the device.
	next, err := device.EngineDevice{Client: r.client}.Next(context.Background(), invoice.KindSpecial)
	if err != nil || next.Code != "" {
		t.Fatalf("engine's next e-special: %+v %v", next, err)
	}
}

// docs/rules.md "Printed unit price": the device refuses a line whose quantity × unit
// price is not its amount within a fen, as the devices' software does.
func TestDeviceRefusesALineWhosePriceDoesNotGiveItsAmount(t *testing.T) {
	r := newRig(t, sim.Config{}, 0)
	req := r.request(1)
	req.Invoice.Lines[0].UnitPrice = req.Invoice.Lines[0].UnitPrice.Add(decimal.New(1, -2)) // 3 × 1000.01 ≠ 3000.00
	_, err := r.client.Issue(r.ctx(), req)
	wantCode(t, err, device.CodeBadInvoice)
	req = r.request(1)
	if _, err := r.client.Issue(r.ctx(), req); err != nil {
		t.Fatalf("the same invoice with its own price: %v", err)
	}
}
