package invoice

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Headroom is what the device has left for issuing now. An order that splits into
// several invoices is checked against it as a whole before its first invoice, so that
// it is issued entirely or not at all (docs/DESIGN.md, "split orders").
type Headroom struct {
	Now   time.Time // the device's clock
	Stock int       // invoice numbers left in all rolls
	// StockOf is the numbers left per invoice type (an e-special invoice cannot take an
	// e-ordinary number); nil when the device does not tell them apart: Stock then counts.
	StockOf map[Kind]int
	// OfflineLeft is how much more positive amount before tax may be issued before the
	// uploaded invoices are acknowledged (离线正数累计金额 less what is pending);
	// OfflineLimit is that limit.
	OfflineLeft, OfflineLimit Money
	// OfflineUntil is when the offline hours (离线开票时长) run out; zero when nothing
	// is pending, so they cannot run out during the order.
	OfflineUntil time.Time
	// LockAt is when the open month locks issuing (开票截止时间) unless reported and
	// cleared; zero when unknown.
	LockAt time.Time
	// Locks say why the device refuses to issue now; empty when it does not.
	Locks []Said
}

// HeadroomDevice is a Device that can say its headroom. The engine checks split orders
// against it when the device offers it.
type HeadroomDevice interface {
	Headroom(ctx context.Context) (Headroom, error)
}

// ErrNoHeadroom: the order, taken whole, does not fit what the device has left; nothing
// of it was issued. It wraps ErrRefused.
var ErrNoHeadroom = newSentinelOf(ErrRefused, "order.no_headroom")

// perInvoice is how long one ISSUE may take (the protocol's deadline), for checking that
// a long order finishes before the offline hours or the month's lock run out.
const perInvoice = 5 * time.Second

// needs is what a set of drafts takes from the device.
type needs struct {
	count  int
	kinds  map[Kind]int
	amount Money // positive totals before tax
}

func needsOf(drafts []*Invoice) needs {
	n := needs{count: len(drafts), kinds: map[Kind]int{}}
	for _, d := range drafts {
		n.kinds[d.Kind]++
		if a := d.Totals().Amount; a > 0 {
			n.amount += a
		}
	}
	return n
}

// fits says whether n fits h, and if not, why, naming the limit: an ErrNoHeadroom
// Problem (the catalogue's headroom.* messages).
func (h *Headroom) fits(orderID string, parts int, n needs) error {
	refuse := func(key string, args Args) error {
		args["order"], args["parts"] = orderID, fmt.Sprint(parts)
		return NewProblem(ErrNoHeadroom, key, args, nil)
	}
	if len(h.Locks) > 0 {
		return refuse("headroom.locked", Args{"lock": h.Locks[0].Text(Chinese), "lock_en": h.Locks[0].Text(English)})
	}
	if h.StockOf == nil && n.count > h.Stock {
		return refuse("headroom.stock", Args{"need": fmt.Sprint(n.count), "left": fmt.Sprint(h.Stock)})
	}
	for k, c := range n.kinds {
		if left := h.StockOf[k]; h.StockOf != nil && c > left {
			return refuse("headroom.stock/kind", Args{"need": fmt.Sprint(c), "left": fmt.Sprint(left),
				"kind": string(k), "title": k.Title()})
		}
	}
	if h.OfflineLimit > 0 && n.amount > h.OfflineLeft {
		return refuse("headroom.offline_amount", Args{"amount": n.amount.String(), "left": h.OfflineLeft.String(),
			"limit": h.OfflineLimit.String()})
	}
	done := h.Now.Add(time.Duration(n.count) * perInvoice)
	if !h.OfflineUntil.IsZero() && done.After(h.OfflineUntil) {
		return refuse("headroom.offline_hours", Args{"at": h.OfflineUntil.Format("2006-01-02 15:04"),
			"at_rfc3339": h.OfflineUntil.Format(time.RFC3339)})
	}
	if !h.LockAt.IsZero() && done.After(h.LockAt) {
		return refuse("headroom.month_lock", Args{"at": h.LockAt.Format("2006-01-02 15:04"),
			"at_rfc3339": h.LockAt.Format(time.RFC3339)})
	}
	return nil
}

// take subtracts what n uses, for the next order of a batch.
func (h *Headroom) take(n needs) {
	h.Stock -= n.count
	for k, c := range n.kinds {
		if h.StockOf != nil {
			h.StockOf[k] -= c
		}
	}
	h.OfflineLeft -= n.amount
	h.Now = h.Now.Add(time.Duration(n.count) * perInvoice)
}

// headroom reads the device's headroom, or nil when the device cannot say.
func (e *Engine) headroom(ctx context.Context) (*Headroom, error) {
	hd, ok := e.Device.(HeadroomDevice)
	if !ok {
		return nil, nil
	}
	h, err := hd.Headroom(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading what the device has left: %w", err)
	}
	return &h, nil
}

// PartlyIssued is an order some of whose invoices were issued before a failure stopped
// it: the rest is issued by IssueRest once the cause is gone.
type PartlyIssued struct {
	OrderID string    `json:"order_id"`
	Order   *Order    `json:"order"`
	Parts   int       `json:"parts"`  // invoices the order splits into
	Issued  int       `json:"issued"` // of which issued
	Reason  string    `json:"reason"` // why it stopped
	At      time.Time `json:"at"`
}

// PartialStore is a Store that keeps the partly issued orders.
type PartialStore interface {
	MarkPartlyIssued(p PartlyIssued, operator string) error
	ClearPartlyIssued(orderID, operator string) error
	PartlyIssuedOrders() ([]PartlyIssued, error)
}

// ErrPartlyIssued wraps the error that stopped an order after some of its invoices were
// issued: those are returned beside it, and the order is kept as partly issued.
var ErrPartlyIssued = NewSentinel("order.partly_issued")

// notePartial records an order's fate in the store: partly issued (issued of parts) with
// the reason, or complete (the mark cleared).
func (e *Engine) notePartial(o *Order, parts, issued int, cause error) error {
	ps, ok := e.Store.(PartialStore)
	if !ok || o == nil || o.OrderID == "" || parts <= 1 {
		return nil
	}
	if cause == nil || issued == 0 {
		if issued == parts {
			return ps.ClearPartlyIssued(o.OrderID, e.Operator)
		}
		return nil
	}
	return ps.MarkPartlyIssued(PartlyIssued{OrderID: o.OrderID, Order: o, Parts: parts, Issued: issued,
		Reason: cause.Error(), At: time.Now()}, e.Operator)
}

// IssueRest issues what remains of a partly issued order, as recorded: the invoices
// already issued are replayed, never issued again.
func (e *Engine) IssueRest(ctx context.Context, orderID string) ([]Outcome, error) {
	ps, ok := e.Store.(PartialStore)
	if !ok {
		return nil, errors.New("this store keeps no partly issued orders")
	}
	all, err := ps.PartlyIssuedOrders()
	if err != nil {
		return nil, err
	}
	for _, p := range all {
		if p.OrderID == orderID {
			return e.Issue(ctx, p.Order)
		}
	}
	return nil, fmt.Errorf("order %s is not partly issued", orderID)
}
