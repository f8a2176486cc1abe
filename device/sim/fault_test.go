package sim_test

import (
	"errors"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
)

// The handshake takes requests 1-3 (HELLO, CAPS, PIN_VERIFY) and the request's STATUS
// the 4th, so "@5" hits the ISSUE.
const issueEvent = "@5"

func faultRig(t *testing.T, spec string) *rig {
	t.Helper()
	f, err := sim.ParseFaults(spec, 7)
	if err != nil {
		t.Fatal(err)
	}
	short := map[device.Command]time.Duration{device.CmdIssue: 2 * time.Second, device.CmdIssueRed: 2 * time.Second}
	return newRig(t, sim.Config{Faults: f, Deadlines: short}, 0)
}

// Link faults a correct client rides through: the ISSUE completes with the invoice the
// device journaled, exactly once, and no corrupted frame is ever accepted.
func TestLinkFaultsEndWithTheRightInvoice(t *testing.T) {
	for _, f := range []sim.Fault{
		sim.FaultFlipHeader, sim.FaultFlipBody, sim.FaultFlipCRC, sim.FaultFlipRequest, sim.FaultCut,
		sim.FaultGarbage, sim.FaultTrickle, sim.FaultCoalesce, sim.FaultDupResponse, sim.FaultStale,
		sim.FaultDropRequest, sim.FaultDropResponse, sim.FaultBusy, sim.FaultReboot,
		sim.FaultFlipRequest + "," + sim.FaultDropNAK,
	} {
		t.Run(string(f), func(t *testing.T) {
			spec := string(f) + issueEvent
			if f == sim.FaultFlipRequest+","+sim.FaultDropNAK {
				spec = string(sim.FaultFlipRequest) + issueEvent + "," + string(sim.FaultDropNAK) + issueEvent
			}
			r := faultRig(t, spec)
			req := r.request(8) // STATUS is request 4; FaultStale replays its answer

			got, err := r.client.IssueRecord(r.ctx(), req)
			if err != nil {
				t.Fatalf("Issue under %s: %v", f, err)
			}
			if r.cfg.Faults.FiredCount(sim.Fault(firstName(string(f)))) == 0 {
				t.Fatalf("fault %s never fired", f)
			}
			recs := r.checkJournal()
			if len(recs) != 1 || recs[0].Invoice.CheckCode != got.Invoice.CheckCode || recs[0].Invoice.Number != req.ExpectedNumber {
				t.Fatalf("journal %d records; client got %s/%s", len(recs), got.Invoice.Number, got.Invoice.CheckCode)
			}
			if f == sim.FaultReboot && r.client.Stats().SessionLosses == 0 {
				t.Fatal("the client did not notice the reboot")
			}
		})
	}
}

func firstName(s string) string {
	for i := range s {
		if s[i] == ',' {
			return s[:i]
		}
	}
	return s
}

// Timing faults where the answer may come too late: the client either completes or says
// "outcome unknown", and the request ID then resolves it to the one journaled invoice.
func TestTimingFaultsResolveByRequestID(t *testing.T) {
	for _, f := range []sim.Fault{sim.FaultBusyStop, sim.FaultLate} {
		t.Run(string(f), func(t *testing.T) {
			r := faultRig(t, string(f)+issueEvent)
			req := r.request(8)
			got, err := r.client.Issue(r.ctx(), req)
			if err != nil && !errors.Is(err, device.ErrOutcomeUnknown) {
				t.Fatalf("Issue under %s: %v, want success or ErrOutcomeUnknown", f, err)
			}
			if err != nil {
				rec, qerr := r.client.QueryByRequestID(r.ctx(), req.RequestID)
				if qerr != nil {
					t.Fatalf("QueryByRequestID after %v: %v", err, qerr)
				}
				got = rec.Invoice.Issued
			}
			recs := r.checkJournal()
			if len(recs) != 1 || recs[0].Invoice.Number != got.Number || got.Number != req.ExpectedNumber {
				t.Fatalf("journal %d records, client resolved %s", len(recs), got.Number)
			}
			// the late answer must not be taken for the next command's
			next := r.request(1)
			if rec, err := r.client.IssueRecord(r.ctx(), next); err != nil || rec.RequestID != next.RequestID {
				t.Fatalf("next Issue: %v, request %q", err, rec.RequestID)
			}
		})
	}
}

// Device faults that refuse the ISSUE: each with its own code, nothing journaled.
func TestDeviceFaultsRefuseWithTheirCode(t *testing.T) {
	for f, want := range map[sim.Fault]device.Code{
		sim.FaultPINLock:       device.CodePINLocked,
		sim.FaultStock:         device.CodeStockExhausted,
		sim.FaultOfflineHours:  device.CodeOfflineHours,
		sim.FaultOfflineAmount: device.CodeOfflineAmount,
		sim.FaultMonthLock:     device.CodeMonthLocked,
	} {
		t.Run(string(f), func(t *testing.T) {
			// requests 4-5: STATUS and ISSUE of a first invoice (so that something is
			// pending offline); 6-7 those of the second, which the fault hits.
			r := faultRig(t, string(f)+"@7")
			if _, err := r.client.Issue(r.ctx(), r.request(1)); err != nil {
				t.Fatal(err)
			}
			_, err := r.client.Issue(r.ctx(), r.request(1))
			var de *device.Error
			if !errors.As(err, &de) || de.Code != want {
				t.Fatalf("Issue after %s: %v, want code %d (%s)", f, err, want, want)
			}
			if de.Message() == "" || de.Code.Message() == de.Code.Error() {
				t.Fatalf("code %d has no Chinese message", de.Code)
			}
			if recs := r.checkJournal(); len(recs) != 1 {
				t.Fatalf("journal has %d invoices after a refusal, want 1", len(recs))
			}
		})
	}
}
