package sim_test

import (
	"errors"
	"testing"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
)

// Power lost after the commit and before the reply: the client cannot know, says so, and
// after the device is back the same request ID returns the invoice that was committed.
func TestCrashAfterCommitReturnsTheCommittedInvoice(t *testing.T) {
	r := faultRig(t, string(sim.FaultCrashAfterCommit)+"@2")
	if _, err := r.client.Issue(r.ctx(), r.request(1)); err != nil {
		t.Fatal(err)
	}
	req := r.request(8)
	_, err := r.client.Issue(r.ctx(), req)
	if !errors.Is(err, device.ErrOutcomeUnknown) {
		t.Fatalf("Issue during the crash: %v, want ErrOutcomeUnknown", err)
	}
	r.powerCycle()
	got, err := r.client.Issue(r.ctx(), req)
	if err != nil {
		t.Fatalf("Issue again after the restart: %v", err)
	}
	if got.Number != req.ExpectedNumber {
		t.Fatalf("the retry got %s, the committed invoice is %s", got.Number, req.ExpectedNumber)
	}
	after := r.request(1)
	if num(after.ExpectedNumber) != num(req.ExpectedNumber)+1 {
		t.Fatalf("next number %s after %s", after.ExpectedNumber, req.ExpectedNumber)
	}
	if _, err := r.client.Issue(r.ctx(), after); err != nil {
		t.Fatal(err)
	}
	if recs := r.checkJournal(); len(recs) != 3 {
		t.Fatalf("journal has %d invoices, want 3", len(recs))
	}
}

// Power lost before the commit: nothing was issued, the number is still free, and the
// retry with the same request ID takes it.
func TestCrashBeforeCommitLeavesNoTrace(t *testing.T) {
	r := faultRig(t, string(sim.FaultCrashBeforeCommit)+"@1")
	req := r.request(8)
	if _, err := r.client.Issue(r.ctx(), req); !errors.Is(err, device.ErrOutcomeUnknown) {
		t.Fatalf("Issue during the crash: %v, want ErrOutcomeUnknown", err)
	}
	r.powerCycle()
	if _, err := r.client.QueryByRequestID(r.ctx(), req.RequestID); !errors.Is(err, device.CodeNotFound) {
		t.Fatalf("QueryByRequestID after a crash before commit: %v, want CodeNotFound", err)
	}
	got, err := r.client.Issue(r.ctx(), req)
	if err != nil || got.Number != req.ExpectedNumber {
		t.Fatalf("retry: %v, number %s want %s", err, got.Number, req.ExpectedNumber)
	}
	if recs := r.checkJournal(); len(recs) != 1 {
		t.Fatalf("journal has %d invoices, want 1", len(recs))
	}
}
