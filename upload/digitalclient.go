package upload

import (
	"context"
	"encoding/json"
	"fmt"
)

// DigitalFetch asks the platform for number segments and quota (docs/digital.md). The
// request's own ID makes it idempotent: sent again, it gets the answer it got.
func (s *Syncer) DigitalFetch(ctx context.Context, f DigitalFetch) (DigitalFetchAnswer, error) {
	var ans DigitalFetchAnswer
	body, err := s.post(ctx, PathDigitalFetch, func() *Payload {
		return &Payload{ID: NewID(), Kind: KindDigitalFetch, At: s.cfg.Now().UTC(), DigitalFetch: &f}
	})
	if err != nil {
		return ans, err
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return ans, fmt.Errorf("the platform's answer to fetch %s: %w", f.ID, err)
	}
	return ans, nil
}

// DigitalReturn gives numbers never used and quota back to the platform, idempotent by
// the request's ID like DigitalFetch.
func (s *Syncer) DigitalReturn(ctx context.Context, r DigitalReturn) (DigitalReturnAnswer, error) {
	var ans DigitalReturnAnswer
	body, err := s.post(ctx, PathDigitalReturn, func() *Payload {
		return &Payload{ID: NewID(), Kind: KindDigitalReturn, At: s.cfg.Now().UTC(), DigitalReturn: &r}
	})
	if err != nil {
		return ans, err
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return ans, fmt.Errorf("the platform's answer to return %s: %w", r.ID, err)
	}
	return ans, nil
}
