package invoice

import (
	"context"
	"errors"
	"fmt"
)

// BatchResult is what became of one order of a batch.
type BatchResult struct {
	Order    *Order
	Outcomes []Outcome // its invoices, in part order
	Err      error     // Errors for a rule error; otherwise why it was not (fully) issued
}

// IssueBatch issues many orders, pipelined: the invoices of all valid orders share
// windows of intents and commits (fewer fsyncs) without giving up the invariant. An
// order with rule errors is reported and skipped; a device or store error stops the
// batch, and every order not fully issued carries it. done is called for each order as
// soon as its fate is known, in order; ctx cancels between invoices.
func (e *Engine) IssueBatch(ctx context.Context, orders []*Order, done func(BatchResult)) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	cfg, err := e.config(ctx)
	if err != nil {
		return err
	}
	results := make([]BatchResult, len(orders))
	parts := make([][]*Invoice, len(orders))
	outcomes := map[string]Outcome{}
	var todo []*Invoice
	var room *Headroom // read once, when an order of the batch splits
	for i, o := range orders {
		results[i].Order = o
		if o.RedOf != nil {
			continue // reds go one at a time, in their turn, each seeing the ones before
		}
		checked, errs := Check(o, cfg)
		if errs != nil {
			results[i].Err = errs
			continue
		}
		parts[i] = checked.Parts
		var mine []*Invoice
		for _, p := range checked.Parts {
			done, hash, found, err := e.Store.IssuedFor(p.RequestID)
			switch {
			case err != nil:
				return err
			case !found:
				mine = append(mine, p)
			case hash != "" && !SamePayload(hash, p):
				results[i].Err = fmt.Errorf("order %s (request %s, invoice %s:%s): %w", o.OrderID, p.RequestID,
					done.Code, done.Number, ErrOrderChanged)
			default:
				outcomes[p.RequestID] = Outcome{Invoice: done, Replayed: true}
			}
		}
		if len(checked.Parts) > 1 && len(mine) > 0 && results[i].Err == nil {
			// A split order is issued whole or not at all: checked, with the orders
			// before it in the batch, against what the device has left.
			if room == nil {
				if room, err = e.headroom(ctx); err != nil {
					return err
				}
				if room == nil {
					room = &Headroom{Stock: 1 << 30}
				}
			}
			n := needsOf(mine)
			if err := room.fits(o.OrderID, len(checked.Parts), n); err != nil {
				results[i].Err = err
				continue
			}
			room.take(n)
		}
		if results[i].Err == nil {
			todo = append(todo, mine...)
		}
	}

	// Report orders in their order, each as soon as all its invoices are in the store.
	next := 0
	var batchErr error
	flush := func(final bool) {
		for ; next < len(orders); next++ {
			r, o := &results[next], orders[next]
			if o.RedOf != nil && r.Err == nil && r.Outcomes == nil {
				if !final {
					return // a red waits for the blues before it
				}
				if batchErr != nil {
					r.Err = batchErr
				} else if out, err := e.red(ctx, o); err != nil {
					r.Err = err
					var errs Errors
					if !errors.As(err, &errs) {
						batchErr = err
					}
				} else {
					r.Outcomes = []Outcome{out}
				}
			}
			if r.Err == nil && o.RedOf == nil {
				var outs []Outcome
				for _, p := range parts[next] {
					out, ok := outcomes[p.RequestID]
					if !ok {
						break
					}
					outs = append(outs, out)
				}
				if len(outs) < len(parts[next]) {
					if !final {
						return
					}
					r.Err = batchErr
					if r.Err == nil {
						r.Err = errors.New("not issued")
					}
					if len(outs) > 0 {
						// Never hide an issued invoice: the parts issued are reported with
						// the error, and the order is kept as partly issued.
						r.Err = fmt.Errorf("%w (%d of %d invoices issued): %w", ErrPartlyIssued, len(outs), len(parts[next]), r.Err)
						r.Outcomes = outs
					}
				} else {
					r.Outcomes = outs
				}
				if perr := e.notePartial(o, len(parts[next]), len(outs), r.Err); perr != nil && batchErr == nil {
					batchErr = perr
				}
			}
			if done != nil {
				done(*r)
			}
		}
	}
	_, batchErr = e.issueDrafts(ctx, todo, func(inv *Invoice) {
		outcomes[inv.RequestID] = Outcome{Invoice: inv}
		flush(false)
	})
	flush(true)
	return batchErr
}
