package ui

import (
	"context"

	"github.com/kaipiao/kaipiao/device"
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

// devicePanel is the tests' copy of main's adapter (devicepanel.go there): the device's
// answers in the panel's view, for the tests that drive a simulator's client.
type devicePanel struct{ dev deviceAPI }

func (p devicePanel) Status(ctx context.Context) (DeviceStatus, error) {
	st, err := p.dev.Status(ctx)
	return statusView(st), err
}

func (p devicePanel) Stock(ctx context.Context) ([]DeviceRoll, error) {
	rolls, err := p.dev.Stock(ctx)
	out := make([]DeviceRoll, len(rolls))
	for i, r := range rolls {
		out[i] = DeviceRoll{Code: r.Code, Start: r.Start, Count: r.Count, Remaining: r.Remaining}
	}
	return out, err
}

func (p devicePanel) Offline(ctx context.Context) (DeviceOffline, error) {
	o, err := p.dev.Offline(ctx)
	return DeviceOffline{HoursLimit: o.HoursLimit, AmountLimit: o.AmountLimit, InvoiceLimit: o.InvoiceLimit,
		Pending: o.Pending, PendingAmount: o.PendingAmount, OldestPending: o.OldestPending}, err
}

func (p devicePanel) Report(ctx context.Context, requestID, period string) (DeviceReport, error) {
	r, err := p.dev.Report(ctx, requestID, period)
	return DeviceReport{Period: r.Period, Count: r.Count, RedCount: r.RedCount, Amount: r.Amount, Tax: r.Tax,
		RedAmount: r.RedAmount, RedTax: r.RedTax}, err
}

func (p devicePanel) Clear(ctx context.Context, requestID, period string) (DeviceStatus, error) {
	st, err := p.dev.Clear(ctx, requestID, period)
	return statusView(st), err
}

func (p devicePanel) ChangePIN(ctx context.Context, requestID, oldPIN, newPIN string) error {
	return p.dev.ChangePIN(ctx, requestID, oldPIN, newPIN)
}

// statusView is the device's status as the panel shows it; each lock in the device's words.
func statusView(st device.Status) DeviceStatus {
	v := DeviceStatus{Machine: st.Machine, SellerTaxID: st.SellerTaxID, Clock: st.Clock, PINVerified: st.PINVerified,
		PINLocked: st.PINLocked, PINTriesLeft: st.PINTriesLeft, Period: st.Period, Reported: st.Reported}
	for _, c := range st.Locks {
		v.Locks = append(v.Locks, c.Message())
	}
	return v
}
