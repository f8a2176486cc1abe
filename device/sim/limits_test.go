package sim_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/shopspring/decimal"
)

// upload exports everything pending and writes back the authority's acknowledgement.
func (r *rig) upload() device.Offline {
	r.t.Helper()
	var o device.Offline
	for {
		p, err := r.client.Export(r.ctx(), 50)
		if err != nil {
			r.t.Fatalf("Export: %v", err)
		}
		if len(p.Records) == 0 {
			return o
		}
		r.next++
		ack, err := sim.Acknowledge(sim.DemoAuthority(), &p, fmt.Sprintf("ACK-%d", r.next), time.Now())
		if err != nil {
			r.t.Fatal(err)
		}
		if o, err = r.client.UploadAck(r.ctx(), ack); err != nil {
			r.t.Fatalf("UploadAck: %v", err)
		}
	}
}

func wantCode(t *testing.T, err error, code device.Code) {
	t.Helper()
	if !errors.Is(err, code) {
		t.Fatalf("got %v, want code %d (%s)", err, code, code)
	}
}

// docs/rules.md "Offline limits": each offline limit refuses with its own code, and the tax authority's
// acknowledgement of the upload unlocks issuing again.
func TestOfflineLimitsLockUntilUploadAcknowledged(t *testing.T) {
	t.Run("cumulative positive amount", func(t *testing.T) {
		// each sample line is 3,000.00 before tax; three lines fit, the fourth does not
		r := newRig(t, sim.Config{OfflineAmount: 1_000_000}, 0)
		for i := 0; i < 3; i++ {
			if _, err := r.client.Issue(r.ctx(), r.request(1)); err != nil {
				t.Fatal(err)
			}
		}
		_, err := r.client.Issue(r.ctx(), r.request(2))
		wantCode(t, err, device.CodeOfflineAmount)
		o := r.upload()
		if o.Pending != 0 || o.PendingAmount != 0 || len(o.Locks) != 0 {
			t.Fatalf("after the acknowledgement: %+v", o)
		}
		if _, err := r.client.Issue(r.ctx(), r.request(2)); err != nil {
			t.Fatalf("Issue after the acknowledgement: %v", err)
		}
	})
	t.Run("hours since the oldest un-uploaded invoice", func(t *testing.T) {
		r := newRig(t, sim.Config{OfflineHours: 24}, 0)
		if _, err := r.client.Issue(r.ctx(), r.request(1)); err != nil {
			t.Fatal(err)
		}
		r.cfg.Clock.Advance(23 * time.Hour)
		if _, err := r.client.Issue(r.ctx(), r.request(1)); err != nil {
			t.Fatalf("23 h after the first invoice: %v", err)
		}
		r.cfg.Clock.Advance(time.Hour)
		_, err := r.client.Issue(r.ctx(), r.request(1))
		wantCode(t, err, device.CodeOfflineHours)
		r.upload()
		if _, err := r.client.Issue(r.ctx(), r.request(1)); err != nil {
			t.Fatalf("Issue after the acknowledgement: %v", err)
		}
	})
	t.Run("per-invoice limit, compared with the total before tax", func(t *testing.T) {
		r := newRig(t, sim.Config{}, 0)
		req := r.request(1)
		amountOnly(&req.Invoice.Lines[0], invoice.DefaultLimits.InvoiceLimit) // tax on top is fine
		if _, err := r.client.Issue(r.ctx(), req); err != nil {
			t.Fatalf("an invoice at the limit: %v", err)
		}
		req = r.request(1)
		amountOnly(&req.Invoice.Lines[0], invoice.DefaultLimits.InvoiceLimit+1)
		_, err := r.client.Issue(r.ctx(), req)
		wantCode(t, err, device.CodeInvoiceLimit)
	})
	t.Run("monthly deadline until report and clear", func(t *testing.T) {
		r := newRig(t, sim.Config{OfflineHours: 24 * 60}, 0)
		if _, err := r.client.Issue(r.ctx(), r.request(1)); err != nil {
			t.Fatal(err)
		}
		_, err := r.client.Report(r.ctx(), "REP-early", "")
		wantCode(t, err, device.CodePeriodOpen)
		r.cfg.Clock.Set(time.Date(2026, 4, 16, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)))
		_, err = r.client.Issue(r.ctx(), r.request(1))
		wantCode(t, err, device.CodeMonthLocked)
		rep, err := r.client.Report(r.ctx(), "REP-1", "")
		if err != nil || rep.Period != "202603" || rep.Count != 1 || rep.Amount != 300000 {
			t.Fatalf("Report: %v, %+v", err, rep)
		}
		_, err = r.client.Clear(r.ctx(), "CLR-1", "")
		wantCode(t, err, device.CodeNotReported) // the March invoice is not uploaded yet
		r.upload()
		st, err := r.client.Clear(r.ctx(), "CLR-2", "")
		if err != nil || st.Period != "202604" || len(st.Locks) != 0 {
			t.Fatalf("Clear: %v, %+v", err, st)
		}
		if _, err := r.client.Issue(r.ctx(), r.request(1)); err != nil {
			t.Fatalf("Issue after report and clear: %v", err)
		}
	})
	t.Run("an acknowledgement not signed by the authority is refused", func(t *testing.T) {
		r := newRig(t, sim.Config{}, 0)
		if _, err := r.client.Issue(r.ctx(), r.request(1)); err != nil {
			t.Fatal(err)
		}
		p, err := r.client.Export(r.ctx(), 10)
		if err != nil {
			t.Fatal(err)
		}
		forger, err := sm2.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		ack, err := sim.Acknowledge(forger, &p, "ACK-forged", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.client.UploadAck(r.ctx(), ack)
		wantCode(t, err, device.CodeBadAck)
		ack, err = sim.Acknowledge(sim.DemoAuthority(), &p, "ACK-tampered", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		ack.Through++ // changed after signing
		_, err = r.client.UploadAck(r.ctx(), ack)
		wantCode(t, err, device.CodeBadAck)
		if o, _ := r.client.Offline(r.ctx()); o.Pending != 1 {
			t.Fatalf("pending %d after a refused acknowledgement, want 1", o.Pending)
		}
	})
}

func TestPINLocksAfterFiveWrongTries(t *testing.T) {
	r := newRig(t, sim.Config{}, 0)
	for i := 1; i <= 4; i++ {
		wantCode(t, r.client.VerifyPIN(r.ctx(), "00000000"), device.CodePINWrong)
	}
	if err := r.client.VerifyPIN(r.ctx(), "88888888"); err != nil {
		t.Fatalf("the right PIN after four wrong ones: %v", err)
	}
	for i := 1; i <= 4; i++ {
		wantCode(t, r.client.VerifyPIN(r.ctx(), "00000000"), device.CodePINWrong)
	}
	wantCode(t, r.client.VerifyPIN(r.ctx(), "00000000"), device.CodePINLocked)
	wantCode(t, r.client.VerifyPIN(r.ctx(), "88888888"), device.CodePINLocked)
	_, err := r.client.Issue(r.ctx(), r.request(1))
	wantCode(t, err, device.CodePINLocked)
}

func TestClockGoingBackwardsRefusesIssue(t *testing.T) {
	r := newRig(t, sim.Config{}, 0)
	if _, err := r.client.Issue(r.ctx(), r.request(1)); err != nil {
		t.Fatal(err)
	}
	r.cfg.Clock.Advance(-time.Hour)
	_, err := r.client.Issue(r.ctx(), r.request(1))
	wantCode(t, err, device.CodeClockBackwards)
}

func TestRollsFollowOneAnotherUntilStockIsExhausted(t *testing.T) {
	r := newRig(t, sim.Config{Stock: 5, RollSize: 2}, 0)
	var codes []string
	for i := 0; i < 5; i++ {
		got, err := r.client.Issue(r.ctx(), r.request(1))
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Code) != 12 || got.Code[0] != '0' || got.Code[1:5] != "3502" || got.Code[5:7] != "26" || got.Code[10:] != "11" {
			t.Fatalf("invoice code %q breaks docs/rules.md \"Invoice code\"", got.Code)
		}
		codes = append(codes, got.Code)
	}
	if codes[0] != codes[1] || codes[1] == codes[2] || codes[3] == codes[4] {
		t.Fatalf("codes %v: want rolls of two", codes)
	}
	all, err := r.client.Stock(r.ctx())
	var rolls []device.Roll // the e-ordinary ones; the e-special roll is untouched
	for _, roll := range all {
		if roll.Kind() == invoice.KindOrdinary {
			rolls = append(rolls, roll)
		}
	}
	if err != nil || len(rolls) != 3 || rolls[2].Count != 1 || rolls[2].Remaining != 0 {
		t.Fatalf("Stock: %v %+v", err, all)
	}
	_, err = r.client.Issue(r.ctx(), device.IssueRequest{RequestID: "X", ExpectedNumber: "00000006", Invoice: sampleInvoice("X", 1)})
	wantCode(t, err, device.CodeStockExhausted)
	r.checkJournal()
}

// amountOnly makes l a line of amount a without quantity and price, so that the device's
// check of quantity × price against the amount does not apply.
func amountOnly(l *invoice.Line, a invoice.Money) {
	l.Quantity, l.UnitPrice, l.Amount = decimal.Decimal{}, decimal.Decimal{}, a
}
