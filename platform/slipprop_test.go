package platform

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
)

// byAmount takes an amount from the goods lines in order: the parts add up to it, none is
// more than its line has left, a line is only touched once the ones before are used up,
// and more than is left is refused.
func TestByAmountProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 2))
	for range 2000 {
		var left []invoice.LineLeft
		var all invoice.Money
		for i := range 1 + rng.IntN(5) {
			a := invoice.Money(rng.IntN(100000))
			left = append(left, invoice.LineLeft{Line: i + 1, Amount: a})
			all += a
		}
		want := invoice.Money(1 + rng.IntN(int(all)+50))
		got, err := byAmount(want.String(), left)
		if want > all {
			if !errors.Is(err, ErrSlipRequest) {
				t.Fatalf("%s of %s left: %v", want, all, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s of %s left: %v", want, all, err)
		}
		var sum invoice.Money
		for k, r := range got {
			m, err := invoice.ParseMoney(r.Amount)
			if err != nil || m <= 0 || m > left[r.Line-1].Amount {
				t.Fatalf("part %+v of %v", r, left)
			}
			for _, before := range left[:r.Line-1] {
				if before.Amount > 0 && !taken(got[:k], before.Line, before.Amount) {
					t.Fatalf("line %d taken before line %d was used up: %+v of %v", r.Line, before.Line, got, left)
				}
			}
			sum += m
		}
		if sum != want {
			t.Fatalf("parts %+v add up to %s, not %s", got, sum, want)
		}
	}
}

func taken(parts []invoice.RedLineRequest, line int, all invoice.Money) bool {
	for _, p := range parts {
		if m, _ := invoice.ParseMoney(p.Amount); p.Line == line && m == all {
			return true
		}
	}
	return false
}

// Whatever slips are asked for and however they are answered, the slips that stand or
// yielded a red invoice never reverse more than the blue invoice's amount or tax.
func TestSlipsNeverOverReverseProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 3))
	for round := range 5 {
		r := newSlipRig(t)
		blueT := r.blue.Totals()
		for i := range 25 {
			req := upload.SlipRequest{Amount: invoice.Money(1 + rng.IntN(20000)).String()}
			if rng.IntN(6) == 0 {
				req = upload.SlipRequest{Lines: []invoice.RedLineRequest{{Line: 1 + rng.IntN(2)}}}
			}
			who := []string{slipSeller, slipBuyer}[rng.IntN(2)]
			s, err := r.request(who, fmt.Sprint(round, "-", i), req)
			if err != nil {
				if !errors.Is(err, ErrSlipRequest) {
					t.Fatal(err)
				}
				continue
			}
			other := slipBuyer
			if who == slipBuyer {
				other = slipSeller
			}
			switch rng.IntN(4) {
			case 0:
				_, err = r.db.AnswerSlip(s.Number, other, upload.SlipConfirm, r.now)
			case 1:
				_, err = r.db.AnswerSlip(s.Number, other, upload.SlipRefuse, r.now)
			case 2:
				_, err = r.db.AnswerSlip(s.Number, who, upload.SlipWithdraw, r.now)
			}
			if err != nil {
				t.Fatal(err)
			}
			all, err := r.db.Slips(slipSeller, r.now)
			if err != nil {
				t.Fatal(err)
			}
			var amount, tax invoice.Money
			for _, sl := range all {
				if sl.State > upload.SlipConfirmed {
					continue
				}
				a, _ := invoice.ParseMoney(sl.Amount)
				x, _ := invoice.ParseMoney(sl.Tax)
				amount, tax = amount-a, tax-x
			}
			if amount > blueT.Amount || tax > blueT.Tax {
				t.Fatalf("round %d: standing slips reverse %s + %s of %s + %s", round, amount, tax, blueT.Amount, blueT.Tax)
			}
		}
	}
}

// The request's blue number and reason: accepted exactly when well formed, never a panic.
func FuzzSlipRequestFields(f *testing.F) {
	for _, s := range []string{"26357000000000000001", "035022600111:00000001", "销售折让", "4", " 1 ", "5", "", "２６"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, n, err := ParseBlue(s)
		if (err == nil) != invoice.ValidDigitalNumber(s) || (err == nil && n != s) {
			t.Fatalf("ParseBlue(%q) = %q, %v", s, n, err)
		}
		r, err := upload.ParseSlipReason(s)
		if err == nil && (r < invoice.ReasonError || r > invoice.ReasonDiscount) {
			t.Fatalf("ParseSlipReason(%q) = %d", s, r)
		}
		if err != nil && !strings.Contains(err.Error(), "冲红原因") {
			t.Fatalf("ParseSlipReason(%q): %v does not name the field", s, err)
		}
	})
}
