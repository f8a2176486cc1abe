package digital

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
	bolt "go.etcd.io/bbolt"
)

// Platform is what the channel asks of the platform; *upload.Syncer has it.
type Platform interface {
	DigitalFetch(ctx context.Context, f upload.DigitalFetch) (upload.DigitalFetchAnswer, error)
	DigitalReturn(ctx context.Context, r upload.DigitalReturn) (upload.DigitalReturnAnswer, error)
}

// Fetch asks the platform for numbers and quota (docs/digital.md "Fetch and return,
// crash-safe"): requests left by an earlier run are settled first; the request is
// written down before it is sent, and its answer applied in the transaction that clears
// it, so that a crash anywhere neither loses what the platform assigned nor asks twice.
func (c *Channel) Fetch(ctx context.Context, p Platform, numbers int, quota invoice.Money) (*State, error) {
	if numbers < 0 || numbers > upload.MaxFetchNumbers || quota < 0 {
		return nil, invoice.NewProblem(nil, "digital.fetch_args", invoice.Args{"max": fmt.Sprint(upload.MaxFetchNumbers),
			"numbers": fmt.Sprint(numbers), "quota": quota.String()}, nil)
	}
	if err := c.Settle(ctx, p); err != nil {
		return nil, err
	}
	req := upload.DigitalFetch{ID: upload.NewID(), Numbers: numbers, Quota: quota.String()}
	err := c.db.Update(func(tx *bolt.Tx) error {
		st, err := readState(tx)
		if err != nil {
			return err
		}
		st.PendingFetch = &req
		return writeState(tx, st)
	})
	if err != nil {
		return nil, err
	}
	if err := c.sendFetch(ctx, p, req); err != nil {
		return nil, err
	}
	return c.State()
}

// sendFetch sends a pending fetch and applies its answer; a refusal for good clears it.
func (c *Channel) sendFetch(ctx context.Context, p Platform, req upload.DigitalFetch) error {
	ans, err := p.DigitalFetch(ctx, req)
	var pe *upload.PermanentError
	if errors.As(err, &pe) {
		_ = c.clearPending(func(st *State) { st.PendingFetch = nil })
		return fmt.Errorf("the platform refused the fetch: %w", err)
	}
	if err != nil {
		return fmt.Errorf("fetching from the platform (the request is kept and sent again): %w", err)
	}
	if ans.ID != req.ID {
		return fmt.Errorf("the platform answered fetch %s for %s", ans.ID, req.ID)
	}
	granted, err := invoice.ParseMoney(ans.Quota)
	if err != nil || granted < 0 {
		return fmt.Errorf("the platform granted quota %q", ans.Quota)
	}
	for _, s := range ans.Segments {
		if !invoice.ValidDigitalNumber(s.First) || segmentSize(s) == 0 {
			return fmt.Errorf("the platform assigned a malformed segment %q–%q", s.First, s.Last)
		}
	}
	return c.db.Update(func(tx *bolt.Tx) error {
		st, err := readState(tx)
		if err != nil {
			return err
		}
		if st.PendingFetch == nil || st.PendingFetch.ID != req.ID {
			return nil // applied already
		}
		st.Held = append(st.Held, ans.Segments...)
		st.quota(ans.Period).Held += granted
		st.UploadDeadline = ans.UploadDeadline
		st.PendingFetch = nil
		return writeState(tx, st)
	})
}

func (c *Channel) clearPending(f func(*State)) error {
	return c.db.Update(func(tx *bolt.Tx) error {
		st, err := readState(tx)
		if err != nil {
			return err
		}
		f(st)
		return writeState(tx, st)
	})
}

// Settle sends again a fetch or a return an earlier run left without its answer.
func (c *Channel) Settle(ctx context.Context, p Platform) error {
	st, err := c.State()
	if err != nil {
		return err
	}
	if st.PendingFetch != nil {
		if err := c.sendFetch(ctx, p, *st.PendingFetch); err != nil {
			return err
		}
	}
	if st.PendingReturn != nil {
		if _, err := c.sendReturn(ctx, p, *st.PendingReturn); err != nil {
			return err
		}
	}
	return nil
}

// Return gives back every number still held (reported as unused, 未使用) and every
// month's unused quota. They leave the held state first, in one transaction, so that
// nothing can be issued with them while the return is under way; the answer clears the
// pending return; a refusal for good puts them back.
func (c *Channel) Return(ctx context.Context, p Platform) (upload.DigitalReturnAnswer, error) {
	if err := c.Settle(ctx, p); err != nil {
		return upload.DigitalReturnAnswer{}, err
	}
	var req upload.DigitalReturn
	err := c.db.Update(func(tx *bolt.Tx) error {
		st, err := readState(tx)
		if err != nil {
			return err
		}
		req = upload.DigitalReturn{ID: upload.NewID(), Quota: []upload.PeriodAmount{}, Unused: append([]upload.Segment{}, st.Held...)}
		periods := make([]string, 0, len(st.Quota))
		for p := range st.Quota {
			periods = append(periods, p)
		}
		sort.Strings(periods)
		for _, p := range periods {
			q := st.Quota[p]
			if left := q.Held - q.Used; left > 0 {
				req.Quota = append(req.Quota, upload.PeriodAmount{Period: p, Amount: left.String()})
				q.Held = q.Used
			}
		}
		st.Held = nil
		st.PendingReturn = &req
		return writeState(tx, st)
	})
	if err != nil {
		return upload.DigitalReturnAnswer{}, err
	}
	return c.sendReturn(ctx, p, req)
}

func (c *Channel) sendReturn(ctx context.Context, p Platform, req upload.DigitalReturn) (upload.DigitalReturnAnswer, error) {
	ans, err := p.DigitalReturn(ctx, req)
	var pe *upload.PermanentError
	if errors.As(err, &pe) {
		// Not given back: the numbers and quota are this workstation's again.
		rerr := c.clearPending(func(st *State) {
			if st.PendingReturn == nil || st.PendingReturn.ID != req.ID {
				return
			}
			st.Held = append(append([]upload.Segment{}, req.Unused...), st.Held...)
			for _, pa := range req.Quota {
				if m, err := invoice.ParseMoney(pa.Amount); err == nil {
					st.quota(pa.Period).Held += m
				}
			}
			st.PendingReturn = nil
		})
		return ans, errors.Join(fmt.Errorf("the platform refused the return; the numbers and quota are kept: %w", err), rerr)
	}
	if err != nil {
		return ans, fmt.Errorf("returning to the platform (the return is kept and sent again): %w", err)
	}
	err = c.clearPending(func(st *State) {
		if st.PendingReturn != nil && st.PendingReturn.ID == req.ID {
			st.Returned = append(st.Returned, ans.Unused...)
			st.PendingReturn = nil
		}
	})
	return ans, err
}

// Status is what `kaipiaoctl digital status` prints (docs/cli.md).
type Status struct {
	NumbersHeld    int       `json:"numbers_held"`
	NextNumber     string    `json:"next_number"`
	Period         string    `json:"period"`
	QuotaHeld      string    `json:"quota_held"`
	QuotaUsed      string    `json:"quota_used"`
	PendingUpload  int       `json:"pending_upload"`
	UploadDeadline time.Time `json:"upload_deadline,omitzero"`
	// PendingFetch and PendingReturn say a request awaits the platform's answer.
	PendingFetch  bool `json:"pending_fetch,omitempty"`
	PendingReturn bool `json:"pending_return,omitempty"`
}

// Status says what the channel holds now; pending is the store's count of invoices not
// yet acknowledged by the platform.
func (c *Channel) Status(pending int) (Status, error) {
	st, err := c.State()
	if err != nil {
		return Status{}, err
	}
	period := Period(c.now())
	q := st.quota(period)
	s := Status{NumbersHeld: st.NumbersHeld(), Period: period, QuotaHeld: q.Held.String(), QuotaUsed: q.Used.String(),
		PendingUpload: pending, UploadDeadline: st.UploadDeadline.In(invoice.Beijing), PendingFetch: st.PendingFetch != nil,
		PendingReturn: st.PendingReturn != nil}
	if len(st.Held) > 0 {
		s.NextNumber = st.Held[0].First
	}
	return s, nil
}
