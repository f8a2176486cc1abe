package device

import (
	"fmt"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
)

// Command is a command byte of the command set (PROTOCOL.md §5).
type Command uint8

// The command set. Values are part of the wire protocol: never renumber.
const (
	CmdHello       Command = 0x01
	CmdCaps        Command = 0x02
	CmdStatus      Command = 0x03
	CmdPINVerify   Command = 0x04
	CmdPINChange   Command = 0x05
	CmdStock       Command = 0x06
	CmdIssue       Command = 0x10
	CmdIssueRed    Command = 0x11
	CmdQueryNumber Command = 0x12
	CmdQueryReq    Command = 0x13
	CmdQueryLast   Command = 0x14
	CmdJournal     Command = 0x15
	CmdOffline     Command = 0x20
	CmdExport      Command = 0x21
	CmdUploadAck   Command = 0x22
	CmdReport      Command = 0x23
	CmdClear       Command = 0x24
)

var commandNames = map[Command]string{
	CmdHello: "HELLO", CmdCaps: "CAPS", CmdStatus: "STATUS", CmdPINVerify: "PIN_VERIFY",
	CmdPINChange: "PIN_CHANGE", CmdStock: "STOCK", CmdIssue: "ISSUE", CmdIssueRed: "ISSUE_RED",
	CmdQueryNumber: "QUERY_NUMBER", CmdQueryReq: "QUERY_REQUEST", CmdQueryLast: "QUERY_LAST",
	CmdJournal: "JOURNAL", CmdOffline: "OFFLINE", CmdExport: "EXPORT", CmdUploadAck: "UPLOAD_ACK",
	CmdReport: "REPORT", CmdClear: "CLEAR",
}

func (c Command) String() string {
	if s, ok := commandNames[c]; ok {
		return s
	}
	return fmt.Sprintf("CMD_%02X", uint8(c))
}

// Known reports whether c is in the command set.
func (c Command) Known() bool { _, ok := commandNames[c]; return ok }

// Mutating reports whether the command changes the device's durable state. Such commands
// carry a request ID first in their payload, and the device answers a repeated request ID
// with the stored result instead of executing again.
func (c Command) Mutating() bool {
	switch c {
	case CmdIssue, CmdIssueRed, CmdPINChange, CmdUploadAck, CmdReport, CmdClear:
		return true
	}
	return false
}

// Hello is the HELLO answer: who the device is and where the new session starts.
type Hello struct {
	Protocol uint8
	BootID   [16]byte // changes at every device boot: a new one means cached answers are gone
	Session  uint32
	NextSeq  uint32 // the sequence number the host must use for its first request
	Machine  string // 机器编号, 12 digits
	Firmware string
}

// Caps are the device's capabilities: the rule limits, its frame size and its timing.
type Caps struct {
	Limits       invoice.Limits
	MaxPayload   int
	BusyInterval time.Duration // how often the device sends BUSY while it works
	// Deadlines is, per command, how long the device may take from the request's last byte
	// to the response's first. A command missing here uses DefaultDeadline.
	Deadlines   map[Command]time.Duration
	Certificate []byte // the device's X.509 certificate (DER), SM2 key
}

// DefaultDeadline applies to commands a device's CAPS does not list.
const DefaultDeadline = 5 * time.Second

// Deadline returns the command's deadline.
func (c *Caps) Deadline(cmd Command) time.Duration {
	if d, ok := c.Deadlines[cmd]; ok && d > 0 {
		return d
	}
	return DefaultDeadline
}

// Status is the device's identity and state at a glance.
type Status struct {
	Machine      string
	SellerTaxID  string
	BootID       [16]byte
	Clock        time.Time
	PINVerified  bool // in this session
	PINLocked    bool
	PINTriesLeft int
	Period       string // the open month, YYYYMM
	Reported     bool   // the open month's REPORT has been made
	Issued       uint64 // journal entries: the last document counter
	NextCode     string // the code and number the next e-ordinary ISSUE will take; empty when out of stock
	NextNumber   string
	Locks        []Code // every reason the device would refuse an ISSUE now
	// Next is, per invoice type with stock, the code and number its next ISSUE will
	// take: each type has its own rolls (docs/rules.md "Invoice code").
	Next []NextInvoice
}

// NextInvoice is where one invoice type's stock stands.
type NextInvoice struct {
	Kind   invoice.Kind
	Code   string
	Number string
}

// NextFor is the code and number the next invoice of kind will take; ok is false when
// the device has no stock of that kind.
func (s Status) NextFor(k invoice.Kind) (n NextInvoice, ok bool) {
	for _, n := range s.Next {
		if n.Kind == k {
			return n, true
		}
	}
	return NextInvoice{}, false
}

// Roll is one invoice roll (卷) the device holds. An entry with Start 0 is the type's
// stock not yet opened into rolls (PROTOCOL.md §5 STOCK): its code is ten zeros and the
// type's two digits, Count and Remaining how many numbers it holds; the code and numbers
// are assigned as its rolls are opened.
type Roll struct {
	Code      string // 发票代码, 12 digits
	Start     uint32 // first number; 0 for the stock not yet opened
	Count     uint32
	Remaining uint32
}

// Unopened says whether the entry is a type's stock not yet opened into rolls rather
// than a roll: it counts in the stock but has no code or number yet.
func (r Roll) Unopened() bool { return r.Start == 0 }

// UnopenedCode is the code of the STOCK entry for kind's stock not yet opened.
func UnopenedCode(k invoice.Kind) string { return "0000000000" + k.CodeType() }

// Next is the roll's next unused number, 8 digits; meaningless when Remaining is 0 or
// the entry is Unopened.
func (r Roll) Next() string { return fmt.Sprintf("%08d", r.Start+r.Count-r.Remaining) }

// Kind is the invoice type the roll's code names (its 11th and 12th digits), empty for
// a code of no known type.
func (r Roll) Kind() invoice.Kind {
	k, _ := invoice.KindOfCode(r.Code)
	return k
}

// Offline is the device's offline-issuing state (docs/rules.md "Offline limits").
type Offline struct {
	HoursLimit      int           // 离线开票时长
	AmountLimit     invoice.Money // 离线正数累计金额
	InvoiceLimit    invoice.Money // 单张限额
	DeadlineDay     int           // day of month after which an unreported past month locks
	Pending         int           // invoices not yet acknowledged as uploaded
	PendingAmount   invoice.Money // their positive total before tax
	OldestPending   time.Time     // zero when nothing is pending
	UploadedThrough uint64        // last document counter acknowledged
	Period          string
	Locks           []Code
}

// IssueRequest is what ISSUE (or ISSUE_RED, when Invoice.Red is set) sends.
type IssueRequest struct {
	// RequestID makes the command idempotent: the device answers a repeated ID with the
	// invoice it already issued for it, and refuses it with a different invoice.
	RequestID string
	// ExpectedNumber is the 8-digit number the host expects the invoice to take; the
	// device refuses (CodeNumberMismatch) if its next number differs. ExpectedCode, when
	// not empty, must also match the roll's code.
	ExpectedNumber string
	ExpectedCode   string
	Invoice        invoice.Invoice
}

// Record is one journal entry: the document counter (1, 2, ... gapless over the device's
// life), the request ID it was issued for, and the invoice with its Issued fields.
type Record struct {
	Counter   uint64
	RequestID string
	Invoice   invoice.Invoice
}

// UploadPacket is what EXPORT returns for the tax authority: the records From..Through,
// their digest, and the device's SM2 signature (PROTOCOL.md §7.4).
type UploadPacket struct {
	Machine   string
	From      uint64
	Through   uint64
	Records   []Record
	Digest    [32]byte
	Signature []byte
}

// UploadAck is the tax authority's acknowledgement of an UploadPacket: written back to the
// device, it clears the offline counters up to Through.
type UploadAck struct {
	RequestID string
	Machine   string
	From      uint64
	Through   uint64
	Digest    [32]byte
	AckedAt   time.Time
	Signature []byte // SM2 by the authority over AckSigned(ack)
}

// Report is the monthly summary (抄报) of one period.
type Report struct {
	Period      string
	Count       int
	RedCount    int
	Amount      invoice.Money // positive invoices, before tax
	Tax         invoice.Money
	RedAmount   invoice.Money // red invoices (negative)
	RedTax      invoice.Money
	First, Last uint64 // the document counters the period spans; 0 when empty
}
