package device

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
)

// EngineDevice adapts a connected Client to the issuing engine's invoice.Device: it maps
// the device's answers onto the engine's three kinds of failure (a definite refusal, a
// number mismatch, an unknown outcome).
type EngineDevice struct {
	Client *Client
}

var _ invoice.Device = EngineDevice{}

// Machine is the device's 机器编号 from the session handshake.
func (d EngineDevice) Machine() string { return d.Client.Hello().Machine }

// Limits are the device's rule limits from CAPS.
func (d EngineDevice) Limits(ctx context.Context) (invoice.Limits, error) {
	caps, err := d.Client.Caps(ctx)
	if err != nil {
		return invoice.Limits{}, err
	}
	return caps.Limits, nil
}

// Next reads where the stock of kind stands: the next code and number of that kind from
// STATUS, and what remains of that roll from STOCK.
func (d EngineDevice) Next(ctx context.Context, kind invoice.Kind) (invoice.NextNumber, error) {
	st, err := d.Client.Status(ctx)
	if err != nil {
		return invoice.NextNumber{}, err
	}
	next, ok := st.NextFor(kind)
	if !ok {
		return invoice.NextNumber{}, nil
	}
	rolls, err := d.Client.Stock(ctx)
	if err != nil {
		return invoice.NextNumber{}, err
	}
	for _, r := range rolls {
		if !r.Unopened() && r.Code == next.Code && r.Remaining > 0 && r.Next() == next.Number {
			return invoice.NextNumber{Code: next.Code, Number: next.Number, Remaining: int(r.Remaining)}, nil
		}
	}
	// The roll is not listed as the one in use (the device opens it at this invoice):
	// plan one invoice at a time; the next read finds it opened.
	return invoice.NextNumber{Code: next.Code, Number: next.Number, Remaining: 1}, nil
}

// Headroom reads what the device has left (STATUS, STOCK, OFFLINE), for the engine's
// all-or-nothing check of a split order.
func (d EngineDevice) Headroom(ctx context.Context) (invoice.Headroom, error) {
	st, err := d.Client.Status(ctx)
	if err != nil {
		return invoice.Headroom{}, err
	}
	rolls, err := d.Client.Stock(ctx)
	if err != nil {
		return invoice.Headroom{}, err
	}
	off, err := d.Client.Offline(ctx)
	if err != nil {
		return invoice.Headroom{}, err
	}
	h := invoice.Headroom{Now: st.Clock, OfflineLimit: off.AmountLimit, OfflineLeft: off.AmountLimit - off.PendingAmount}
	h.StockOf = map[invoice.Kind]int{}
	for _, r := range rolls { // opened rolls and the stock not yet opened alike
		h.Stock += int(r.Remaining)
		h.StockOf[r.Kind()] += int(r.Remaining)
	}
	if !off.OldestPending.IsZero() && off.HoursLimit > 0 {
		h.OfflineUntil = off.OldestPending.Add(time.Duration(off.HoursLimit) * time.Hour)
	}
	if t, err := time.ParseInLocation("200601", off.Period, st.Clock.Location()); err == nil && off.DeadlineDay > 0 {
		// The open month locks after day DeadlineDay of the month that follows it.
		h.LockAt = t.AddDate(0, 1, off.DeadlineDay)
	}
	for _, c := range st.Locks {
		h.Locks = append(h.Locks, c.Said())
	}
	return h, nil
}

var _ invoice.HeadroomDevice = EngineDevice{}

// Issue sends ISSUE (or ISSUE_RED) with the request ID and the expected code and number.
func (d EngineDevice) Issue(ctx context.Context, requestID, code, number string, draft *invoice.Invoice) (invoice.Receipt, error) {
	rec, err := d.Client.IssueRecord(ctx, IssueRequest{RequestID: requestID, ExpectedCode: code, ExpectedNumber: number,
		Invoice: *draft})
	if err != nil {
		return invoice.Receipt{}, engineError(err)
	}
	return receipt(rec), nil
}

// Lookup asks for the invoice issued for a request ID; CodeNotFound means never issued.
// A port that is gone, or a device silent through the whole wait (after a silence, the
// short probe wait: PROTOCOL.md §3.3), is invoice.ErrUnreachable: the engine does not
// ask again.
func (d EngineDevice) Lookup(ctx context.Context, requestID string) (invoice.Receipt, bool, error) {
	rec, err := d.Client.QueryByRequestID(ctx, requestID)
	if errors.Is(err, CodeNotFound) {
		return invoice.Receipt{}, false, nil
	}
	if errors.Is(err, ErrDisconnected) || errors.Is(err, ErrTimeout) || errors.Is(err, ErrDeviceChanged) {
		return invoice.Receipt{}, false, fmt.Errorf("%w: %w", invoice.ErrUnreachable, err)
	}
	if err != nil {
		return invoice.Receipt{}, false, err
	}
	return receipt(rec), true, nil
}

// Journal reads the device's journal.
func (d EngineDevice) Journal(ctx context.Context, from uint64, n int) ([]invoice.Receipt, error) {
	recs, err := d.Client.Journal(ctx, from, n)
	if err != nil {
		return nil, err
	}
	out := make([]invoice.Receipt, len(recs))
	for i, r := range recs {
		out[i] = receipt(r)
	}
	return out, nil
}

func receipt(r Record) invoice.Receipt {
	inv := r.Invoice
	return invoice.Receipt{Invoice: &inv, Counter: r.Counter}
}

// engineError classifies a failed ISSUE for the engine, keeping the device's own error
// (and its Chinese message) inside.
func engineError(err error) error {
	var de *Error
	switch {
	case errors.Is(err, ErrOutcomeUnknown):
		return fmt.Errorf("%w: %w", invoice.ErrOutcomeUnknown, err)
	case errors.As(err, &de) && de.Code == CodeNumberMismatch:
		return fmt.Errorf("%w: %w", invoice.ErrNumberMismatch, err)
	case errors.As(err, &de):
		return fmt.Errorf("%s: %w: %w", de.Message(), invoice.ErrRefused, err)
	}
	return err
}
