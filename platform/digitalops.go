package platform

import (
	"fmt"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
)

// The digital channel's rules that both stores apply inside a transaction (a number an
// invoice may carry; an unused range and quota given back), once for both: *DB gives
// them its buckets and *PG its rows as digitalRows, and keeps to itself how a request is
// made idempotent and how its answer is kept.

// digitalRows is one transaction's segments and quota in a store.
type digitalRows interface {
	// assigned finds the segment assigned to an enterprise that holds number (first
	// number, record; ok false for none). forReturn: the caller gives numbers of it back,
	// so PostgreSQL locks it FOR UPDATE rather than FOR SHARE.
	assigned(number string, forReturn bool) (first string, rec segmentRecord, ok bool, err error)
	// returned finds the range given back that starts at or before number, and whether
	// it holds number.
	returned(number string) (first string, rec segmentRecord, ok bool, err error)
	// invoiceIn returns the lowest number in first…last that carries an invoice.
	invoiceIn(first, last string) (number string, found bool, err error)
	// giveBack records s as given back by taxID.
	giveBack(taxID string, s upload.Segment) error
	// quota is taxID's quota of period, locked for a change.
	quota(taxID, period string) (QuotaState, error)
	// takeBack lowers what taxID has out of period's quota q by amount.
	takeBack(taxID, period string, q QuotaState, amount invoice.Money) error
}

// digitalNumberIn says whether number may carry an invoice of taxID: assigned to it, in
// a segment, and not given back as unused. refused is the invoice's refusal; err a
// failure of the store.
func digitalNumberIn(rows digitalRows, taxID, number string) (refused, err error) {
	if !invoice.ValidDigitalNumber(number) {
		return fmt.Errorf("number %s is not 20 digits", invoice.Quote(number)), nil
	}
	_, seg, ok, err := rows.assigned(number, false)
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return fmt.Errorf("number %s was never assigned", number), nil
	case seg.TaxID != taxID:
		return fmt.Errorf("number %s is assigned to %s, not to %s", number, seg.TaxID, taxID), nil
	}
	if _, _, back, err := rows.returned(number); err != nil {
		return nil, err
	} else if back {
		return fmt.Errorf("number %s was given back unused (未使用)", number), nil
	}
	return nil, nil
}

// returnIn records r for taxID: every unused range must lie in one segment of taxID,
// hold no invoice and not be given back already; every month's quota given back must not
// exceed what is out. It returns the answer to keep for r.ID.
func returnIn(rows digitalRows, taxID string, r *upload.DigitalReturn) (upload.DigitalReturnAnswer, error) {
	ans := upload.DigitalReturnAnswer{ID: r.ID, Quota: []upload.PeriodAmount{}, Unused: []upload.Segment{}}
	for _, s := range r.Unused {
		if err := returnRangeIn(rows, taxID, s); err != nil {
			return ans, err
		}
		ans.Unused = append(ans.Unused, s)
	}
	for _, pa := range r.Quota {
		amount, err := invoice.ParseMoney(pa.Amount)
		if err != nil || amount < 0 {
			return ans, fmt.Errorf("%w: quota %s of %s", ErrDigitalRequest, invoice.Quote(pa.Amount), invoice.Quote(pa.Period))
		}
		q, err := rows.quota(taxID, pa.Period)
		if err != nil {
			return ans, err
		}
		if amount > q.Out {
			return ans, fmt.Errorf("%w: giving back %s of %s, but %s holds %s", ErrDigitalRequest, amount, pa.Period, taxID, q.Out)
		}
		if err := rows.takeBack(taxID, pa.Period, q, amount); err != nil {
			return ans, err
		}
		ans.Quota = append(ans.Quota, upload.PeriodAmount{Period: pa.Period, Amount: amount.String()})
	}
	return ans, nil
}

// returnRangeIn gives back the unused range s of taxID.
func returnRangeIn(rows digitalRows, taxID string, s upload.Segment) error {
	if !invoice.ValidDigitalNumber(s.First) || !invoice.ValidDigitalNumber(s.Last) || s.First > s.Last {
		return fmt.Errorf("%w: unused range %s–%s", ErrDigitalRequest, invoice.Quote(s.First), invoice.Quote(s.Last))
	}
	_, seg, ok, err := rows.assigned(s.First, true)
	if err != nil {
		return err
	}
	if !ok || seg.TaxID != taxID || s.Last > seg.Last {
		return fmt.Errorf("%w: unused range %s–%s is not within one segment assigned to %s", ErrDigitalRequest, s.First, s.Last, taxID)
	}
	// Nothing given back already overlaps it: the range given back before s.Last ends
	// before s.First.
	prevFirst, prev, _, err := rows.returned(s.Last)
	if err != nil {
		return err
	}
	if prevFirst != "" && prev.Last >= s.First {
		return fmt.Errorf("%w: numbers %s–%s overlap %s–%s given back before", ErrDigitalRequest, s.First, s.Last, prevFirst, prev.Last)
	}
	used, found, err := rows.invoiceIn(s.First, s.Last)
	if err != nil {
		return err
	}
	if found {
		return fmt.Errorf("%w: number %s of the range %s–%s carries an invoice", ErrDigitalRequest, used, s.First, s.Last)
	}
	return rows.giveBack(taxID, s)
}
