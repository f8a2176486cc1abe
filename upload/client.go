package upload

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/kaipiao/kaipiao/pki"
)

// The HTTP side of the workstation: each attempt seals a new envelope (a fresh ID and
// timestamp, so the platform's replay guard never refuses a retry), posts it, and sorts
// the answer into success, a transient failure (retried with backoff and jitter, honouring
// Retry-After) or a permanent refusal.

// PermanentError is a refusal the platform says will not change on retry: the entries
// concerned go to the dead letters with Reason.
type PermanentError struct {
	Status int
	Reason string
}

// Error says what the platform refused and why.
func (e *PermanentError) Error() string {
	return fmt.Sprintf("the platform refused (HTTP %d): %s", e.Status, e.Reason)
}

// errTooLarge: the platform would not take a request this big; a batch is split.
var errTooLarge = errors.New("the request is too large for the platform")

// transientError is a failure worth retrying, with the platform's Retry-After if any.
type transientError struct {
	err        error
	retryAfter time.Duration
}

func (e *transientError) Error() string { return e.err.Error() }
func (e *transientError) Unwrap() error { return e.err }

// Backoff shapes the wait between attempts: Base doubling per attempt up to Max, the
// actual wait drawn uniformly from its upper half (jitter keeps many workstations that
// lost the platform together from returning in step).
type Backoff struct {
	Base, Max time.Duration
}

// DefaultBackoff: 250 ms, doubling to 30 s.
var DefaultBackoff = Backoff{Base: 250 * time.Millisecond, Max: 30 * time.Second}

// Delay is the wait before attempt n (1 is the first retry), at least retryAfter.
func (b Backoff) Delay(n int, retryAfter time.Duration) time.Duration {
	d := b.Base << min(n-1, 20)
	if d > b.Max || d <= 0 {
		d = b.Max
	}
	d = d/2 + rand.N(d/2+1)
	return max(d, retryAfter)
}

// NewHTTPClient makes the client the uploader uses: TLS 1.3 only, and only the platform's
// transport CA is trusted (pinned), whatever the system's roots say.
func NewHTTPClient(keys *pki.Workstation, timeout time.Duration) *http.Client {
	cfg := &tls.Config{MinVersion: tls.VersionTLS13, RootCAs: keys.TLSRoots}
	if keys.ClientTLS != nil {
		cfg.Certificates = []tls.Certificate{*keys.ClientTLS}
	}
	return &http.Client{Timeout: timeout, Transport: &http.Transport{
		TLSClientConfig:     cfg,
		MaxIdleConnsPerHost: 4, IdleConnTimeout: 90 * time.Second, ForceAttemptHTTP2: true,
	}}
}

// post seals a payload made by build for each attempt and posts it to path, retrying
// transient failures up to s.cfg.MaxAttempts times. It returns the answer's body on 200,
// a *PermanentError, or the last transient failure.
func (s *Syncer) post(ctx context.Context, path string, build func() *Payload) ([]byte, error) {
	var last error
	for attempt := 0; attempt < s.cfg.MaxAttempts; attempt++ {
		if attempt > 0 {
			var ra time.Duration
			var te *transientError
			if errors.As(last, &te) {
				ra = te.retryAfter
			}
			if err := s.cfg.Sleep(ctx, s.cfg.Backoff.Delay(attempt, ra)); err != nil {
				return nil, err
			}
		}
		body, err := s.postOnce(ctx, path, build())
		if err == nil {
			return body, nil
		}
		var pe *PermanentError
		if errors.As(err, &pe) || errors.Is(err, errTooLarge) || ctx.Err() != nil {
			return nil, err
		}
		last = err
		s.noteError(err)
	}
	return nil, fmt.Errorf("%s: gave up after %d attempts: %w", path, s.cfg.MaxAttempts, last)
}

func (s *Syncer) postOnce(ctx context.Context, path string, p *Payload) ([]byte, error) {
	env, err := Seal(p, s.cfg.PKI.Enterprise, s.cfg.PKI.PlatformEnc)
	if err != nil {
		return nil, err
	}
	return s.send(ctx, path, env)
}

// send posts a sealed envelope once and returns the platform's answer; an error is a
// *PermanentError, errTooLarge or a transientError.
func (s *Syncer) send(ctx context.Context, path string, env []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.URL+path, bytes.NewReader(env))
	if err != nil {
		return nil, fmt.Errorf("platform URL %q: %w", s.cfg.URL, err)
	}
	req.Header.Set("Content-Type", "application/cms")
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return nil, &transientError{err: fmt.Errorf("posting to %s: %w", s.cfg.URL+path, err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return nil, &transientError{err: fmt.Errorf("reading the answer of %s: %w", s.cfg.URL+path, err)}
	}
	if resp.StatusCode == http.StatusOK {
		return body, nil
	}
	if resp.StatusCode == http.StatusRequestEntityTooLarge {
		return nil, errTooLarge
	}
	var eb ErrorBody
	_ = json.Unmarshal(body, &eb)
	if eb.Error == "" {
		eb.Error = http.StatusText(resp.StatusCode)
	}
	if eb.Permanent && resp.StatusCode >= 400 && resp.StatusCode < 500 {
		return nil, &PermanentError{Status: resp.StatusCode, Reason: eb.Error}
	}
	return nil, &transientError{err: fmt.Errorf("%s: HTTP %d: %s", s.cfg.URL+path, resp.StatusCode, eb.Error),
		retryAfter: retryAfter(resp.Header.Get("Retry-After"), s.cfg.Now())}
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(h); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
