package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2/lang"
	"github.com/kaipiao/kaipiao/invoice"
)

// The digital channel (数电票, docs/digital.md): the screens declare what they need of it
// here, and main wires the real channel (package digital) and the platform's slips; the
// tests wire fakes. The screens never learn how numbers, quota or slips are kept.

// Channel is how the workstation issues: through the tax-control device, or through the
// digital channel without one. Saved per data folder.
type Channel string

// The channels.
const (
	ChannelDevice  Channel = "device"
	ChannelDigital Channel = "digital"
)

// DigitalStatus is the digital channel at a glance, as `kaipiaoctl digital status`
// reports it.
type DigitalStatus struct {
	NumbersHeld    int    // numbers assigned and not yet used
	NextNumber     string // the 20-digit number the next invoice takes; empty with none held
	QuotaHeld      invoice.Money
	QuotaUsed      invoice.Money
	PendingUpload  int       // invoices issued and not yet acknowledged by the platform
	UploadDeadline time.Time // issuing is refused after it; zero when none is set
}

// QuotaLeft is what the held quota still allows (never below zero).
func (s DigitalStatus) QuotaLeft() invoice.Money { return max(0, s.QuotaHeld-s.QuotaUsed) }

// DigitalReturned is what a return gave back to the platform.
type DigitalReturned struct {
	Quota   invoice.Money // the quota not used
	Numbers int           // the numbers not used, reported as unused
}

// DigitalChannel is the digital channel's numbers and quota: their state, fetching more
// from the platform, and giving back what is not used.
type DigitalChannel interface {
	Status(ctx context.Context) (DigitalStatus, error)
	// Fetch asks the platform for up to numbers numbers (at most 5,000) and quota; it
	// returns the state after the platform's answer.
	Fetch(ctx context.Context, numbers int, quota invoice.Money) (DigitalStatus, error)
	// Return gives the unused quota back and reports the unused numbers.
	Return(ctx context.Context) (DigitalReturned, error)
}

// MaxFetchNumbers is the most numbers one fetch may ask for (the platform's limit).
const MaxFetchNumbers = 5000

// SlipState is a confirmation slip's state, the spec's two-digit code (01…09).
type SlipState string

// The states of a 红字发票信息确认单.
const (
	SlipNoConfirm      SlipState = "01" // 无需确认
	SlipSellerAsked    SlipState = "02" // 销方录入待购方确认
	SlipBuyerAsked     SlipState = "03" // 购方录入待销方确认
	SlipConfirmed      SlipState = "04" // 购销双方已确认
	SlipBuyerRefused   SlipState = "05" // 作废（销方录入购方否认）
	SlipSellerRefused  SlipState = "06" // 作废（购方录入销方否认）
	SlipExpired        SlipState = "07" // 作废（超72小时未确认）
	SlipWithdrawn      SlipState = "08" // 作废（发起方撤销）
	SlipWithdrawnAfter SlipState = "09" // 作废（确认后撤销）
)

// slipStateText is the state as the clerk reads it.
var slipStateText = map[SlipState]string{
	SlipNoConfirm: "无需确认", SlipSellerAsked: "销方录入待购方确认", SlipBuyerAsked: "购方录入待销方确认",
	SlipConfirmed: "购销双方已确认", SlipBuyerRefused: "作废（购方否认）", SlipSellerRefused: "作废（销方否认）",
	SlipExpired: "作废（超72小时未确认）", SlipWithdrawn: "作废（发起方撤销）", SlipWithdrawnAfter: "作废（确认后撤销）",
}

// Slip is a red-invoice confirmation slip (红字发票信息确认单) as the platform holds it.
type Slip struct {
	ID            string // the platform's 20-digit slip number
	Blue          string // the blue invoice's 20-digit number
	Seller, Buyer invoice.Party
	// BySeller says the seller started the slip (lrfsf 0); else the buyer did.
	BySeller bool
	// Incoming says the other enterprise started it: it is this workstation's to answer.
	Incoming bool
	Whole    bool          // the whole blue invoice
	Lines    []int         // the blue invoice's lines reversed (1-based); none for all or an amount
	Amount   invoice.Money // the amount reversed, excluding tax (positive)
	Tax      invoice.Money // its tax (positive)
	Reason   invoice.RedReason
	State    SlipState
	Created  time.Time
	Deadline time.Time // an unanswered slip is void after it (72 hours after Created)
	Red      string    // the red invoice issued from it; empty until then
}

// WeAreSeller says this workstation's enterprise is the slip's seller: the one that
// issues its red invoice.
func (s Slip) WeAreSeller() bool { return s.Incoming != s.BySeller }

// SlipRequest asks for a slip reversing a blue invoice: the whole of it, some of its
// lines, or an amount.
type SlipRequest struct {
	// RequestID makes the request idempotent: one dialog sends one ID, so that a retry
	// after a lost answer makes no second slip.
	RequestID string
	Of        string        // the blue invoice's 20-digit number
	Lines     []int         // the lines to reverse in full (1-based); nil for all or an amount
	Amount    invoice.Money // an amount excluding tax to reverse; zero for all or lines
	Reason    invoice.RedReason
	// Quick asks for a quick full red (快捷全额红冲): the whole invoice, by its seller,
	// refused by the platform unless the slip needs no confirmation.
	Quick bool
}

// SlipAction is an answer to a slip.
type SlipAction string

// The answers: the other party confirms or refuses; the one who started it withdraws.
const (
	SlipConfirm  SlipAction = "confirm"
	SlipRefuse   SlipAction = "refuse"
	SlipWithdraw SlipAction = "withdraw"
)

// Slips is the platform's confirmation slips as this workstation's enterprise sees them,
// as seller and as buyer.
type Slips interface {
	// List returns the slips this enterprise started, or with incoming those the other
	// party started, newest first.
	List(ctx context.Context, incoming bool) ([]Slip, error)
	Request(ctx context.Context, r SlipRequest) (Slip, error)
	Answer(ctx context.Context, slip string, a SlipAction) (Slip, error)
	// IssueRed issues the red invoice of a confirmed slip (or one that needs no
	// confirmation) and returns it.
	IssueRed(ctx context.Context, slip string) (*invoice.Invoice, error)
}

// isDigital says an invoice came from the digital channel: a digital kind, or a 20-digit
// number and no code (docs/digital.md).
func isDigital(inv *invoice.Invoice) bool {
	return inv.Kind.Digital() || (inv.Code == "" && invoice.ValidDigitalNumber(inv.Number))
}

// invoiceName is how the clerk reads which invoice it is: the code and the number, or a
// digital invoice's number alone.
func invoiceName(code, number string) string {
	if code == "" {
		return number
	}
	return code + " " + number
}

// draftDigitalNumber stands for the number a digital draft does not have yet.
const draftDigitalNumber = "00000000000000000000"

// draftPreview gives a draft the look of an issued invoice of the workstation's channel:
// on the digital channel the 数电票's layout, with a placeholder number and no code.
func (u *UI) draftPreview(d *invoice.Invoice) *invoice.Invoice {
	if channelOf(u.ws) != ChannelDigital {
		return draftForPreview(d)
	}
	p := *d
	p.Kind = p.Kind.Digitalized()
	p.Issued = invoice.Issued{Number: draftDigitalNumber}
	return &p
}

// isDraftPreview says the invoice is a draft dressed for the preview: it carries no seal.
func isDraftPreview(inv *invoice.Invoice) bool {
	return inv.Code == draftCode || (inv.Code == "" && inv.Number == draftDigitalNumber)
}

// issuedName is an issued invoice as the messages after issuing name it: 发票代码 and 号码,
// or a 数电票's number alone.
func issuedName(inv *invoice.Invoice) string {
	if inv.Code == "" {
		return lang.L("数电票号码 {{.Number}}", map[string]any{"Number": inv.Number})
	}
	return lang.L("发票代码 {{.Code}}  号码 {{.Number}}", map[string]any{"Code": inv.Code, "Number": inv.Number})
}
