package sim_test

import (
	"errors"
	"testing"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
)

func TestIssueOverPseudoTerminal(t *testing.T) {
	r := newRig(t, sim.Config{}, 0)
	var issued []device.Record
	for i := 0; i < 3; i++ {
		req := r.request(8)
		rec, err := r.client.IssueRecord(r.ctx(), req)
		if err != nil {
			t.Fatalf("Issue %s: %v", req.RequestID, err)
		}
		if rec.Invoice.Number != req.ExpectedNumber || rec.Invoice.Code != req.ExpectedCode {
			t.Fatalf("issued %s/%s, expected %s/%s", rec.Invoice.Code, rec.Invoice.Number, req.ExpectedCode, req.ExpectedNumber)
		}
		if len(rec.Invoice.CheckCode) != 20 || len(rec.Invoice.Cipher) != 108 || rec.Invoice.Machine != r.dev.Machine() {
			t.Fatalf("issued fields: check %q cipher %q machine %q", rec.Invoice.CheckCode, rec.Invoice.Cipher, rec.Invoice.Machine)
		}
		if rec.Invoice.Lines[7].Name != "笔记本电脑8" || rec.Invoice.Buyer.Name != "北京某某科技有限公司" {
			t.Fatalf("invoice content changed on the way: %+v", rec.Invoice.Lines[7])
		}
		issued = append(issued, rec)
	}
	recs := r.checkJournal()
	if len(recs) != 3 || recs[2].Invoice.Number != issued[2].Invoice.Number {
		t.Fatalf("journal has %d records, last %+v", len(recs), recs[len(recs)-1].Invoice.Issued)
	}
	got, err := r.client.QueryByNumber(r.ctx(), issued[1].Invoice.Code, issued[1].Invoice.Number)
	if err != nil || got.RequestID != issued[1].RequestID {
		t.Fatalf("QueryByNumber: %v, %q", err, got.RequestID)
	}
	got, err = r.client.QueryByRequestID(r.ctx(), issued[0].RequestID)
	if err != nil || got.Invoice.Number != issued[0].Invoice.Number {
		t.Fatalf("QueryByRequestID: %v, %q", err, got.Invoice.Number)
	}
	last, err := r.client.Last(r.ctx())
	if err != nil || last.Counter != 3 {
		t.Fatalf("Last: %v, counter %d", err, last.Counter)
	}
	if _, err := r.client.QueryByRequestID(r.ctx(), "never-sent"); !errors.Is(err, device.CodeNotFound) {
		t.Fatalf("QueryByRequestID of an unknown ID: %v, want CodeNotFound", err)
	}
	t.Run("the engine's calls", func(t *testing.T) {
		if inv, ok, err := r.client.IssuedFor(r.ctx(), issued[2].RequestID); err != nil || !ok || inv.Number != issued[2].Invoice.Number {
			t.Fatalf("IssuedFor an issued request: %v %v %s", err, ok, inv.Number)
		}
		if _, ok, err := r.client.IssuedFor(r.ctx(), "never-sent"); err != nil || ok {
			t.Fatalf("IssuedFor an unknown request: %v %v", err, ok)
		}
		if l, err := r.client.Limits(r.ctx()); err != nil || l != invoice.DefaultLimits {
			t.Fatalf("Limits: %v %+v", err, l)
		}
		if code, number, err := r.client.NextNumber(r.ctx()); err != nil || code != issued[2].Invoice.Code || num(number) != num(issued[2].Invoice.Number)+1 {
			t.Fatalf("NextNumber: %v %s/%s", err, code, number)
		}
	})
}

func TestRequestIDMakesIssueIdempotent(t *testing.T) {
	r := newRig(t, sim.Config{}, 0)
	req := r.request(2)
	first, err := r.client.Issue(r.ctx(), req)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a repeated request ID returns the invoice already issued", func(t *testing.T) {
		again, err := r.client.Issue(r.ctx(), req) // the expected number is stale now: ignored
		if err != nil || again.Number != first.Number || again.CheckCode != first.CheckCode {
			t.Fatalf("repeat: %v, %s vs %s", err, again.Number, first.Number)
		}
	})
	t.Run("a reused request ID with another invoice is refused", func(t *testing.T) {
		other := req
		other.Invoice = sampleInvoice(req.RequestID, 3)
		_, err := r.client.Issue(r.ctx(), other)
		var de *device.Error
		if !errors.As(err, &de) || de.Code != device.CodeRequestReused || de.Message() == "" {
			t.Fatalf("got %v, want CodeRequestReused", err)
		}
	})
	t.Run("a wrong expected number is refused", func(t *testing.T) {
		bad := r.request(1)
		bad.ExpectedNumber = "00000099"
		if _, err := r.client.Issue(r.ctx(), bad); !errors.Is(err, device.CodeNumberMismatch) {
			t.Fatalf("got %v, want CodeNumberMismatch", err)
		}
	})
	if recs := r.checkJournal(); len(recs) != 1 {
		t.Fatalf("journal has %d invoices, want 1", len(recs))
	}
}

func TestRedInvoiceReversesABlueOneOfThisDevice(t *testing.T) {
	r := newRig(t, sim.Config{}, 0)
	blueReq := r.request(2)
	blue, err := r.client.Issue(r.ctx(), blueReq)
	if err != nil {
		t.Fatal(err)
	}
	redReq := r.request(2)
	for i := range redReq.Invoice.Lines {
		l := &redReq.Invoice.Lines[i]
		l.Quantity, l.Amount, l.Tax, l.Of = l.Quantity.Neg(), -l.Amount, -l.Tax, i+1
	}
	redReq.Invoice.Red = &invoice.RedLink{Code: blue.Code, Number: blue.Number, Reason: invoice.ReasonReturn}
	red, err := r.client.IssueRecord(r.ctx(), redReq)
	if err != nil {
		t.Fatalf("ISSUE_RED: %v", err)
	}
	if red.Invoice.Red == nil || red.Invoice.Red.Number != blue.Number || red.Invoice.Totals().Amount != -600000 {
		t.Fatalf("red record %+v", red.Invoice.Red)
	}
	orphan := r.request(1)
	orphan.Invoice.Lines[0].Amount, orphan.Invoice.Lines[0].Tax = -300000, -39000
	orphan.Invoice.Red = &invoice.RedLink{Code: blue.Code, Number: "99999999", Reason: invoice.ReasonError}
	_, err = r.client.Issue(r.ctx(), orphan)
	if !errors.Is(err, device.CodeBlueNotFound) {
		t.Fatalf("red of an unknown invoice: %v, want CodeBlueNotFound", err)
	}
	if recs := r.checkJournal(); len(recs) != 2 {
		t.Fatalf("journal has %d invoices, want 2", len(recs))
	}
}
