package platform

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/kaipiao/kaipiao/internal/pgtest"
	"github.com/kaipiao/kaipiao/upload"
)

// twoInstances opens two stores, each with its own connection pool, on one fresh
// PostgreSQL schema: two platform instances as far as the database can tell.
func twoInstances(t *testing.T) [2]*PG {
	t.Helper()
	url := pgtest.Schema(t)
	var out [2]*PG
	for i := range out {
		pg, err := OpenPG(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pg.Close() })
		out[i] = pg
	}
	return out
}

// Acceptance 3 (slips): the buyer's confirm and refuse and the seller's withdraw reach
// two instances at once; the answers apply one after the other, so the slip ends in
// the one state the winners' order allows, every loser is told the state forbids it,
// and both instances read the same slip after. Then two red invoices race for one
// confirmed slip through the two instances: one takes it, the other is refused.
func TestSlipAnswersFromTwoInstancesHaveOneWinner(t *testing.T) {
	insts := twoInstances(t)
	r := newSlipRigOn(t, insts[0])
	for round := range 20 {
		s, err := r.request(slipSeller, fmt.Sprint("A", round), upload.SlipRequest{})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 3)
		start := make(chan struct{})
		for i, a := range []struct{ who, action string }{
			{slipBuyer, upload.SlipConfirm}, {slipBuyer, upload.SlipRefuse}, {slipSeller, upload.SlipWithdraw}} {
			wg.Go(func() {
				<-start
				_, errs[i] = insts[(i+round)%2].AnswerSlip(s.Number, a.who, a.action, r.now)
			})
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			if err != nil && !errors.Is(err, ErrSlipState) {
				t.Fatal(err)
			}
		}
		confirmed, refused, withdrew := errs[0] == nil, errs[1] == nil, errs[2] == nil
		a, errA := insts[0].Slip(s.Number, r.now)
		b, errB := insts[1].Slip(s.Number, r.now)
		if errA != nil || errB != nil || a.State != b.State {
			t.Fatalf("round %d: the instances read %v/%v, %v/%v", round, a, errA, b, errB)
		}
		want := map[string]bool{
			upload.SlipConfirmed:           confirmed && !refused && !withdrew,
			upload.SlipVoidConfirmWithdraw: confirmed && !refused && withdrew,
			upload.SlipVoidBuyerRefused:    refused && !confirmed && !withdrew,
			upload.SlipVoidWithdrawn:       withdrew && !confirmed && !refused,
		}
		if !want[a.State] {
			t.Fatalf("round %d: final %s after confirm %t refuse %t withdraw %t", round, a.State, confirmed, refused, withdrew)
		}
	}

	s, err := r.request(slipSeller, "B", upload.SlipRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := insts[1].AnswerSlip(s.Number, slipBuyer, upload.SlipConfirm, r.now); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	start := make(chan struct{})
	for i := range errs {
		wg.Go(func() {
			<-start
			_, errs[i] = insts[i].UseSlip(s.Number, slipSeller, fmt.Sprintf("2635700000000009999%d", i), r.now)
		})
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, ErrSlipUsed):
			t.Fatal(err)
		}
	}
	final, _ := insts[0].Slip(s.Number, r.now)
	if won != 1 || final.RedNumber == "" {
		t.Fatalf("%d red invoices took slip %s (now %q): %v", won, s.Number, final.RedNumber, errs)
	}
}
