package platform

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/kaipiao/kaipiao/upload"
)

// The steps every slip store takes inside one transaction (read a slip, void it when
// its deadline has passed, apply a rule of slip.go, write it back when it changed), once
// for both stores: *DB (bbolt buckets) and *PG (rows read FOR UPDATE) give them their
// transaction's slips as slipRows, and keep to themselves only how a transaction is run
// and how slips are found and numbered.

// slipRows is one transaction's slips in a store.
type slipRows interface {
	// raw is the stored JSON of slip number, nil when there is none.
	raw(number string) ([]byte, error)
	// put writes s back under its number.
	put(s *upload.Slip) error
	// heldRed reports whether the store holds, under the digital invoice number n, a red
	// invoice naming slip; an error when it cannot tell.
	heldRed(n, slip string) (bool, error)
}

// slipUpdate runs f in one writing transaction of a store's slips, which commits when f
// returns nil.
type slipUpdate func(f func(slipRows) error) error

// one runs f in a transaction and returns its slip.
func (u slipUpdate) one(f func(slipRows) (*upload.Slip, error)) (*upload.Slip, error) {
	var out *upload.Slip
	err := u(func(rows slipRows) error {
		var err error
		out, err = f(rows)
		return err
	})
	return out, err
}

// answer is AnswerSlip: a refused answer still commits (a slip found expired is stored
// voided) and is returned with the slip as it stands.
func (u slipUpdate) answer(number, taxID, action string, now time.Time) (*upload.Slip, error) {
	var refused error
	s, err := u.one(func(rows slipRows) (*upload.Slip, error) {
		s, r, err := answerIn(rows, number, taxID, action, now)
		refused = r
		return s, err
	})
	if err != nil {
		return nil, err
	}
	return s, refused
}

// decodeSlip reads a slip as a store keeps it (nil raw: there is none).
func decodeSlip(number string, raw []byte) (*upload.Slip, error) {
	if raw == nil {
		return nil, fmt.Errorf("slip %s: %w", number, ErrSlipNotFound)
	}
	var s upload.Slip
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("stored slip %s: %w", number, err)
	}
	return &s, nil
}

// encodeSlip is a slip as the stores keep it.
func encodeSlip(s *upload.Slip) ([]byte, error) { return json.Marshal(s) }

// loadSlip reads a slip and, when its deadline has passed, stores it voided.
func loadSlip(rows slipRows, number string, now time.Time) (*upload.Slip, error) {
	raw, err := rows.raw(number)
	if err != nil {
		return nil, err
	}
	s, err := decodeSlip(number, raw)
	if err != nil {
		return nil, err
	}
	if expire(s, now) {
		if err := rows.put(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// numberSlip gives a new slip its number (of seq, the store's sequence), request ID,
// creation time and deadline.
func numberSlip(s *upload.Slip, requestID string, now time.Time, seq uint64) {
	s.Number, s.RequestID, s.CreatedAt, s.Deadline = SlipNumber(s.SellerTaxID, now, seq), requestID, now.UTC(), now.UTC().Add(SlipExpiry)
	setState(s, s.State)
}

// answerIn is AnswerSlip in a transaction: refused is the rules' refusal, after which the
// transaction still commits (a slip found expired stays voided); err aborts it.
func answerIn(rows slipRows, number, taxID, action string, now time.Time) (s *upload.Slip, refused, err error) {
	s, err = loadSlip(rows, number, now)
	if err != nil {
		return nil, nil, err
	}
	if role(s, taxID) == "" {
		return nil, nil, fmt.Errorf("slip %s: %w", number, ErrSlipNotFound)
	}
	changed, err := answer(s, taxID, action, now.UTC())
	if err != nil {
		return s, err, nil
	}
	if changed {
		return s, nil, rows.put(s)
	}
	return s, nil, nil
}

// useIn is UseSlip in a transaction.
func useIn(rows slipRows, number, seller, redNumber string, now time.Time) (*upload.Slip, error) {
	s, err := loadSlip(rows, number, now)
	if err != nil {
		return nil, err
	}
	changed, err := useSlip(s, seller, redNumber)
	if err != nil {
		return nil, err
	}
	if changed {
		return s, rows.put(s)
	}
	return s, nil
}

// claimIn is ClaimSlip in a transaction. When the store cannot tell whether an earlier
// claim's number holds an invoice, the claim stays where it is and that error is returned.
func claimIn(rows slipRows, number, seller, redNumber string, now time.Time) (*upload.Slip, error) {
	s, err := loadSlip(rows, number, now)
	if err != nil {
		return nil, err
	}
	var heldErr error
	changed, err := claimSlip(s, seller, redNumber, func(n string) bool {
		held, err := rows.heldRed(n, number)
		if err != nil {
			heldErr = err
			return true // unknown: the claim stays where it is
		}
		return held
	})
	if heldErr != nil {
		return nil, heldErr
	}
	if err != nil {
		return nil, err
	}
	if changed {
		return s, rows.put(s)
	}
	return s, nil
}
