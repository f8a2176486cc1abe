package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
)

// The digital channel on PostgreSQL (the same rules as digitaldb.go). What keeps two
// instances from racing:
//   - numbers: one UPDATE … RETURNING on the prefix's sequence row, which locks it until
//     commit: two fetches get consecutive, disjoint segments;
//   - quota: the month's row is locked (FOR UPDATE) before what is left is read, so the
//     grants of concurrent fetches add up to at most what was set, and out never
//     goes below zero (a CHECK says so too);
//   - idempotency: a fetch or return first claims its (enterprise, request ID) row; a
//     second one with the same ID waits for the first to commit and then reads its
//     answer;
//   - returns and uploads: a return locks the segment (FOR UPDATE), an upload of a
//     digital invoice shares that lock (FOR SHARE), so a number cannot be given back
//     while an invoice under it is being stored, nor stored once given back.

// SetQuota sets an enterprise's quota for a month; what is out stays out.
func (p *PG) SetQuota(taxID, period string, amount invoice.Money) error {
	if amount < 0 {
		return fmt.Errorf("%w: quota %s is negative", ErrDigitalRequest, amount)
	}
	return p.tx(func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO digital_quota (tax_id, period, set_fen) VALUES ($1, $2, $3)
			ON CONFLICT (tax_id, period) DO UPDATE SET set_fen = excluded.set_fen`, taxID, period, int64(amount))
		return err
	})
}

// Quota reads an enterprise's quota of a month.
func (p *PG) Quota(taxID, period string) (q QuotaState, err error) {
	err = p.tx(func(ctx context.Context, tx pgx.Tx) error {
		q, err = quotaPG(ctx, tx, taxID, period, false)
		return err
	})
	return q, err
}

// quotaPG reads a month's quota, locking its row (made if missing) when lock is set.
func quotaPG(ctx context.Context, tx pgx.Tx, taxID, period string, lock bool) (QuotaState, error) {
	var set, out int64
	q := `SELECT set_fen, out_fen FROM digital_quota WHERE tax_id = $1 AND period = $2`
	if lock {
		if _, err := tx.Exec(ctx, `INSERT INTO digital_quota (tax_id, period) VALUES ($1, $2) ON CONFLICT DO NOTHING`, taxID, period); err != nil {
			return QuotaState{}, err
		}
		q += ` FOR UPDATE`
	}
	err := tx.QueryRow(ctx, q, taxID, period).Scan(&set, &out)
	if errors.Is(err, pgx.ErrNoRows) {
		return QuotaState{}, nil
	}
	return QuotaState{Set: invoice.Money(set), Out: invoice.Money(out)}, err
}

// claim takes the (tax ID, request ID) row of table for this transaction, or returns
// the answer a request with that ID got (found true). A concurrent request with the
// same ID waits in the INSERT until this transaction ends.
func claim(ctx context.Context, tx pgx.Tx, table, taxID, id string, answer any) (found bool, err error) {
	tag, err := tx.Exec(ctx, `INSERT INTO `+table+` (tax_id, id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, taxID, id)
	if err != nil || tag.RowsAffected() == 1 {
		return false, err
	}
	var raw []byte
	if err := tx.QueryRow(ctx, `SELECT answer FROM `+table+` WHERE tax_id = $1 AND id = $2`, taxID, id).Scan(&raw); err != nil {
		return false, err
	}
	if raw == nil {
		return false, fmt.Errorf("%s %s of %s has no answer", table, id, taxID)
	}
	return true, json.Unmarshal(raw, answer)
}

func putAnswer(ctx context.Context, tx pgx.Tx, table, taxID, id string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE `+table+` SET answer = $3 WHERE tax_id = $1 AND id = $2`, taxID, id, raw)
	return err
}

// Fetch assigns g.Numbers numbers in one segment and grants min(g.Quota, left), in one
// transaction, once per (enterprise, request ID).
func (p *PG) Fetch(g FetchGrant) (ans upload.DigitalFetchAnswer, err error) {
	if g.Numbers < 0 || g.Numbers > upload.MaxFetchNumbers || g.Quota < 0 || len(g.Prefix) != 5 {
		return ans, fmt.Errorf("%w: numbers %d (0–%d), quota %s", ErrDigitalRequest, g.Numbers, upload.MaxFetchNumbers, g.Quota)
	}
	err = p.tx(func(ctx context.Context, tx pgx.Tx) error {
		ans = upload.DigitalFetchAnswer{}
		if found, err := claim(ctx, tx, "digital_fetches", g.TaxID, g.RequestID, &ans); found || err != nil {
			return err
		}
		ans = upload.DigitalFetchAnswer{ID: g.RequestID, Segments: []upload.Segment{}, Period: g.Period, UploadDeadline: g.Deadline}
		if g.Numbers > 0 {
			var end int64
			err := tx.QueryRow(ctx, `INSERT INTO digital_sequences (prefix, last) VALUES ($1, $2)
				ON CONFLICT (prefix) DO UPDATE SET last = digital_sequences.last + excluded.last
				RETURNING last`, g.Prefix, int64(g.Numbers)).Scan(&end)
			if err != nil {
				if isCheckViolation(err) {
					return fmt.Errorf("%w: the sequence of %s is exhausted", ErrDigitalRequest, g.Prefix)
				}
				return err
			}
			first := end - int64(g.Numbers) + 1
			s := upload.Segment{First: fmt.Sprintf("%s%015d", g.Prefix, first), Last: fmt.Sprintf("%s%015d", g.Prefix, end)}
			if _, err := tx.Exec(ctx, `INSERT INTO digital_segments (first, last, tax_id) VALUES ($1, $2, $3)`,
				s.First, s.Last, g.TaxID); err != nil {
				return err
			}
			ans.Segments = append(ans.Segments, s)
		}
		q, err := quotaPG(ctx, tx, g.TaxID, g.Period, true)
		if err != nil {
			return err
		}
		granted := min(g.Quota, q.Left())
		if _, err := tx.Exec(ctx, `UPDATE digital_quota SET out_fen = out_fen + $3 WHERE tax_id = $1 AND period = $2`,
			g.TaxID, g.Period, int64(granted)); err != nil {
			return err
		}
		ans.Quota = granted.String()
		return putAnswer(ctx, tx, "digital_fetches", g.TaxID, g.RequestID, ans)
	})
	return ans, err
}

// segmentPG finds the segment of table holding number, locked with lock ("" for none).
func segmentPG(ctx context.Context, tx pgx.Tx, table, number, lock string) (first string, rec segmentRecord, ok bool, err error) {
	err = tx.QueryRow(ctx, `SELECT first, last, tax_id FROM `+table+` WHERE first <= $1 ORDER BY first DESC LIMIT 1 `+lock,
		number).Scan(&first, &rec.Last, &rec.TaxID)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", rec, false, nil
	}
	return first, rec, err == nil && number <= rec.Last, err
}

// digitalNumberOKPG is digitalNumberIn in a PostgreSQL transaction: the segment is
// share-locked until the invoice is stored. refused is the item's refusal; err a
// failure of the transaction.
func digitalNumberOKPG(ctx context.Context, tx pgx.Tx, taxID, number string) (refused, err error) {
	return digitalNumberIn(pgDigital{ctx, tx}, taxID, number)
}

// Return records r for taxID in one transaction, once per (enterprise, request ID).
func (p *PG) Return(taxID string, r *upload.DigitalReturn) (ans upload.DigitalReturnAnswer, err error) {
	err = p.tx(func(ctx context.Context, tx pgx.Tx) error {
		ans = upload.DigitalReturnAnswer{}
		if found, err := claim(ctx, tx, "digital_returns", taxID, r.ID, &ans); found || err != nil {
			return err
		}
		var err error
		if ans, err = returnIn(pgDigital{ctx, tx}, taxID, r); err != nil {
			return err
		}
		return putAnswer(ctx, tx, "digital_returns", taxID, r.ID, ans)
	})
	return ans, err
}

// pgDigital are a PostgreSQL transaction's segments and quota (digitalops.go).
type pgDigital struct {
	ctx context.Context
	tx  pgx.Tx
}

// assigned locks the segment: FOR SHARE while an invoice is stored under a number of
// it, FOR UPDATE when numbers of it are given back, so that the two are ordered.
func (p pgDigital) assigned(number string, forReturn bool) (string, segmentRecord, bool, error) {
	lock := "FOR SHARE"
	if forReturn {
		lock = "FOR UPDATE"
	}
	return segmentPG(p.ctx, p.tx, "digital_segments", number, lock)
}

func (p pgDigital) returned(number string) (string, segmentRecord, bool, error) {
	return segmentPG(p.ctx, p.tx, "digital_returned", number, "")
}

func (p pgDigital) invoiceIn(first, last string) (string, bool, error) {
	var used string
	err := p.tx.QueryRow(p.ctx, `SELECT number FROM invoices WHERE device = '' AND code = '' AND number BETWEEN $1 AND $2
		ORDER BY number LIMIT 1`, first, last).Scan(&used)
	switch {
	case err == nil:
		return used, true, nil
	case errors.Is(err, pgx.ErrNoRows):
		return "", false, nil
	}
	return "", false, err
}

func (p pgDigital) giveBack(taxID string, s upload.Segment) error {
	_, err := p.tx.Exec(p.ctx, `INSERT INTO digital_returned (first, last, tax_id) VALUES ($1, $2, $3)`, s.First, s.Last, taxID)
	return err
}

func (p pgDigital) quota(taxID, period string) (QuotaState, error) {
	return quotaPG(p.ctx, p.tx, taxID, period, true)
}

func (p pgDigital) takeBack(taxID, period string, _ QuotaState, amount invoice.Money) error {
	_, err := p.tx.Exec(p.ctx, `UPDATE digital_quota SET out_fen = out_fen - $3 WHERE tax_id = $1 AND period = $2`,
		taxID, period, int64(amount))
	return err
}

// Segments lists the segments assigned to taxID and those it gave back, in number order.
func (p *PG) Segments(taxID string) (assigned, returned []upload.Segment, err error) {
	err = p.tx(func(ctx context.Context, tx pgx.Tx) error {
		assigned, returned = nil, nil
		for _, t := range []struct {
			table string
			out   *[]upload.Segment
		}{{"digital_segments", &assigned}, {"digital_returned", &returned}} {
			rows, err := tx.Query(ctx, `SELECT first, last FROM `+t.table+` WHERE tax_id = $1 ORDER BY first`, taxID)
			if err != nil {
				return err
			}
			for rows.Next() {
				var s upload.Segment
				if err := rows.Scan(&s.First, &s.Last); err != nil {
					rows.Close()
					return err
				}
				*t.out = append(*t.out, s)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	return assigned, returned, err
}
