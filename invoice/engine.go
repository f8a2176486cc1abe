package invoice

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// Engine issues invoices exactly once, online or offline, following "the life of an
// invoice" (DESIGN.md): validate, write an intent (fsynced), ask the device with the
// request ID and the expected number, then store the result and queue it for sync in one
// transaction. A lost answer is never retried blindly: it is resolved by request ID.
//
// An Engine serialises its work: the device issues one invoice at a time anyway, and
// red invoices must see every red before them.
type Engine struct {
	Device   Device
	Store    Store
	Codes    *TaxCodes
	Seller   Party
	Operator string // who is issuing: the audit log's operator and the default 开票人
	// BatchWindow is how many invoices of a batch share one intent transaction and one
	// commit transaction. Default 32.
	BatchWindow int
	// ResolveTries bounds how often a lost answer is looked up before giving up and
	// leaving the intent for the next reconciliation. Default 5; a look-up that finds
	// the device unreachable (ErrUnreachable: the port gone, or silent through the
	// device's own bounded wait) ends them at once.
	ResolveTries int
	// ResolveWait is the pause between those look-ups. Default 200 ms.
	ResolveWait time.Duration
	// Digital says Device is the digital channel (docs/digital.md): orders' types map to
	// the digital kinds (Config.Digital).
	Digital bool

	mu     sync.Mutex
	limits *Limits
}

// Outcome is one issued invoice, and whether it was issued before (a repeated order).
type Outcome struct {
	Invoice  *Invoice
	Replayed bool
}

// ErrOrderChanged: an order ID already issued comes again with different content.
var ErrOrderChanged = NewSentinel("order.changed")

// ErrBlueNotFound: the invoice a red order names is not in the store.
var ErrBlueNotFound = NewSentinel("red.blue_not_found")

func (e *Engine) config(ctx context.Context) (Config, error) {
	if e.limits == nil {
		l, err := e.Device.Limits(ctx)
		if err != nil {
			return Config{}, fmt.Errorf("reading the device's limits: %w", err)
		}
		e.limits = &l
	}
	return Config{Codes: e.Codes, Limits: *e.limits, Seller: e.Seller, Operator: e.Operator, Digital: e.Digital}, nil
}

// Issue checks an order and issues it: one invoice, or the parts of an order over the
// per-invoice limit. An order issued before returns the same invoices with Replayed set.
// A rule error is returned as Errors; a device error as it came, wrapping ErrRefused or
// ErrOutcomeUnknown.
func (e *Engine) Issue(ctx context.Context, o *Order) ([]Outcome, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if o.RedOf != nil {
		out, err := e.red(ctx, o)
		if err != nil {
			return nil, err
		}
		return []Outcome{out}, nil
	}
	cfg, err := e.config(ctx)
	if err != nil {
		return nil, err
	}
	checked, errs := Check(o, cfg)
	if errs != nil {
		return nil, errs
	}
	outs, err := e.issueParts(ctx, o, checked.Parts)
	if err != nil && len(outs) > 0 && len(outs) < len(checked.Parts) {
		err = fmt.Errorf("%w (%d of %d invoices issued): %w", ErrPartlyIssued, len(outs), len(checked.Parts), err)
	}
	if perr := e.notePartial(o, len(checked.Parts), len(outs), err); perr != nil && err == nil {
		err = perr
	}
	return outs, err
}

// red derives and issues a red invoice against a stored blue one.
func (e *Engine) red(ctx context.Context, o *Order) (Outcome, error) {
	// A red order's request ID is its order ID; the red stored under it answers a repeat
	// of the same request, and a different request under that ID is refused.
	if done, _, found, err := e.Store.IssuedFor(o.OrderID); err != nil {
		return Outcome{}, err
	} else if found && o.OrderID != "" {
		if !sameRedRequest(done, o.RedOf) {
			return Outcome{}, fmt.Errorf("red order %s (invoice %s): %w", o.OrderID, Ref(done.Code, done.Number), ErrOrderChanged)
		}
		return Outcome{Invoice: done, Replayed: true}, nil
	}
	cfg, err := e.config(ctx)
	if err != nil {
		return Outcome{}, err
	}
	r := o.RedOf
	blue, found, err := e.Store.IssuedByNumber(r.Code, r.Number)
	if err != nil {
		return Outcome{}, err
	}
	if !found {
		return Outcome{}, fmt.Errorf("%s: %w", Ref(r.Code, r.Number), ErrBlueNotFound)
	}
	earlier, err := e.Store.RedsOf(r.Code, r.Number)
	if err != nil {
		return Outcome{}, err
	}
	// A red whose answer was lost still counts against the blue until it is resolved.
	intents, err := e.Store.OpenIntents()
	if err != nil {
		return Outcome{}, err
	}
	for _, in := range intents {
		if in.Draft != nil && in.Draft.Red != nil && in.Draft.Red.Code == r.Code && in.Draft.Red.Number == r.Number {
			earlier = append(earlier, in.Draft)
		}
	}
	red, errs := Reverse(blue, earlier, o, cfg)
	if errs != nil {
		return Outcome{}, errs
	}
	outs, err := e.issueParts(ctx, nil, []*Invoice{red})
	if err != nil {
		return Outcome{}, err
	}
	return outs[0], nil
}

// issueParts issues drafts in order, each exactly once. The parts of an order o that
// splits are first checked, together, against what the device has left: all or none.
func (e *Engine) issueParts(ctx context.Context, o *Order, parts []*Invoice) ([]Outcome, error) {
	outs := make([]Outcome, 0, len(parts))
	var todo []*Invoice
	for _, p := range parts {
		done, hash, found, err := e.Store.IssuedFor(p.RequestID)
		if err != nil {
			return nil, err
		}
		if !found {
			todo = append(todo, p)
			continue
		}
		if hash != "" && !SamePayload(hash, p) {
			return nil, fmt.Errorf("order %s (request %s, invoice %s:%s): %w", p.OrderID, p.RequestID, done.Code, done.Number, ErrOrderChanged)
		}
		outs = append(outs, Outcome{Invoice: done, Replayed: true})
	}
	if o != nil && len(parts) > 1 && len(todo) > 0 {
		h, err := e.headroom(ctx)
		if err != nil {
			return outs, err
		}
		if h != nil {
			if err := h.fits(o.OrderID, len(parts), needsOf(todo)); err != nil {
				return outs, err
			}
		}
	}
	issued, err := e.issueDrafts(ctx, todo, nil)
	for _, inv := range issued {
		outs = append(outs, Outcome{Invoice: inv})
	}
	return outs, err
}

// issueDrafts issues drafts not yet in the store, a window at a time: the window's
// intents in one transaction, each through the device, the window's results in one
// transaction. The intents make this safe: a crash anywhere leaves every request either
// committed or open, and an open one is resolved by request ID.
//
// committed, when not nil, is told of each invoice as soon as it is in the store.
func (e *Engine) issueDrafts(ctx context.Context, drafts []*Invoice, committed func(*Invoice)) (issued []*Invoice, _ error) {
	window := e.BatchWindow
	if window <= 0 {
		window = 32
	}
	add := func(inv *Invoice) {
		issued = append(issued, inv)
		if committed != nil {
			committed(inv)
		}
	}
	// Requests left open by a crash are settled first; those the device had issued are
	// now in the store and need no second try.
	if err := e.resolveOpen(ctx, drafts); err != nil {
		return nil, err
	}
	var todo []*Invoice
	for _, d := range drafts {
		inv, _, found, err := e.Store.IssuedFor(d.RequestID)
		switch {
		case err != nil:
			return nil, err
		case found:
			add(inv)
		default:
			todo = append(todo, d)
		}
	}
	for mismatches := 0; len(todo) > 0; {
		kind := todo[0].Kind
		next, err := e.Device.Next(ctx, kind)
		if err != nil {
			return issued, fmt.Errorf("reading the device's stock: %w", err)
		}
		if next.Number == "" || next.Remaining <= 0 {
			if kind.Digital() {
				return issued, NewProblem(ErrRefused, "refused.digital_none", nil, nil)
			}
			return issued, NewProblem(ErrRefused, "refused.stock", Args{"kind": string(kind), "title": kind.Title()}, nil)
		}
		// The code must name the invoice's own kind, or its title and QR type would
		// contradict it (docs/rules.md "Invoice code"); a 数电票 has none.
		if kind.Digital() {
			if next.Code != "" || !ValidDigitalNumber(next.Number) {
				return issued, NewProblem(ErrRefused, "refused.digital_number", Args{"ref": Ref(next.Code, next.Number), "kind": string(kind)}, nil)
			}
		} else if k, ok := KindOfCode(next.Code); !ok || k != kind {
			return issued, NewProblem(ErrRefused, "refused.code_kind", Args{"code": next.Code, "kind": string(kind), "title": kind.Title()}, nil)
		}
		n := min(window, len(todo), next.Remaining)
		for i := 1; i < n; i++ { // a window holds invoices of one kind
			if todo[i].Kind != kind {
				n = i
				break
			}
		}
		intents, err := e.planWindow(todo[:n], next)
		if err != nil {
			return issued, err
		}
		if err := e.Store.BeginIssue(intents...); err != nil {
			return issued, fmt.Errorf("writing the intents: %w", err)
		}
		receipts, sent, sendErr := e.sendWindow(ctx, intents)
		if len(receipts) > 0 {
			if err := e.Store.CommitIssued(receipts...); err != nil {
				// The device has issued them; their intents stay open, and the next
				// reconciliation commits them from the device's journal.
				return issued, fmt.Errorf("storing %d issued invoices: %w", len(receipts), err)
			}
			for _, r := range receipts {
				add(r.Invoice)
			}
		}
		// Intents after the one that failed were never sent: close them.
		for _, in := range intents[sent:] {
			if err := e.Store.AbandonIntent(in.RequestID, e.Operator, "not sent: an earlier invoice of the batch failed"); err != nil {
				return issued, err
			}
		}
		if sendErr == nil {
			todo = todo[n:]
			continue
		}
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(sendErr, ctxErr) && sent < len(intents) {
			// Cancelled between invoices: every unsent intent is closed above.
			return issued, sendErr
		}
		failed := intents[sent-1]
		switch {
		case errors.Is(sendErr, ErrNumberMismatch) && mismatches < 3:
			// The device issued something this store does not know: the device refused
			// this request; take the unknown invoice from its journal and plan again.
			mismatches++
			if err := e.Store.AbandonIntent(failed.RequestID, e.Operator, sendErr.Error()); err != nil {
				return issued, err
			}
			if _, err := e.reconcileJournal(ctx, false); err != nil {
				return issued, err
			}
			todo = todo[sent-1:]
		case errors.Is(sendErr, ErrRefused) || errors.Is(sendErr, ErrNumberMismatch):
			if err := e.Store.AbandonIntent(failed.RequestID, e.Operator, sendErr.Error()); err != nil {
				return issued, err
			}
			return issued, fmt.Errorf("request %s: %w", failed.RequestID, sendErr)
		default:
			// Settling a lost answer is the invariant's business, not the caller's: a
			// cancelled caller must not leave the request open when it could be settled.
			inv, err := e.resolve(context.WithoutCancel(ctx), failed)
			if err != nil {
				return issued, fmt.Errorf("request %s: %w (%v; then %v)", failed.RequestID, ErrOutcomeUnknown, sendErr, err)
			}
			if inv == nil {
				// Settled: the device never issued it, so the loss is no longer unknown.
				return issued, fmt.Errorf("request %s was not issued (the device did not receive it: %v); it can be issued again", failed.RequestID, sendErr)
			}
			add(inv)
			todo = todo[sent:]
		}
	}
	return issued, nil
}

// planWindow gives each draft its intent with consecutive expected numbers (of the
// next number's width: 8 digits on a device, 20 on the digital channel). The window
// never runs past the roll or segment: the caller bounds it by next.Remaining.
func (e *Engine) planWindow(drafts []*Invoice, next NextNumber) ([]Intent, error) {
	intents := make([]Intent, len(drafts))
	for i, d := range drafts {
		n, ok := NumberPlus(next.Number, i)
		if !ok {
			return nil, fmt.Errorf("the device's next number %s: not digits, or %d past it overflows", Quote(next.Number), i)
		}
		intents[i] = Intent{RequestID: d.RequestID, OrderID: d.OrderID, PayloadHash: PayloadHash(d),
			ExpectedCode: next.Code, ExpectedNumber: n, Operator: e.Operator,
			Created: time.Now(), Draft: d}
	}
	return intents, nil
}

// sendWindow asks the device for each intent in turn and stops at the first error. sent
// counts the intents handed to the device, the failed one included.
func (e *Engine) sendWindow(ctx context.Context, intents []Intent) (receipts []Receipt, sent int, err error) {
	for i := range intents {
		in := &intents[i]
		if err := ctx.Err(); err != nil {
			// Cancelled between invoices: this one was never sent, like the rest.
			return receipts, i, fmt.Errorf("cancelled after %d of %d: %w", i, len(intents), err)
		}
		// Once handed to the device, an invoice finishes under the device's own deadline:
		// cancelling mid-command would only turn a clean answer into a lost one.
		r, err := e.Device.Issue(context.WithoutCancel(ctx), in.RequestID, in.ExpectedCode, in.ExpectedNumber, in.Draft)
		if err != nil {
			return receipts, i + 1, err
		}
		receipts = append(receipts, r)
	}
	return receipts, len(intents), nil
}

// resolve settles one intent whose answer was lost: ask the device for the request ID,
// again after a passing error, never again once it is unreachable (its port gone, or
// silent through one bounded wait). It returns the invoice when the device issued it
// (committed to the store), nil when it did not (intent abandoned), or an error saying
// how many look-ups were made when the device could not be asked (intent left open).
func (e *Engine) resolve(ctx context.Context, in Intent) (*Invoice, error) {
	tries, wait := e.ResolveTries, e.ResolveWait
	if tries <= 0 {
		tries = 5
	}
	if wait <= 0 {
		wait = 200 * time.Millisecond
	}
	var lastErr error
	for t := 0; t < tries; t++ {
		if t > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(wait):
			}
		}
		r, found, err := e.Device.Lookup(ctx, in.RequestID)
		if err != nil {
			lastErr = fmt.Errorf("%d lookup(s): %w", t+1, err)
			if errors.Is(err, ErrUnreachable) {
				break
			}
			continue
		}
		if !found {
			return nil, e.Store.AbandonIntent(in.RequestID, e.Operator, "the device never issued it")
		}
		if err := e.Store.CommitIssued(r); err != nil {
			return nil, err
		}
		return r.Invoice, nil
	}
	return nil, lastErr
}

// resolveOpen settles the open intents of these drafts before they are tried again.
func (e *Engine) resolveOpen(ctx context.Context, drafts []*Invoice) error {
	open, err := e.Store.OpenIntents()
	if err != nil || len(open) == 0 {
		return err
	}
	want := make(map[string]bool, len(drafts))
	for _, d := range drafts {
		want[d.RequestID] = true
	}
	for _, in := range open {
		if !want[in.RequestID] {
			continue
		}
		if _, err := e.resolve(ctx, in); err != nil {
			return fmt.Errorf("request %s from before: %w (%v)", in.RequestID, ErrOutcomeUnknown, err)
		}
	}
	return nil
}

// SetSeller changes the seller printed on the invoices issued from now on.
func (e *Engine) SetSeller(p Party) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Seller = p
}

// SetOperator changes who is issuing: the audit log's operator and the default 开票人.
func (e *Engine) SetOperator(name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Operator = name
}

// sameRedRequest reports whether a stored red invoice answers the request r: the same
// blue invoice and reason, and for a partial request, the same lines, quantities and
// amounts. (A full reversal's lines depend on what remained then, so they are not compared.)
func sameRedRequest(red *Invoice, r *RedRequest) bool {
	reason := RedReason(r.Reason)
	if reason == 0 {
		reason = ReasonError
	}
	if red.Red == nil || red.Red.Code != r.Code || red.Red.Number != r.Number || red.Red.Reason != reason || red.Red.Slip != r.Slip {
		return false
	}
	if len(r.Lines) == 0 {
		return true
	}
	if len(r.Lines) != len(red.Lines) {
		return false
	}
	for _, rl := range r.Lines {
		matched := false
		for _, l := range red.Lines {
			if l.Of != rl.Line {
				continue
			}
			matched = true
			if q, err := decimal.NewFromString(strings.TrimPrefix(rl.Quantity, "-")); rl.Quantity != "" && (err != nil || !l.Quantity.Abs().Equal(q)) {
				return false
			}
			if a, err := ParseMoney(strings.TrimPrefix(rl.Amount, "-")); rl.Amount != "" && (err != nil || l.Amount.Abs() != a) {
				return false
			}
		}
		if !matched {
			return false
		}
	}
	return true
}
