package device

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
)

func TestMessagesRoundTrip(t *testing.T) {
	caps := &Caps{Limits: invoice.DefaultLimits, MaxPayload: MaxPayload, BusyInterval: 200 * time.Millisecond,
		Deadlines: map[Command]time.Duration{CmdIssue: 5 * time.Second, CmdStatus: time.Second}, Certificate: []byte{0x30, 1}}
	st := &Status{Machine: "661234567890", SellerTaxID: "91350200MA2Y0XXK5W", Clock: time.Unix(1773000000, 0).In(invoice.Beijing),
		PINTriesLeft: 5, Period: "202603", Issued: 9, NextCode: "035022600111", NextNumber: "00000010", Locks: []Code{CodeOfflineHours}}
	off := &Offline{HoursLimit: 72, AmountLimit: 100_000_000, InvoiceLimit: 9_999_999, DeadlineDay: 15, Pending: 2,
		PendingAmount: 600_000, OldestPending: time.Unix(1773000000, 0).In(invoice.Beijing), UploadedThrough: 7, Period: "202603"}
	ack := &UploadAck{RequestID: "A-1", Machine: "661234567890", From: 1, Through: 9, Digest: [32]byte{1}, AckedAt: time.Unix(1773000000, 0).In(invoice.Beijing), Signature: []byte{9}}
	rep := &Report{Period: "202603", Count: 9, RedCount: 1, Amount: 1000, Tax: 130, RedAmount: -100, RedTax: -13, First: 1, Last: 10}
	for _, m := range []interface {
		MarshalBinary() ([]byte, error)
		UnmarshalBinary([]byte) error
	}{caps, st, off, ack, rep, &Hello{Protocol: 1, BootID: [16]byte{3}, Session: 7, NextSeq: 1, Machine: "661234567890", Firmware: "x"}} {
		b, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		back := reflect.New(reflect.TypeOf(m).Elem()).Interface().(interface{ UnmarshalBinary([]byte) error })
		if err := back.UnmarshalBinary(b); err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		if !reflect.DeepEqual(m, back) {
			t.Fatalf("%T changed:\n%+v\n%+v", m, m, back)
		}
		if err := back.UnmarshalBinary(append(b, 0)); !errors.Is(err, ErrMalformed) {
			t.Fatalf("%T accepted a trailing byte: %v", m, err)
		}
	}
}

func TestDeviceErrorsMatchTheirCode(t *testing.T) {
	err := fmt.Errorf("issuing ORD-1: %w", &Error{Cmd: CmdIssue, Code: CodeOfflineAmount, Detail: "pending 9000.00"})
	if !errors.Is(err, CodeOfflineAmount) || errors.Is(err, CodeOfflineHours) {
		t.Fatal("errors.Is does not tell device codes apart")
	}
	var de *Error
	if !errors.As(err, &de) || de.Message() != "离线开票累计金额已到上限，请上传发票" {
		t.Fatalf("clerk message %q", de.Message())
	}
	for c, key := range codeText {
		if c.Message() == "" || c.Error() == "" || !invoice.HasMessage(key) {
			t.Fatalf("code %d lacks a text in the catalogue (%s)", c, key)
		}
	}
}

// FuzzMessages: no message decoder panics or over-allocates on hostile bytes.
func FuzzMessages(f *testing.F) {
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = new(Caps).UnmarshalBinary(b)
		_ = new(Status).UnmarshalBinary(b)
		_ = new(Offline).UnmarshalBinary(b)
		_ = new(Record).UnmarshalBinary(b)
		_ = new(UploadPacket).UnmarshalBinary(b)
		_ = new(UploadAck).UnmarshalBinary(b)
		_ = new(Report).UnmarshalBinary(b)
		_ = new(Args).UnmarshalBinary(b)
		_ = new(IssueRequest).UnmarshalBinary(b)
		_, _ = UnmarshalRolls(b)
		_, _ = UnmarshalRecords(b)
		_, _, _, _ = ParseResponse(b)
	})
}

func TestOutcomeUnknownIsRecognisableWithoutThisPackage(t *testing.T) {
	var err error = fmt.Errorf("issuing: %w", &OutcomeError{Cmd: CmdIssue, RequestID: "ORD-1", Cause: ErrTimeout})
	var behaviour interface{ OutcomeUnknown() bool }
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrTimeout) || !errors.As(err, &behaviour) || !behaviour.OutcomeUnknown() {
		t.Fatalf("%v is not recognisable as outcome unknown", err)
	}
}
