package platform

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kaipiao/kaipiao/upload"
)

// The confirmation slips on PostgreSQL (the rules are slip.go's, the same as on bbolt).
// Every change of a slip reads it FOR UPDATE first, so that two instances answering the
// same slip at once apply their answers one after the other: the second sees the first's
// state, and the rules give one winner (a confirm after a withdraw is refused, and the
// other way round). A slip past its deadline is voided by whichever transaction reads it
// first. Slips of one blue invoice are made one at a time (an advisory lock on the blue
// invoice), since each new one is checked against the earlier ones.

// HeldInvoice finds an invoice by code and number, whatever its device.
func (p *PG) HeldInvoice(code, number string) (*Stored, error) {
	var out *Stored
	err := p.tx(func(ctx context.Context, tx pgx.Tx) error {
		s, err := scanStored(tx.QueryRow(ctx, `SELECT `+invoiceColumns+` FROM invoices
			WHERE code = $1 AND number = $2 ORDER BY device LIMIT 1`, code, number))
		if errors.Is(err, pgx.ErrNoRows) {
			out = nil
			return nil
		}
		out = s
		return err
	})
	return out, err
}

// RedInvoicesOf returns seller's red invoices naming code and number.
func (p *PG) RedInvoicesOf(seller, code, number string) ([]*Stored, error) {
	return redInvoicesOf(p.Invoices, seller, code, number)
}

// pgSlips are a PostgreSQL transaction's slips (slipops.go), each read FOR UPDATE.
type pgSlips struct {
	ctx context.Context
	tx  pgx.Tx
}

func (p pgSlips) raw(number string) ([]byte, error) {
	var raw []byte
	err := p.tx.QueryRow(p.ctx, `SELECT body FROM slips WHERE number = $1 FOR UPDATE`, number).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err == nil && raw == nil {
		raw = []byte{} // a row whose body does not decode, not a missing row
	}
	return raw, err
}

func (p pgSlips) put(s *upload.Slip) error {
	raw, err := encodeSlip(s)
	if err != nil {
		return err
	}
	_, err = p.tx.Exec(p.ctx, `UPDATE slips SET body = $2 WHERE number = $1`, s.Number, raw)
	return err
}

func (p pgSlips) heldRed(n, slip string) (bool, error) {
	var raw []byte
	err := p.tx.QueryRow(p.ctx, `SELECT invoice FROM invoices WHERE device = '' AND code = '' AND number = $1`, n).Scan(&raw)
	if err == nil {
		return redOfSlip(raw, slip), nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return false, err
}

// CreateSlip implements SlipStore in one transaction.
func (p *PG) CreateSlip(requester, requestID, blueCode, blueNumber string, now time.Time,
	build func(earlier []*upload.Slip) (*upload.Slip, error)) (*upload.Slip, bool, error) {
	var out *upload.Slip
	var created bool
	err := p.tx(func(ctx context.Context, tx pgx.Tx) error {
		out, created = nil, false
		tag, err := tx.Exec(ctx, `INSERT INTO slip_requests (requester, request_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			requester, requestID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 { // made before (the other transaction has committed)
			var number *string
			if err := tx.QueryRow(ctx, `SELECT number FROM slip_requests WHERE requester = $1 AND request_id = $2`,
				requester, requestID).Scan(&number); err != nil {
				return err
			}
			if number == nil {
				return fmt.Errorf("slip request %s of %s has no slip", requestID, requester)
			}
			out, err = loadSlip(pgSlips{ctx, tx}, *number, now)
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('slip ' || $1 || ' ' || $2, 0))`,
			blueCode, blueNumber); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT number FROM slips WHERE blue_code = $1 AND blue_number = $2 ORDER BY number`,
			blueCode, blueNumber)
		if err != nil {
			return err
		}
		numbers, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		var earlier []*upload.Slip
		for _, n := range numbers {
			s, err := loadSlip(pgSlips{ctx, tx}, n, now)
			if err != nil {
				return err
			}
			earlier = append(earlier, s)
		}
		s, err := build(earlier)
		if err != nil {
			return err
		}
		var seq int64
		if err := tx.QueryRow(ctx, `SELECT nextval('slip_seq')`).Scan(&seq); err != nil {
			return err
		}
		numberSlip(s, requestID, now, uint64(seq))
		raw, err := encodeSlip(s)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO slips (number, seller_tax_id, buyer_tax_id, blue_code, blue_number, body)
			VALUES ($1, $2, $3, $4, $5, $6)`, s.Number, s.SellerTaxID, s.BuyerTaxID, blueCode, blueNumber, raw); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE slip_requests SET number = $3 WHERE requester = $1 AND request_id = $2`,
			requester, requestID, s.Number); err != nil {
			return err
		}
		out, created = s, true
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// slips runs a function in one transaction of the slips (slipops.go), retried as p.tx
// retries.
func (p *PG) slips() slipUpdate {
	return func(f func(slipRows) error) error {
		return p.tx(func(ctx context.Context, tx pgx.Tx) error { return f(pgSlips{ctx, tx}) })
	}
}

// Slip implements SlipStore.
func (p *PG) Slip(number string, now time.Time) (*upload.Slip, error) {
	return p.slips().one(func(rows slipRows) (*upload.Slip, error) { return loadSlip(rows, number, now) })
}

// Slips implements SlipStore: the slips taxID is a party to, in number order.
func (p *PG) Slips(taxID string, now time.Time) ([]*upload.Slip, error) {
	var out []*upload.Slip
	err := p.tx(func(ctx context.Context, tx pgx.Tx) error {
		out = nil
		rows, err := tx.Query(ctx, `SELECT number FROM slips WHERE seller_tax_id = $1 OR buyer_tax_id = $1 ORDER BY number`, taxID)
		if err != nil {
			return err
		}
		numbers, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, n := range numbers {
			s, err := loadSlip(pgSlips{ctx, tx}, n, now)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		return nil
	})
	return out, err
}

// AnswerSlip implements SlipStore. A slip found expired is stored voided even though the
// answer is refused.
func (p *PG) AnswerSlip(number, taxID, action string, now time.Time) (*upload.Slip, error) {
	return p.slips().answer(number, taxID, action, now)
}

// UseSlip implements SlipStore.
func (p *PG) UseSlip(number, seller, redNumber string, now time.Time) (*upload.Slip, error) {
	return p.slips().one(func(rows slipRows) (*upload.Slip, error) { return useIn(rows, number, seller, redNumber, now) })
}

// ClaimSlip implements SlipStore on PostgreSQL: the slip read FOR UPDATE, and in the same
// transaction the check that no invoice is held under an earlier claim's number.
func (p *PG) ClaimSlip(number, seller, redNumber string, now time.Time) (*upload.Slip, error) {
	return p.slips().one(func(rows slipRows) (*upload.Slip, error) { return claimIn(rows, number, seller, redNumber, now) })
}
