package device

import (
	"errors"
	"fmt"

	"github.com/kaipiao/kaipiao/invoice"
)

// Code is an error code the device returns in a response (PROTOCOL.md §6). A Code is
// itself an error so that callers can test for one with errors.Is(err, device.CodeXxx),
// whatever wrapping the error went through.
type Code uint16

// The device's error codes. Their values are part of the wire protocol: never renumber.
const (
	CodeOK              Code = 0
	CodeBadRequest      Code = 1  // the payload could not be decoded
	CodeUnknownCommand  Code = 2  // the command byte is not in the command set
	CodeNoSession       Code = 3  // the session is unknown (the device rebooted): HELLO again
	CodePINRequired     Code = 4  // the command needs a verified PIN in this session
	CodePINWrong        Code = 5  // wrong PIN; the detail says how many tries are left
	CodePINLocked       Code = 6  // five wrong PINs: the device refuses PINs for good
	CodeNotFound        Code = 7  // no invoice or record matches the query
	CodeStockExhausted  Code = 10 // no invoice numbers left in any roll
	CodeNumberMismatch  Code = 11 // the host's expected next number is not the device's
	CodeRequestReused   Code = 12 // the request ID was used before with a different payload
	CodeInvoiceLimit    Code = 13 // the invoice's total before tax is over 单张限额
	CodeOfflineHours    Code = 14 // the oldest un-uploaded invoice is older than the offline hours
	CodeOfflineAmount   Code = 15 // un-uploaded positive invoices would exceed the offline amount
	CodeMonthLocked     Code = 16 // past the issuing deadline: report (抄报) and clear (清卡) first
	CodeClockBackwards  Code = 17 // the device clock is earlier than its last invoice
	CodeBadAck          Code = 18 // the upload acknowledgement's signature or range is invalid
	CodeNotReported     Code = 19 // CLEAR before the period's REPORT, or with invoices not uploaded
	CodePeriodOpen      Code = 20 // REPORT of a month that has not ended
	CodeInternal        Code = 21 // the device failed (storage); the command did not take effect
	CodeBadInvoice      Code = 22 // the invoice is malformed (no lines, wrong seller, totals)
	CodeBlueNotFound    Code = 23 // ISSUE_RED names a blue invoice the device never issued
	CodeSequenceStale   Code = 24 // the sequence number is older than the session's last
	CodePayloadTooLarge Code = 25 // the frame's payload exceeds the device's maximum
)

// codeText is each code's catalogue key (invoice/catalogue.go): its English for logs,
// its Chinese for the clerk.
var codeText = map[Code]string{
	CodeOK:              "device.code.ok",
	CodeBadRequest:      "device.code.bad_request",
	CodeUnknownCommand:  "device.code.unknown_command",
	CodeNoSession:       "device.code.no_session",
	CodePINRequired:     "device.code.pin_required",
	CodePINWrong:        "device.code.pin_wrong",
	CodePINLocked:       "device.code.pin_locked",
	CodeNotFound:        "device.code.not_found",
	CodeStockExhausted:  "device.code.stock_exhausted",
	CodeNumberMismatch:  "device.code.number_mismatch",
	CodeRequestReused:   "device.code.request_reused",
	CodeInvoiceLimit:    "device.code.invoice_limit",
	CodeOfflineHours:    "device.code.offline_hours",
	CodeOfflineAmount:   "device.code.offline_amount",
	CodeMonthLocked:     "device.code.month_locked",
	CodeClockBackwards:  "device.code.clock_backwards",
	CodeBadAck:          "device.code.bad_ack",
	CodeNotReported:     "device.code.not_reported",
	CodePeriodOpen:      "device.code.period_open",
	CodeInternal:        "device.code.internal",
	CodeBadInvoice:      "device.code.bad_invoice",
	CodeBlueNotFound:    "device.code.blue_not_found",
	CodeSequenceStale:   "device.code.sequence_stale",
	CodePayloadTooLarge: "device.code.payload_too_large",
}

// Error returns the code's English text, for logs.
func (c Code) Error() string { return c.Text(invoice.English) }

// Message returns the code's Chinese text for the clerk.
func (c Code) Message() string { return c.Text(invoice.Chinese) }

// Text is the code's message in lang, from the catalogue (device.unknown_code for a
// code this version does not know).
func (c Code) Text(lang invoice.Lang) string { return c.Said().Text(lang) }

// Said is the code's message, to be worded in the reader's language.
func (c Code) Said() invoice.Said {
	if k, ok := codeText[c]; ok {
		return invoice.Said{Key: k}
	}
	return invoice.Said{Key: "device.unknown_code", Args: invoice.Args{"code": fmt.Sprint(uint16(c))}}
}

// Error is a refusal the device answered with: the command did not take effect. Detail is
// the device's English explanation (for example the device's next number on
// CodeNumberMismatch).
type Error struct {
	Cmd    Command
	Code   Code
	Detail string
}

// Error returns the English form, for logs.
func (e *Error) Error() string {
	s := fmt.Sprintf("device refused %s: %s (code %d)", e.Cmd, e.Code.Error(), uint16(e.Code))
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Message returns the Chinese text for the clerk.
func (e *Error) Message() string { return e.Code.Message() }

// Text is the refusal in lang, the code's message: the window and kaipiaoctl word it
// through invoice.Explain.
func (e *Error) Text(lang invoice.Lang) string { return e.Code.Text(lang) }

// Is makes errors.Is(err, CodeXxx) true for an *Error carrying that code.
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	return ok && c == e.Code
}

// ErrOutcomeUnknown means a mutating command was (perhaps) delivered but no valid answer
// came before its deadline: the device may or may not have executed it. Never retry with a
// new request ID; resolve it with QueryByRequestID (or retry with the same request ID,
// which the device answers with the stored result).
var ErrOutcomeUnknown = errors.New("device: outcome unknown")

// OutcomeError is the ErrOutcomeUnknown of one command: errors.Is(err,
// ErrOutcomeUnknown) holds for it, and so does the behaviour test
// `interface{ OutcomeUnknown() bool }`, which lets the issuing engine recognise it without
// importing this package.
type OutcomeError struct {
	Cmd       Command
	RequestID string
	Cause     error // why no answer came: the deadline, a cancelled context, a lost port
}

func (e *OutcomeError) Error() string {
	return fmt.Sprintf("device: outcome unknown: %s request %q: %v", e.Cmd, e.RequestID, e.Cause)
}

// Unwrap exposes both the sentinel and the cause.
func (e *OutcomeError) Unwrap() []error { return []error{ErrOutcomeUnknown, e.Cause} }

// OutcomeUnknown is always true: the behaviour the engine tests for.
func (e *OutcomeError) OutcomeUnknown() bool { return true }

// ErrTimeout means a read-only command got no valid answer before its deadline. Nothing
// changed on the device; the command may be retried.
var ErrTimeout = errors.New("device: no answer before the deadline")

// ErrDeviceChanged means another device (another machine number) answered on the port:
// after a re-enumeration or a swapped cable the path may name a different device. The
// client refuses to talk to it; nothing was sent to it but the handshake.
var ErrDeviceChanged = errors.New("device: a different device answered")

// ErrClosed is returned by a Client after Close.
var ErrClosed = errors.New("device: client closed")

// ErrDisconnected is returned by a Port's Write while the device is unplugged.
var ErrDisconnected = errors.New("device: port disconnected")
