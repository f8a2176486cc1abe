package upload

import (
	"context"
	"time"
)

// The background loop the desktop program runs: a pass (Once) now, then every Interval,
// or at once when Kick is called (an invoice was just issued). Its Status is what the
// window's status bar shows.

// Status is a snapshot of the sync's state.
type Status struct {
	Running     bool      `json:"running"`
	Queue       int       `json:"queue"` // entries in the outbox
	Dead        int       `json:"dead"`  // dead letters waiting for the clerk
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	Last        Counts    `json:"last"` // the last pass's counts
}

type loop struct {
	cancel context.CancelFunc
	kick   chan struct{}
	done   chan struct{}
}

// Start runs passes in the background until Stop (or ctx ends). Starting a running loop
// does nothing.
func (s *Syncer) Start(ctx context.Context, interval time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loop != nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	l := &loop{cancel: cancel, kick: make(chan struct{}, 1), done: make(chan struct{})}
	s.loop = l
	s.status.Running = true
	go func() {
		defer close(l.done)
		for {
			c, err := s.Once(ctx)
			if s.cfg.OnPass != nil && ctx.Err() == nil {
				s.cfg.OnPass(c, err)
			}
			select {
			case <-ctx.Done():
				return
			case <-l.kick:
			case <-time.After(interval):
			}
		}
	}()
}

// Kick asks a running loop for a pass now; it never blocks.
func (s *Syncer) Kick() {
	s.mu.Lock()
	l := s.loop
	s.mu.Unlock()
	if l == nil {
		return
	}
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// Stop ends the loop and waits for the pass under way to stop: an upload interrupted
// mid-way leaves its entries queued (or acknowledged, if the receipts were stored).
func (s *Syncer) Stop() {
	s.mu.Lock()
	l := s.loop
	s.loop = nil
	s.status.Running = false
	s.mu.Unlock()
	if l != nil {
		l.cancel()
		<-l.done
	}
}

// Status returns the current snapshot, with the queue read from the store.
func (s *Syncer) Status() Status {
	queued, dead, err := s.cfg.Store.PendingCount()
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.status
	if err == nil {
		st.Queue, st.Dead = queued, dead
	}
	return st
}

func (s *Syncer) noteError(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status.LastError, s.status.LastErrorAt = err.Error(), s.cfg.Now()
}

func (s *Syncer) noteResult(c Counts, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status.Last = c
	if err != nil {
		s.status.LastError, s.status.LastErrorAt = err.Error(), s.cfg.Now()
		return
	}
	s.status.LastSuccess = s.cfg.Now()
}
