package loadgen_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/platform/loadgen"
	"github.com/kaipiao/kaipiao/upload"
)

// The presealed run: envelopes sealed before the timed phase, posted by a closed loop of
// senders or on an open-loop schedule, receipts stored after it. Every invoice ends held
// once with its receipt stored; an envelope the platform fails (503) is not lost but
// goes again through the ordinary uploader after the timed phase; and the open loop
// keeps its schedule (the last envelope is not posted before it is due).
func TestPresealedRun(t *testing.T) {
	var posts, fail atomic.Int64 // fail: the upload request to answer 503, counted from 1
	dir, url := serve(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == upload.PathInvoices && posts.Add(1) == fail.Load() {
				http.Error(w, `{"error":"overloaded"}`, http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	run := func(cfg loadgen.Config) *loadgen.Report {
		t.Helper()
		cfg.Dir, cfg.URLs, cfg.Presealed = dir, []string{url}, true
		rep, err := loadgen.Run(context.Background(), cfg)
		if err != nil || !rep.OK() {
			t.Fatalf("%v\n%s", err, rep)
		}
		return rep
	}

	t.Run("closed loop, one envelope failed", func(t *testing.T) {
		posts.Store(0)
		fail.Store(3)
		rep := run(loadgen.Config{Invoices: 90, Batch: 10, Senders: 3})
		// 9 envelopes posted (3 workstations × 30 invoices in tens), one refused and
		// uploaded again after the timed phase (not counted in its requests).
		if rep.Held != 90 || rep.Requests != 8 || rep.Retried != 1 || posts.Load() != 10 || rep.Senders != 3 {
			t.Fatalf("held %d, requests %d, retried %d, posts %d:\n%s", rep.Held, rep.Requests, rep.Retried, posts.Load(), rep)
		}
	})
	t.Run("open loop", func(t *testing.T) {
		posts.Store(0)
		fail.Store(0)
		rep := run(loadgen.Config{Invoices: 60, Batch: 5, Rate: 200})
		// 12 envelopes of 5 at 200 invoices/s: the last is due 55/200 s after the first.
		if rep.Requests != 12 || rep.Retried != 0 || rep.Elapsed < 275*time.Millisecond || rep.Rate != 200 {
			t.Fatalf("requests %d, retried %d, elapsed %v:\n%s", rep.Requests, rep.Retried, rep.Elapsed, rep)
		}
	})
}

// A schedule longer than the envelopes stay valid is refused before anything is issued.
func TestPresealedScheduleWithinTheReplayWindow(t *testing.T) {
	_, err := loadgen.Run(context.Background(), loadgen.Config{Dir: t.TempDir(), URLs: []string{"https://127.0.0.1:1"},
		Invoices: 1_000_000, Presealed: true, Rate: 1000})
	if err == nil || !strings.Contains(err.Error(), "longer than presealed envelopes stay valid") {
		t.Fatalf("%v", err)
	}
}
