package workstation

import (
	"context"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/export"
	"github.com/kaipiao/kaipiao/invoice"
)

// The issuing channel as the screens show it: the home screen's figures (ChannelState),
// the connection banner (ChannelLink) and the tax-control device's panel (DevicePanel
// and its views). They are the service's own types, so the window needs neither the
// device package nor the store's, and a second issuing channel can fill the same views.

// ChannelState is the issuing channel at a glance, for the home screen.
type ChannelState struct {
	Machine       string
	NextNumber    string // code:number the next invoice takes
	StockLeft     int
	OfflineAmount invoice.Money // un-uploaded positive total
	OfflineLimit  invoice.Money
	OldestPending time.Time
	OfflineHours  int
	Locks         []invoice.Said // why issuing is refused now; empty when it is not
	// Digital marks the digital channel (docs/digital.md): no machine; NextNumber is the
	// 20-digit number, StockLeft the numbers held, and the quota of Period and the upload
	// deadline are set.
	Digital        bool
	Period         string // the quota's month, YYYY-MM
	QuotaHeld      invoice.Money
	QuotaUsed      invoice.Money
	UploadDeadline time.Time
}

// ChannelLink is the channel's connection as the banner shows it.
type ChannelLink struct {
	Connected bool
	Port      string // the port the device is (or should be) on, as the clerk knows it
	Problem   string // what is wrong, in Chinese
	Hint      string // what to do about it
	// Key and Args are Problem's catalogue message, when it has one (Hint's is
	// Key+"/hint"): the window shows them in its own language.
	Key  string
	Args invoice.Args
}

// LinkView is the link's state as the banner shows it.
func LinkView(st LinkState) ChannelLink {
	return ChannelLink{Connected: st.Connected, Port: PortName(st.Addr), Problem: st.Problem, Hint: st.Hint, Key: st.Key, Args: st.Args}
}

// PortChoice is a serial port the system has, for choosing the device.
type PortChoice struct {
	Address string // what the program opens: a path, or the stable /dev/serial/by-id name
	Label   string // what the clerk reads: the path with the USB maker, product and serial
}

// DeviceStatus is the device's identity, PIN and period as the panel shows them.
type DeviceStatus struct {
	Machine      string
	SellerTaxID  string
	Clock        time.Time
	PINVerified  bool // in this session
	PINLocked    bool
	PINTriesLeft int
	Period       string         // the open month, YYYYMM
	Reported     bool           // the open month's summary (抄报) has been made
	Locks        []invoice.Said // every reason issuing is locked now, as the device words it
}

// DeviceRoll is one roll of invoice numbers (发票卷) in the device, or, with Start 0, a
// type's stock not yet opened into rolls (device.Roll.Unopened). It is the panel's view,
// so that the window need not import the device package (internal/archtest); it has
// device.Roll's fields, converts to it, and asks it the rules of a roll.
type DeviceRoll struct {
	Code      string // 发票代码, 12 digits
	Start     uint32 // first number; 0 for the stock not yet opened
	Count     uint32
	Remaining uint32
}

// Unopened says whether the entry is a type's stock not yet opened into rolls: it has no
// code or numbers yet, only a count.
func (r DeviceRoll) Unopened() bool { return device.Roll(r).Unopened() }

// Next is the roll's next unused number, 8 digits; meaningless when Remaining is 0.
func (r DeviceRoll) Next() string { return device.Roll(r).Next() }

// Kind is the invoice type the roll's code names, empty for a code of no known type.
func (r DeviceRoll) Kind() invoice.Kind { return device.Roll(r).Kind() }

// DeviceOffline is the device's offline counters against their limits.
type DeviceOffline struct {
	HoursLimit    int           // 离线开票时长
	AmountLimit   invoice.Money // 离线正数累计金额
	InvoiceLimit  invoice.Money // 单张限额
	Pending       int           // invoices not yet acknowledged as uploaded
	PendingAmount invoice.Money // their positive total before tax
	OldestPending time.Time     // zero when nothing is pending
}

// DeviceReport is a period's summary (抄报) as the panel shows it: the summary the
// month's statistics are compared with (export.CompareSummary), so the window can hand
// it over as it is.
type DeviceReport = export.Summary

// deviceAPI is what the device panel needs of the device, in the device's own types:
// *Link and *device.Client both have it.
type deviceAPI interface {
	Status(ctx context.Context) (device.Status, error)
	Stock(ctx context.Context) ([]device.Roll, error)
	Offline(ctx context.Context) (device.Offline, error)
	Report(ctx context.Context, requestID, period string) (device.Report, error)
	Clear(ctx context.Context, requestID, period string) (device.Status, error)
	ChangePIN(ctx context.Context, requestID, oldPIN, newPIN string) error
}

// DevicePanel is the administrator's device panel (stock, offline counters, 抄报, 清卡,
// PIN): the device's answers converted into the panel's views.
type DevicePanel struct{ dev deviceAPI }

// Status is the device's identity, PIN and period.
func (p *DevicePanel) Status(ctx context.Context) (DeviceStatus, error) {
	st, err := p.dev.Status(ctx)
	return statusView(st), err
}

// Stock lists the device's rolls of invoice numbers.
func (p *DevicePanel) Stock(ctx context.Context) ([]DeviceRoll, error) {
	rolls, err := p.dev.Stock(ctx)
	out := make([]DeviceRoll, len(rolls))
	for i, r := range rolls {
		out[i] = DeviceRoll(r)
	}
	return out, err
}

// Offline is the device's offline counters.
func (p *DevicePanel) Offline(ctx context.Context) (DeviceOffline, error) {
	o, err := p.dev.Offline(ctx)
	return DeviceOffline{HoursLimit: o.HoursLimit, AmountLimit: o.AmountLimit, InvoiceLimit: o.InvoiceLimit,
		Pending: o.Pending, PendingAmount: o.PendingAmount, OldestPending: o.OldestPending}, err
}

// Report makes the monthly summary (抄报) of the open period; a repeated request ID
// returns the first answer.
func (p *DevicePanel) Report(ctx context.Context, requestID, period string) (DeviceReport, error) {
	r, err := p.dev.Report(ctx, requestID, period)
	return export.SummaryOf(r), err
}

// Clear closes the reported period (清卡).
func (p *DevicePanel) Clear(ctx context.Context, requestID, period string) (DeviceStatus, error) {
	st, err := p.dev.Clear(ctx, requestID, period)
	return statusView(st), err
}

// ChangePIN changes the device's PIN.
func (p *DevicePanel) ChangePIN(ctx context.Context, requestID, oldPIN, newPIN string) error {
	return p.dev.ChangePIN(ctx, requestID, oldPIN, newPIN)
}

// statusView is the device's status as the panel shows it; each lock in the device's words.
func statusView(st device.Status) DeviceStatus {
	v := DeviceStatus{Machine: st.Machine, SellerTaxID: st.SellerTaxID, Clock: st.Clock, PINVerified: st.PINVerified,
		PINLocked: st.PINLocked, PINTriesLeft: st.PINTriesLeft, Period: st.Period, Reported: st.Reported}
	for _, c := range st.Locks {
		v.Locks = append(v.Locks, c.Said())
	}
	return v
}
