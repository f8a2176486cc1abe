package main

import (
	"context"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/ui"
)

// deviceAPI is what the device panel needs of the device, in the device's own types:
// *workstation.Link and *device.Client both have it.
type deviceAPI interface {
	Status(ctx context.Context) (device.Status, error)
	Stock(ctx context.Context) ([]device.Roll, error)
	Offline(ctx context.Context) (device.Offline, error)
	Report(ctx context.Context, requestID, period string) (device.Report, error)
	Clear(ctx context.Context, requestID, period string) (device.Status, error)
	ChangePIN(ctx context.Context, requestID, oldPIN, newPIN string) error
}

// devicePanel converts the device's answers into the panel's view (ui.DevicePanel): ui
// does not import the device package.
type devicePanel struct{ dev deviceAPI }

func (p devicePanel) Status(ctx context.Context) (ui.DeviceStatus, error) {
	st, err := p.dev.Status(ctx)
	return statusView(st), err
}

func (p devicePanel) Stock(ctx context.Context) ([]ui.DeviceRoll, error) {
	rolls, err := p.dev.Stock(ctx)
	out := make([]ui.DeviceRoll, len(rolls))
	for i, r := range rolls {
		out[i] = ui.DeviceRoll{Code: r.Code, Start: r.Start, Count: r.Count, Remaining: r.Remaining}
	}
	return out, err
}

func (p devicePanel) Offline(ctx context.Context) (ui.DeviceOffline, error) {
	o, err := p.dev.Offline(ctx)
	return ui.DeviceOffline{HoursLimit: o.HoursLimit, AmountLimit: o.AmountLimit, InvoiceLimit: o.InvoiceLimit,
		Pending: o.Pending, PendingAmount: o.PendingAmount, OldestPending: o.OldestPending}, err
}

func (p devicePanel) Report(ctx context.Context, requestID, period string) (ui.DeviceReport, error) {
	r, err := p.dev.Report(ctx, requestID, period)
	return ui.DeviceReport{Period: r.Period, Count: r.Count, RedCount: r.RedCount, Amount: r.Amount, Tax: r.Tax,
		RedAmount: r.RedAmount, RedTax: r.RedTax}, err
}

func (p devicePanel) Clear(ctx context.Context, requestID, period string) (ui.DeviceStatus, error) {
	st, err := p.dev.Clear(ctx, requestID, period)
	return statusView(st), err
}

func (p devicePanel) ChangePIN(ctx context.Context, requestID, oldPIN, newPIN string) error {
	return p.dev.ChangePIN(ctx, requestID, oldPIN, newPIN)
}

// statusView is the device's status as the panel shows it; each lock in the device's words.
func statusView(st device.Status) ui.DeviceStatus {
	v := ui.DeviceStatus{Machine: st.Machine, SellerTaxID: st.SellerTaxID, Clock: st.Clock, PINVerified: st.PINVerified,
		PINLocked: st.PINLocked, PINTriesLeft: st.PINTriesLeft, Period: st.Period, Reported: st.Reported}
	for _, c := range st.Locks {
		v.Locks = append(v.Locks, c.Message())
	}
	return v
}
