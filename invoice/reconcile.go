package invoice

import (
	"context"
	"fmt"
)

// ReconcileReport says what reconciliation found and did.
type ReconcileReport struct {
	DeviceCount     uint64   `json:"device_count"` // the device's last journal counter
	Imported        int      `json:"imported"`     // invoices the device had and the store lacked
	ResolvedIntents int      `json:"resolved_intents"`
	Mismatches      []string `json:"mismatches"` // what could not be repaired, for a person
}

// Reconcile brings the store in line with the device, at start-up and whenever the
// device reconnects: every open intent is resolved by request ID, then the device's
// journal is read from where the store last knew it complete, and whatever the device
// issued that the store lacks is imported. With full, the whole journal is read.
// Anything that cannot be repaired (the same request or number bound to different
// invoices) is reported in Mismatches, never hidden.
func (e *Engine) Reconcile(ctx context.Context, full bool) (ReconcileReport, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var rep ReconcileReport
	open, err := e.Store.OpenIntents()
	if err != nil {
		return rep, err
	}
	for _, in := range open {
		if _, err := e.resolve(ctx, in); err != nil {
			return rep, fmt.Errorf("request %s: %w (%v)", in.RequestID, ErrOutcomeUnknown, err)
		}
		rep.ResolvedIntents++
	}
	j, err := e.reconcileJournal(ctx, full)
	j.ResolvedIntents = rep.ResolvedIntents
	return j, err
}

// journalPage is how many journal entries one read asks for.
const journalPage = 64

// reconcileJournal imports what the device's journal has and the store lacks.
func (e *Engine) reconcileJournal(ctx context.Context, full bool) (ReconcileReport, error) {
	var rep ReconcileReport
	machine := e.Device.Machine()
	from := uint64(1)
	if !full {
		through, err := e.Store.JournalThrough(machine)
		if err != nil {
			return rep, err
		}
		from = through + 1
	}
	rep.DeviceCount = from - 1
	for {
		page, err := e.Device.Journal(ctx, from, journalPage)
		if err != nil {
			return rep, fmt.Errorf("reading the device's journal from %d: %w", from, err)
		}
		var missing []Receipt
		for _, r := range page {
			inv := r.Invoice
			if err := CheckIdentity(inv.Code, inv.Number, inv.Machine); err != nil {
				// Never imported: its code would become a file name. Reported instead.
				rep.Mismatches = append(rep.Mismatches, fmt.Sprintf("journal record %d (request %s): %v",
					r.Counter, Quote(inv.RequestID), err))
				continue
			}
			stored, _, found, err := e.Store.IssuedFor(inv.RequestID)
			if err != nil {
				return rep, err
			}
			if found {
				if stored.Code != inv.Code || stored.Number != inv.Number {
					rep.Mismatches = append(rep.Mismatches, fmt.Sprintf(
						"request %s: the device issued %s:%s, the store holds %s:%s", inv.RequestID,
						inv.Code, inv.Number, stored.Code, stored.Number))
				}
				continue
			}
			if byNum, found, err := e.Store.IssuedByNumber(inv.Code, inv.Number); err != nil {
				return rep, err
			} else if found {
				rep.Mismatches = append(rep.Mismatches, fmt.Sprintf(
					"%s:%s: the device issued it for request %s, the store holds it for %s", inv.Code, inv.Number,
					inv.RequestID, byNum.RequestID))
				continue
			}
			missing = append(missing, r)
		}
		if len(missing) > 0 {
			if err := e.Store.ImportIssued(missing...); err != nil {
				return rep, fmt.Errorf("importing %d invoices from the device's journal: %w", len(missing), err)
			}
			rep.Imported += len(missing)
		}
		if len(page) == 0 {
			break
		}
		last := page[len(page)-1].Counter
		rep.DeviceCount = last
		from = last + 1
		if len(rep.Mismatches) == 0 {
			if err := e.Store.SetJournalThrough(machine, last); err != nil {
				return rep, err
			}
		}
		// A short page is not the end (the device may fill a frame early): only an
		// empty one is.
	}
	return rep, nil
}
