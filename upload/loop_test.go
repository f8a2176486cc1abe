package upload_test

import (
	"context"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/upload"
)

// The background loop the GUI runs: a pass at start, another on Kick, a status snapshot,
// and Stop waits for the pass under way.
func TestBackgroundLoop(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.issue("LOOP", 5)
	passes := make(chan upload.Counts, 4)
	s, _ := r.syncer(func(c *upload.Config) {
		c.OnPass = func(c upload.Counts, err error) {
			if err != nil {
				t.Errorf("pass: %v", err)
			}
			passes <- c
		}
	})
	s.Start(context.Background(), time.Hour) // no timed pass: only the first and the kicked
	defer s.Stop()
	if c := <-passes; c.Acked != 5 {
		t.Fatalf("first pass %+v", c)
	}
	r.issue("LOOP2", 3)
	s.Kick()
	if c := <-passes; c.Acked != 3 {
		t.Fatalf("kicked pass %+v", c)
	}
	st := s.Status()
	if !st.Running || st.Queue != 0 || st.LastSuccess.IsZero() || st.Last.Acked != 3 {
		t.Fatalf("status %+v", st)
	}
	s.Stop()
	if s.Status().Running {
		t.Fatal("still running after Stop")
	}
	r.checkPlatformHoldsExactly(8)
}
