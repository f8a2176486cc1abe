package loadgen

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/kaipiao/kaipiao/upload"
)

// SlipStats is what the slip phase did: for each slip the seller asked for, the buyer's
// confirm and the seller's withdraw race through two instances (when there are two);
// exactly one of them must win, and every instance must then read the state the winner
// left.
type SlipStats struct {
	Requested, Confirmed, Withdrawn int
	BothWon, NoneWon                int      // each an error: one winner per slip
	Disagree                        []string // slips two instances read in different states
	Latency                         Percentiles
}

// slips runs the slip phase: k slips on blue 数电票 of the digital workstations, each
// to the next enterprise (the buyer the generator gives their invoices).
func slips(ctx context.Context, cfg Config, wss []*workstation, m, k int) (*SlipStats, error) {
	st := &SlipStats{}
	var sellers []*workstation
	for _, ws := range wss {
		if ws.digital && len(ws.issued) > 0 {
			sellers = append(sellers, ws)
		}
	}
	if k == 0 {
		return st, nil
	}
	if len(sellers) == 0 || m < 2 {
		return nil, fmt.Errorf("loadtest: slips need workstations on the digital channel and two enterprises")
	}
	client := func(ws *workstation, i int) (*upload.SlipClient, error) {
		return upload.NewSlipClient(ws.keys, cfg.URLs[i%len(cfg.URLs)], nil)
	}
	rec := &recorder{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	var firstErr error
	for i := range k {
		seller := sellers[i%len(sellers)]
		blue := seller.issued[(i/len(sellers))%len(seller.issued)]
		buyer := wss[(Enterprise(seller.n, m)+1)%m] // enterprise e+1's first workstation
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			err := oneSlip(ctx, client, seller, buyer, blue, i, st, &mu, rec)
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	_, st.Latency = rec.summary()
	return st, firstErr
}

func oneSlip(ctx context.Context, client func(*workstation, int) (*upload.SlipClient, error), seller, buyer *workstation,
	blueRequest string, i int, st *SlipStats, mu *sync.Mutex, rec *recorder) error {
	rc, err := seller.db.ByRequest(blueRequest)
	if err != nil {
		return err
	}
	sc, err := client(seller, i)
	if err != nil {
		return err
	}
	t0 := time.Now()
	s, err := sc.Request(ctx, upload.SlipRequest{RequestID: fmt.Sprintf("LT-SLIP-%d-%d", seller.n, i), Of: rc.Invoice.Number,
		Amount: "1.00", Reason: "销售折让"})
	if err != nil {
		return fmt.Errorf("slip on %s: %w", rc.Invoice.Number, err)
	}
	rec.add(time.Since(t0))
	bc, err := client(buyer, i+1) // the other instance
	if err != nil {
		return err
	}
	var confirmErr, withdrawErr error
	var wg sync.WaitGroup
	wg.Go(func() { _, confirmErr = bc.Answer(ctx, s.Number, upload.SlipConfirm) })
	wg.Go(func() { _, withdrawErr = sc.Answer(ctx, s.Number, upload.SlipWithdraw) })
	wg.Wait()
	a, err1 := sc.Get(ctx, s.Number)
	b, err2 := bc.Get(ctx, s.Number)
	mu.Lock()
	defer mu.Unlock()
	st.Requested++
	if err1 != nil || err2 != nil {
		return fmt.Errorf("slip %s: reading it: %v %v", s.Number, err1, err2)
	}
	if a.State != b.State {
		st.Disagree = append(st.Disagree, fmt.Sprintf("%s: %s and %s", s.Number, a.State, b.State))
	}
	// A confirm then a withdraw is a legal order too (04 → 08): the withdraw wins then.
	switch {
	case confirmErr == nil && withdrawErr != nil && a.State == upload.SlipConfirmed:
		st.Confirmed++
	case withdrawErr == nil && a.State == upload.SlipVoidWithdrawn:
		st.Withdrawn++
	case confirmErr == nil && withdrawErr == nil && a.State == upload.SlipVoidConfirmWithdraw:
		st.Withdrawn++
	case confirmErr == nil && withdrawErr == nil:
		st.BothWon++
	default:
		st.NoneWon++
	}
	return nil
}
