package loadgen

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
)

// envelope is one presealed upload of a workstation, and what became of it.
type envelope struct {
	ws      *workstation
	syncer  *upload.Syncer
	sealed  *upload.Sealed
	answer  []byte
	err     error
	latency time.Duration
}

// presealed runs Config.Presealed: issue and seal (untimed), post (timed), store the
// answers and drain what failed through the ordinary uploader (untimed).
func presealed(ctx context.Context, cfg Config, wss []*workstation, codes *invoice.TaxCodes, share func(int) int,
	rec *recorder, rep *Report) error {
	// The uploaders' own requests (the drain after the timed phase) are not the timed
	// phase's: they go to a recorder of their own.
	after := &recorder{}
	syncers := make([][]*upload.Syncer, len(wss))
	perWS := make([][]*envelope, len(wss))
	t0 := time.Now()
	err := each(wss, func(w int, ws *workstation) error {
		var err error
		if syncers[w], err = ws.syncers(cfg, after); err != nil {
			return err
		}
		return ws.prepare(ctx, syncers[w], codes, share(w), 0)
	})
	if err != nil {
		return err
	}
	rep.IssueTime = time.Since(t0)
	t0 = time.Now()
	err = each(wss, func(w int, ws *workstation) error {
		sealed, err := syncers[w][0].SealOutbox()
		for _, s := range sealed {
			perWS[w] = append(perWS[w], &envelope{ws: ws, syncer: syncers[w][0], sealed: s})
		}
		return err
	})
	if err != nil {
		return err
	}
	rep.SealTime = time.Since(t0)
	// Round robin over the workstations, as twenty PCs syncing at once would send.
	var envs []*envelope
	for i := 0; ; i++ {
		more := false
		for _, l := range perWS {
			if i < len(l) {
				envs, more = append(envs, l[i]), true
			}
		}
		if !more {
			break
		}
	}

	var answered atomic.Int64
	stopWatch := every50ms(cfg.Progress, answered.Load)
	start := time.Now()
	post := func(e *envelope, from time.Time) {
		e.answer, e.err = e.syncer.PostSealed(ctx, e.sealed)
		e.latency = time.Since(from)
		if e.err != nil {
			return // counted by the uploader's transport (the recorder after)
		}
		rec.add(e.latency)
		answered.Add(int64(e.sealed.Invoices()))
	}
	var wg sync.WaitGroup
	if cfg.Rate > 0 {
		// Open loop: envelope k is due at start + k·batch/rate and goes then, in its
		// own request, however many are still unanswered; a late platform shows in the
		// latency (from the due time), not in a slower schedule.
		for k, e := range envs {
			due := start.Add(time.Duration(float64(k*cfg.Batch) / cfg.Rate * float64(time.Second)))
			if d := time.Until(due); d > 0 {
				select {
				case <-ctx.Done():
				case <-time.After(d):
				}
			}
			wg.Go(func() { post(e, due) })
		}
	} else {
		var next atomic.Int64
		for range cfg.Senders {
			wg.Go(func() {
				for k := next.Add(1) - 1; k < int64(len(envs)); k = next.Add(1) - 1 {
					post(envs[k], time.Now())
				}
			})
		}
	}
	wg.Wait()
	rep.Elapsed = time.Since(start)
	stopWatch()

	// The workstations' share again: verify and store the receipts; what a failed post
	// left queued goes through the ordinary uploader, failing over between instances.
	var errs []error
	for _, e := range envs {
		if e.err == nil {
			if _, err := e.syncer.StoreAnswer(e.sealed, e.answer); err != nil {
				errs = append(errs, fmt.Errorf("workstation %d: %w", e.ws.n, err))
			}
		}
	}
	errs = append(errs, each(wss, func(w int, ws *workstation) error {
		_, err := ws.drain(ctx, cfg, syncers[w], 0)
		return err
	}))
	rec.failed.Add(after.failed.Load())
	return errors.Join(errs...)
}

// orDefault is n, or def when n is not positive.
func orDefault(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}

// each runs f for every workstation at once and joins the errors.
func each(wss []*workstation, f func(int, *workstation) error) error {
	errs := make([]error, len(wss))
	var wg sync.WaitGroup
	for w, ws := range wss {
		wg.Go(func() { errs[w] = f(w, ws) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
