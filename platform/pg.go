package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kaipiao/kaipiao/upload"
)

// PG is the platform's PostgreSQL store: any number of platform instances share one
// database, and every state change is one transaction, so whatever one instance records
// (an invoice, an envelope ID, an acknowledgement, a receipt) the next request sees on
// any instance. Invoices are upserted by their primary key (device, code, number);
// concurrent writers of the same key wait for each other in the database, never in an
// instance's memory.
type PG struct {
	pool *pgxpool.Pool
	// timeout bounds one verb, retries included.
	timeout time.Duration
}

// OpenPG connects to the PostgreSQL database at url and brings its schema up to date
// (pgschema.go).
func OpenPG(rawURL string) (*PG, error) {
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("platform database %s: %w", redactURL(rawURL), err)
	}
	if cfg.MaxConns < 16 {
		cfg.MaxConns = 16
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("platform database %s: %w", redactURL(rawURL), err)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("platform database %s: %w", redactURL(rawURL), err)
	}
	_, err = migrate(ctx, conn.Conn())
	conn.Release()
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("platform database %s: %w", redactURL(rawURL), err)
	}
	return &PG{pool: pool, timeout: time.Minute}, nil
}

// redactURL hides a password in a connection URL, for messages and logs.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// Close closes the connections.
func (p *PG) Close() error { p.pool.Close(); return nil }

// isCheckViolation: a CHECK constraint refused the change.
func isCheckViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23514"
}

// retryable: the database aborted the transaction for a conflict with another one
// (serialization failure, deadlock); it is run again from the start.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// tx runs f in one transaction, committed when f returns nil, and runs it again when
// the database aborted it for a conflict: f must not keep state between runs.
func (p *PG) tx(f func(ctx context.Context, tx pgx.Tx) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
	defer cancel()
	for attempt := 0; ; attempt++ {
		err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error { return f(ctx, tx) })
		if err == nil || !retryable(err) || attempt >= 9 {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond)
	}
}

// seeEnvelope records id in tx, refusing a replay, and forgets the IDs older than the
// window (the envelope's own time less forgetAfter).
func seeEnvelopePG(ctx context.Context, tx pgx.Tx, id string, at time.Time) error {
	tag, err := tx.Exec(ctx, `INSERT INTO envelopes (id, seen_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, id, at.UTC())
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("envelope %s: %w", id, errReplay)
	}
	_, err = tx.Exec(ctx, `DELETE FROM envelopes WHERE seen_at < $1`, at.Add(-forgetAfter).UTC())
	return err
}

// SeeEnvelope records an envelope ID on its own, refusing a replay with errReplay.
func (p *PG) SeeEnvelope(id string, at time.Time) error {
	return p.tx(func(ctx context.Context, tx pgx.Tx) error { return seeEnvelopePG(ctx, tx, id, at) })
}

const invoiceColumns = `device, code, number, seller_tax_id, order_id, request_id, total, digest, acked_at, receipt, invoice`

func scanStored(row pgx.Row) (*Stored, error) {
	var s Stored
	var receipt, inv []byte
	if err := row.Scan(&s.Device, &s.Code, &s.Number, &s.SellerTaxID, &s.OrderID, &s.RequestID,
		&s.Total, &s.Digest, &s.AckedAt, &receipt, &inv); err != nil {
		return nil, err
	}
	s.AckedAt = s.AckedAt.UTC()
	if len(receipt) > 0 {
		s.Receipt = receipt
	}
	if len(inv) > 0 {
		s.Invoice = inv
	}
	return &s, nil
}

// Upsert records the envelope and stores the invoices not held yet, in one
// transaction. The inserts go in key order, so that two instances upserting
// overlapping batches lock the keys in the same order and cannot deadlock; an insert
// meeting a key another transaction is writing waits for it and then keeps the first.
func (p *PG) Upsert(envelopeID string, at time.Time, fresh []*Stored) ([]*Stored, []error, error) {
	order := make([]int, len(fresh))
	for i := range order {
		order[i] = i
	}
	key := func(s *Stored) string { return string(invoiceKey(s.Device, s.Code, s.Number)) }
	sort.SliceStable(order, func(a, b int) bool { return key(fresh[order[a]]) < key(fresh[order[b]]) })
	var held []*Stored
	var errs []error
	err := p.tx(func(ctx context.Context, tx pgx.Tx) error {
		held, errs = make([]*Stored, len(fresh)), make([]error, len(fresh))
		if err := seeEnvelopePG(ctx, tx, envelopeID, at); err != nil {
			return err
		}
		if len(fresh) == 0 {
			return nil
		}
		b := &pgx.Batch{}
		var queued []int
		for _, i := range order {
			s := fresh[i]
			if s.Device == "" && s.Code == "" {
				// A 数电票's number must be its enterprise's and not given back, checked in
				// this transaction under the segment's lock (pgdigital.go).
				refused, err := digitalNumberOKPG(ctx, tx, s.SellerTaxID, s.Number)
				if err != nil {
					return err
				}
				if refused != nil {
					errs[i] = refused
					continue
				}
			}
			queued = append(queued, i)
			receipt, inv := []byte(s.Receipt), []byte(s.Invoice)
			if receipt == nil {
				receipt = []byte{}
			}
			if inv == nil {
				inv = []byte{}
			}
			b.Queue(`INSERT INTO invoices (`+invoiceColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
				ON CONFLICT (device, code, number) DO NOTHING`,
				s.Device, s.Code, s.Number, s.SellerTaxID, s.OrderID, s.RequestID, s.Total, s.Digest,
				s.AckedAt.UTC(), receipt, inv)
		}
		br := tx.SendBatch(ctx, b)
		var again []int
		for _, i := range queued {
			tag, err := br.Exec()
			if err != nil {
				br.Close()
				return err
			}
			if tag.RowsAffected() == 1 {
				held[i] = fresh[i]
			} else {
				again = append(again, i)
			}
		}
		if err := br.Close(); err != nil {
			return err
		}
		for _, i := range again {
			s := fresh[i]
			old, err := scanStored(tx.QueryRow(ctx, `SELECT `+invoiceColumns+` FROM invoices
				WHERE device = $1 AND code = $2 AND number = $3`, s.Device, s.Code, s.Number))
			if err != nil {
				return fmt.Errorf("stored invoice %s/%s: %w", s.Code, s.Number, err)
			}
			if old.Digest != s.Digest {
				errs[i] = fmt.Errorf("%s %s/%s: %w", s.Device, s.Code, s.Number, errConflict)
				continue
			}
			held[i] = old
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return held, errs, nil
}

// Invoices calls f for every invoice held, in key order; sellerTaxID, when not empty,
// keeps only that seller's.
func (p *PG) Invoices(sellerTaxID string, f func(*Stored) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 24*time.Hour)
	defer cancel()
	// Two statements rather than "$1 = '' OR seller = $1", which a generic plan would
	// answer with a scan of every enterprise's invoices.
	q, args := `SELECT `+invoiceColumns+` FROM invoices ORDER BY device, code, number`, []any{}
	if sellerTaxID != "" {
		q = `SELECT ` + invoiceColumns + ` FROM invoices WHERE seller_tax_id = $1 ORDER BY device, code, number`
		args = append(args, sellerTaxID)
	}
	rows, err := p.pool.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		s, err := scanStored(rows)
		if err != nil {
			return err
		}
		if err := f(s); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Count is how many invoices the platform holds.
func (p *PG) Count() (int, error) {
	var n int
	err := p.tx(func(ctx context.Context, tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM invoices`).Scan(&n)
	})
	return n, err
}

// PutOrder queues an order; the same (seller, ID) again changes nothing.
func (p *PG) PutOrder(o *Order) (added bool, err error) {
	err = p.tx(func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO orders (seller_tax_id, id, body, posted_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (seller_tax_id, id) DO NOTHING`, o.SellerTaxID, o.ID, []byte(o.Order), o.PostedAt.UTC())
		added = err == nil && tag.RowsAffected() == 1
		return err
	})
	return added, err
}

// PendingOrders returns up to n of the seller's orders not yet acknowledged.
func (p *PG) PendingOrders(sellerTaxID string, n int) ([]Order, error) {
	var out []Order
	err := p.tx(func(ctx context.Context, tx pgx.Tx) error {
		out = nil
		rows, err := tx.Query(ctx, `SELECT id, body, posted_at FROM orders
			WHERE seller_tax_id = $1 AND acked_at IS NULL ORDER BY id LIMIT $2`, sellerTaxID, n)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			o := Order{SellerTaxID: sellerTaxID}
			var body []byte
			if err := rows.Scan(&o.ID, &body, &o.PostedAt); err != nil {
				return err
			}
			o.Order, o.PostedAt = json.RawMessage(body), o.PostedAt.UTC()
			out = append(out, o)
		}
		return rows.Err()
	})
	return out, err
}

// AckOrders marks the seller's orders ids as delivered; unknown and other sellers' IDs
// are ignored.
func (p *PG) AckOrders(sellerTaxID string, ids []string, at time.Time) (int, error) {
	var n int
	err := p.tx(func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE orders SET acked_at = $3
			WHERE seller_tax_id = $1 AND id = ANY($2) AND acked_at IS NULL`, sellerTaxID, ids, at.UTC())
		n = int(tag.RowsAffected())
		return err
	})
	return n, err
}

// UploadAck returns the acknowledgement kept for the packet, or keeps what make gives.
// Two instances answering the same packet together both make one; the first insert
// wins and both return it.
func (p *PG) UploadAck(machine string, from, through uint64, make func() ([]byte, error)) ([]byte, error) {
	var out []byte
	f, t := strconv.FormatUint(from, 10), strconv.FormatUint(through, 10)
	err := p.tx(func(ctx context.Context, tx pgx.Tx) error {
		const get = `SELECT ack FROM upload_acks WHERE machine = $1 AND first = $2 AND through = $3`
		err := tx.QueryRow(ctx, get, machine, f, t).Scan(&out)
		if err == nil || !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		raw, err := make()
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO upload_acks (machine, first, through, ack) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, machine, f, t, raw); err != nil {
			return err
		}
		return tx.QueryRow(ctx, get, machine, f, t).Scan(&out)
	})
	return out, err
}

// AnchorAudit keeps a seller's audit-log head and returns the one held before. The row
// is locked (FOR UPDATE) so that two instances anchoring the same seller apply one after
// the other.
func (p *PG) AnchorAudit(seller string, head upload.AuditAnchor, at time.Time) (*upload.AuditAnchor, error) {
	if head.Seq > math.MaxInt64 {
		return nil, fmt.Errorf("audit anchor of %s: entry %d out of range", seller, head.Seq)
	}
	var prev *upload.AuditAnchor
	var refused error
	err := p.tx(func(ctx context.Context, tx pgx.Tx) error {
		prev, refused = nil, nil
		var a upload.AuditAnchor
		var seq int64
		var heldAt time.Time
		err := tx.QueryRow(ctx, `SELECT seq, hash, at FROM audit_anchors WHERE workstation = $1 FOR UPDATE`, seller).
			Scan(&seq, &a.Hash, &heldAt)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			tag, err := tx.Exec(ctx, `INSERT INTO audit_anchors (workstation, seq, hash, at) VALUES ($1, $2, $3, $4)
				ON CONFLICT DO NOTHING`, seller, int64(head.Seq), head.Hash, at.UTC())
			if err == nil && tag.RowsAffected() == 0 {
				// Another instance anchored the seller's first head meanwhile: run again.
				return &pgconn.PgError{Code: "40001", Message: "audit anchor inserted concurrently"}
			}
			return err
		case err != nil:
			return err
		}
		a.Seq = uint64(seq)
		prev = &a
		if head.Seq < a.Seq {
			refused = fmt.Errorf("the audit log went back from entry %d (anchored %s) to %d",
				a.Seq, heldAt.UTC().Format(time.RFC3339), head.Seq)
			return nil
		}
		_, err = tx.Exec(ctx, `UPDATE audit_anchors SET seq = $2, hash = $3, at = $4 WHERE workstation = $1`,
			seller, int64(head.Seq), head.Hash, at.UTC())
		return err
	})
	if err != nil {
		return nil, err
	}
	return prev, refused
}

// AddERPToken keeps an ERP token's hash.
func (p *PG) AddERPToken(hash [32]byte, seller, name string) error {
	return p.tx(func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO erp_tokens (hash, seller, name, created_at) VALUES ($1, $2, $3, now())`,
			hash[:], seller, name)
		return err
	})
}

// ERPToken finds an ERP token's hash.
func (p *PG) ERPToken(hash [32]byte) (seller, name string, ok bool, err error) {
	err = p.tx(func(ctx context.Context, tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT seller, name FROM erp_tokens WHERE hash = $1`, hash[:]).Scan(&seller, &name)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		ok = err == nil
		return err
	})
	return seller, name, ok, err
}
