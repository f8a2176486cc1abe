package upload

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/kaipiao/kaipiao/pki"
)

// SlipClient is the workstation's side of the confirmation slips: each call is one
// envelope signed by the enterprise, retried on transient failures with a new envelope
// like the uploads. A retried request is safe: a new slip carries its request ID, and
// answering a slip twice with the same answer changes nothing.
type SlipClient struct{ s *Syncer }

// NewSlipClient makes a client for the platform at url with the workstation's keys;
// client nil uses NewHTTPClient with 30 s.
func NewSlipClient(keys *pki.Workstation, url string, client *http.Client) (*SlipClient, error) {
	if keys == nil {
		return nil, fmt.Errorf("slips: the workstation's PKI is required")
	}
	if url == "" {
		return nil, fmt.Errorf("slips: no platform URL (--platform or KAIPIAO_PLATFORM)")
	}
	if client == nil {
		client = NewHTTPClient(keys, 30*time.Second)
	}
	// The Syncer's post without an outbox: only its request path is used.
	return &SlipClient{s: &Syncer{cfg: Config{PKI: keys, URL: url, Client: client, MaxAttempts: 4,
		Backoff: DefaultBackoff, Sleep: sleepCtx, Now: time.Now}}}, nil
}

func (c *SlipClient) call(ctx context.Context, path, kind string, body, out any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	answer, err := c.s.post(ctx, path, func() *Payload {
		return &Payload{ID: NewID(), Kind: kind, At: c.s.cfg.Now().UTC(), Slip: raw}
	})
	if err != nil {
		return err
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return fmt.Errorf("the platform's answer to %s: %w", path, err)
	}
	return nil
}

// Request asks for a new slip.
func (c *SlipClient) Request(ctx context.Context, r SlipRequest) (*Slip, error) {
	var s Slip
	return &s, c.call(ctx, PathSlips, KindSlipRequest, r, &s)
}

// List returns the slips the enterprise started, or with incoming those started by the
// other party of its invoices.
func (c *SlipClient) List(ctx context.Context, incoming bool) ([]Slip, error) {
	var l SlipList
	if err := c.call(ctx, PathSlipsList, KindSlipList, SlipListRequest{Incoming: incoming}, &l); err != nil {
		return nil, err
	}
	return l.Slips, nil
}

// Get returns one slip the enterprise is a party to.
func (c *SlipClient) Get(ctx context.Context, number string) (*Slip, error) {
	var s Slip
	return &s, c.call(ctx, PathSlipPrefix+number, KindSlipGet, SlipAnswer{Number: number}, &s)
}

// Answer confirms, refuses or withdraws a slip (action SlipConfirm, SlipRefuse or
// SlipWithdraw) and returns it as it now stands.
func (c *SlipClient) Answer(ctx context.Context, number, action string) (*Slip, error) {
	var s Slip
	return &s, c.call(ctx, PathSlipPrefix+number+"/"+action, KindSlipAnswer, SlipAnswer{Number: number, Action: action}, &s)
}

// Claim reserves the slip for the seller's red invoice redNumber (before it is issued)
// and returns the slip as it then stands.
func (c *SlipClient) Claim(ctx context.Context, number, redNumber string) (*Slip, error) {
	var s Slip
	return &s, c.call(ctx, PathSlipPrefix+number+"/"+SlipClaim, KindSlipAnswer,
		SlipAnswer{Number: number, Action: SlipClaim, RedNumber: redNumber}, &s)
}
