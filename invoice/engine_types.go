package invoice

import (
	"context"
	"time"
)

// Intent is written, and fsynced, before the device is asked to issue: after a crash it
// says which requests may have reached the device, to be resolved by request ID. The
// store keeps it in its own record (store/record.go).
type Intent struct {
	RequestID      string
	OrderID        string
	PayloadHash    string // PayloadHash of Draft
	ExpectedCode   string
	ExpectedNumber string
	Operator       string
	Created        time.Time
	Draft          *Invoice
}

// Receipt is an invoice the device has issued, with its place in the device's journal.
type Receipt struct {
	Invoice *Invoice // with its Issued fields from the device
	Counter uint64   // the device's journal counter: 1, 2, … gapless over its life
}

// Errors a Device returns, so the engine can tell what happened to a request.
var (
	// ErrOutcomeUnknown: the request may or may not have been carried out (the answer
	// was lost). Never retried blindly: resolved by asking for the request ID.
	ErrOutcomeUnknown = NewSentinel("device.outcome_unknown")
	// ErrRefused: the device (or the digital channel) definitely did not issue (stock
	// exhausted, an offline limit or the quota, locked for the month, PIN): the error
	// wrapping it says which, for the clerk.
	ErrRefused = NewSentinel("device.refused")
	// ErrNumberMismatch: the device's next number is not the one expected: it issued
	// something this store does not know yet. Reconcile, then try again.
	ErrNumberMismatch = NewSentinel("device.number_mismatch")
	// ErrUnreachable: the device cannot be asked now — its port is gone (unplugged, the
	// simulator killed) or it stayed silent through a whole bounded wait. Asking again at
	// once is pointless: the engine stops looking up a lost answer, and the request stays
	// open for the next connection's reconciliation.
	ErrUnreachable = NewSentinel("device.unreachable")
)

// NextNumber is where the device's stock stands: the code and number the next invoice
// takes, and how many numbers remain in that roll (for the digital channel: in that
// segment, with an empty Code). An empty Number means no stock.
type NextNumber struct {
	Code      string
	Number    string
	Remaining int
}

// Channel is the issuing-channel port: the tax-control device, or the digital channel's
// software device (package digital, docs/digital.md). Device is its first name.
type Channel = Device

// Device is what the issuing engine needs of the tax-control device. Implementations
// wrap their errors around ErrOutcomeUnknown, ErrRefused or ErrNumberMismatch.
type Device interface {
	// Machine is the device's 机器编号, known once connected.
	Machine() string
	// Limits are the device's rule limits.
	Limits(ctx context.Context) (Limits, error)
	// Next tells where the stock of one kind of invoice stands: each kind has its own
	// rolls (the digital channel's kinds share its segments). A kind without stock has
	// an empty Number.
	Next(ctx context.Context, kind Kind) (NextNumber, error)
	// Issue asks the device to issue draft (blue, or red when draft.Red is set) under
	// requestID, taking the expected code and number. A repeated request ID returns the
	// invoice already issued for it.
	Issue(ctx context.Context, requestID, expectedCode, expectedNumber string, draft *Invoice) (Receipt, error)
	// Lookup returns what the device issued for a request ID; found is false when it
	// never issued it.
	Lookup(ctx context.Context, requestID string) (r Receipt, found bool, err error)
	// Journal reads up to n entries of the device's journal from counter from on.
	Journal(ctx context.Context, from uint64, n int) ([]Receipt, error)
}

// Store is what the issuing engine needs of the store.
type Store interface {
	// IssuedFor returns the invoice stored for a request ID and the hash of the draft it
	// was issued from (empty for imports); found is false when there is none.
	IssuedFor(requestID string) (inv *Invoice, payloadHash string, found bool, err error)
	// IssuedByNumber returns a stored invoice by code and number.
	IssuedByNumber(code, number string) (*Invoice, bool, error)
	// RedsOf returns the red invoices stored against a blue one.
	RedsOf(code, number string) ([]*Invoice, error)
	BeginIssue(intents ...Intent) error
	CommitIssued(receipts ...Receipt) error
	ImportIssued(receipts ...Receipt) error
	AbandonIntent(requestID, operator, reason string) error
	OpenIntents() ([]Intent, error)
	// JournalThrough is the device journal counter up to which the store is known to
	// hold everything the device issued; SetJournalThrough moves it.
	JournalThrough(machine string) (uint64, error)
	SetJournalThrough(machine string, counter uint64) error
}
