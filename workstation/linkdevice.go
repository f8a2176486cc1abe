package workstation

import (
	"context"
	"fmt"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
)

// linkDevice is the engine's device through a Link: whichever client the link holds now.
type linkDevice struct{ l *Link }

var _ invoice.Device = linkDevice{}

func (d linkDevice) dev() (device.EngineDevice, error) {
	c, err := d.l.current()
	return device.EngineDevice{Client: c}, err
}

func (d linkDevice) Machine() string {
	if e, err := d.dev(); err == nil {
		return e.Machine()
	}
	return ""
}

func (d linkDevice) Limits(ctx context.Context) (invoice.Limits, error) {
	e, err := d.dev()
	if err != nil {
		return invoice.Limits{}, err
	}
	return e.Limits(ctx)
}

func (d linkDevice) Next(ctx context.Context, kind invoice.Kind) (invoice.NextNumber, error) {
	e, err := d.dev()
	if err != nil {
		return invoice.NextNumber{}, err
	}
	return e.Next(ctx, kind)
}

func (d linkDevice) Headroom(ctx context.Context) (invoice.Headroom, error) {
	e, err := d.dev()
	if err != nil {
		return invoice.Headroom{}, err
	}
	return e.Headroom(ctx)
}

func (d linkDevice) Issue(ctx context.Context, requestID, code, number string, draft *invoice.Invoice) (invoice.Receipt, error) {
	e, err := d.dev()
	if err != nil {
		return invoice.Receipt{}, err // nothing was sent: a plain error, not an unknown outcome
	}
	return e.Issue(ctx, requestID, code, number, draft)
}

func (d linkDevice) Lookup(ctx context.Context, requestID string) (invoice.Receipt, bool, error) {
	e, err := d.dev()
	if err != nil {
		return invoice.Receipt{}, false, fmt.Errorf("%w: %w", invoice.ErrUnreachable, err) // no device: do not ask again now
	}
	return e.Lookup(ctx, requestID)
}

func (d linkDevice) Journal(ctx context.Context, from uint64, n int) ([]invoice.Receipt, error) {
	e, err := d.dev()
	if err != nil {
		return nil, err
	}
	return e.Journal(ctx, from, n)
}

// The device panel's commands (ui.DevicePanel), refused with ErrNoDevice while the
// device is away.

// Status reads the device's state.
func (l *Link) Status(ctx context.Context) (device.Status, error) {
	c, err := l.Client()
	if err != nil {
		return device.Status{}, err
	}
	return c.Status(ctx)
}

// Stock reads the device's invoice rolls.
func (l *Link) Stock(ctx context.Context) ([]device.Roll, error) {
	c, err := l.Client()
	if err != nil {
		return nil, err
	}
	return c.Stock(ctx)
}

// Offline reads the offline counters.
func (l *Link) Offline(ctx context.Context) (device.Offline, error) {
	c, err := l.Client()
	if err != nil {
		return device.Offline{}, err
	}
	return c.Offline(ctx)
}

// Report makes the monthly summary (抄报).
func (l *Link) Report(ctx context.Context, requestID, period string) (device.Report, error) {
	c, err := l.Client()
	if err != nil {
		return device.Report{}, err
	}
	return c.Report(ctx, requestID, period)
}

// Clear closes the reported period (清卡).
func (l *Link) Clear(ctx context.Context, requestID, period string) (device.Status, error) {
	c, err := l.Client()
	if err != nil {
		return device.Status{}, err
	}
	return c.Clear(ctx, requestID, period)
}

// ChangePIN replaces the device PIN.
func (l *Link) ChangePIN(ctx context.Context, requestID, oldPIN, newPIN string) error {
	c, err := l.Client()
	if err != nil {
		return err
	}
	return c.ChangePIN(ctx, requestID, oldPIN, newPIN)
}

// Export reads the device's next upload packet, for the sync's relay.
func (l *Link) Export(ctx context.Context, max int) (device.UploadPacket, error) {
	c, err := l.Client()
	if err != nil {
		return device.UploadPacket{}, err
	}
	return c.Export(ctx, max)
}

// UploadAck writes the tax authority's acknowledgement to the device.
func (l *Link) UploadAck(ctx context.Context, ack device.UploadAck) (device.Offline, error) {
	c, err := l.Client()
	if err != nil {
		return device.Offline{}, err
	}
	return c.UploadAck(ctx, ack)
}
