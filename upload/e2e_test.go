package upload_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/upload"
)

// Acceptance 1: a hundred invoices issued offline reach the platform over HTTPS, each
// verified there (enterprise signature and chain, device seal, arithmetic), each held
// once, each receipt verified and stored by the workstation.
func TestHundredInvoicesIssuedOfflineReachThePlatform(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.stopPlatform() // offline while issuing
	r.issue("E2E", 100)
	r.startPlatform()
	s, _ := r.syncer(nil)
	c, err := s.Once(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Uploaded != 100 || c.Acked != 100 || c.Pending != 0 || c.Failed != 0 {
		t.Fatalf("counts %+v", c)
	}
	if c.Reported != 100 {
		t.Fatalf("the tax authority acknowledged %d device records, want 100", c.Reported)
	}
	r.checkPlatformHoldsExactly(100)
	off, err := r.client.Offline(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if off.Pending != 0 || off.UploadedThrough != 100 {
		t.Fatalf("the device still counts %d offline invoices (uploaded through %d)", off.Pending, off.UploadedThrough)
	}
	t.Run("the enterprise lists what the platform holds for it", func(t *testing.T) {
		status, body := r.postRaw(upload.PathList, r.seal(&upload.Payload{ID: upload.NewID(), Kind: upload.KindList, At: time.Now()}))
		if status != 200 || strings.Count(string(body), "\n") != 100 {
			t.Fatalf("HTTP %d, %d lines", status, strings.Count(string(body), "\n"))
		}
	})
	st := s.Status()
	if st.Queue != 0 || st.LastSuccess.IsZero() || st.Last.Acked != 100 {
		t.Fatalf("status %+v", st)
	}
}

// BenchmarkSyncThroughput: invoices per second from the outbox to stored receipts, over
// HTTPS on loopback, platform in the same process, both stores fsyncing. Budget ≥ 1,000/s.
// "with relay" adds the device's records to the tax authority and its acknowledgements
// written back over the pseudo-terminal.
func BenchmarkSyncThroughput(b *testing.B) {
	for _, relay := range []bool{false, true} {
		name := "upload"
		if relay {
			name = "with relay"
		}
		b.Run(name, func(b *testing.B) {
			r := newRig(b, rigOptions{})
			r.issue("BENCH", b.N)
			s, _ := r.syncer(func(c *upload.Config) {
				c.BatchSize = 0
				if !relay {
					c.Device = nil
				}
			})
			b.ResetTimer()
			start := time.Now()
			c, err := s.Once(context.Background())
			elapsed := time.Since(start)
			b.StopTimer()
			if err != nil || c.Acked != b.N {
				b.Fatalf("acked %d of %d: %v", c.Acked, b.N, err)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "invoices/s")
		})
	}
}
