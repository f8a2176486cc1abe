package platform

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kaipiao/kaipiao/upload"
)

// ClaimSlip implements SlipStore on PostgreSQL: the slip read FOR UPDATE, and in the same
// transaction the check that no invoice is held under an earlier claim's number.
func (p *PG) ClaimSlip(number, seller, redNumber string, now time.Time) (*upload.Slip, error) {
	var out *upload.Slip
	err := p.tx(func(ctx context.Context, tx pgx.Tx) error {
		out = nil
		s, err := lockSlip(ctx, tx, number, now)
		if err != nil {
			return err
		}
		var heldErr error
		held := func(n string) bool {
			var raw []byte
			err := tx.QueryRow(ctx, `SELECT invoice FROM invoices WHERE device = '' AND code = '' AND number = $1`, n).Scan(&raw)
			if err == nil {
				return redOfSlip(raw, number)
			}
			if !errors.Is(err, pgx.ErrNoRows) {
				heldErr = err
				return true // unknown: the claim stays where it is
			}
			return false
		}
		changed, err := claimSlip(s, seller, redNumber, held)
		if heldErr != nil {
			return heldErr
		}
		if err != nil {
			return err
		}
		out = s
		if changed {
			return saveSlip(ctx, tx, s)
		}
		return nil
	})
	return out, err
}
