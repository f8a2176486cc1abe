package upload_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/upload"
)

// Acceptance 2: faults between the workstation and the platform. In each, every invoice
// ends on the platform exactly once and acknowledged in the store.

func TestPlatformDownThenUp(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.issue("DOWN", 30)
	r.stopPlatform()
	s, slept := r.syncer(nil)
	c, err := s.Once(context.Background())
	if err == nil {
		t.Fatal("a pass with the platform down succeeded")
	}
	if c.Acked != 0 || c.Pending != 30 || c.Failed != 0 {
		t.Fatalf("counts %+v", c)
	}
	if len(*slept) == 0 {
		t.Fatal("no backoff between attempts")
	}
	if st := s.Status(); st.LastError == "" || st.Queue != 30 {
		t.Fatalf("status %+v", st)
	}
	r.startPlatform()
	if c, err = s.Once(context.Background()); err != nil || c.Acked != 30 {
		t.Fatalf("after the platform returned: %+v %v", c, err)
	}
	r.checkPlatformHoldsExactly(30)
}

// countingFaults answers the first len(statuses) requests to the invoices endpoint with
// those statuses (429s with Retry-After: 7) and passes the rest.
func countingFaults(statuses ...int) func(http.Handler) http.Handler {
	var mu sync.Mutex
	n := 0
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			mu.Lock()
			i := n
			if req.URL.Path == upload.PathInvoices {
				n++
			}
			mu.Unlock()
			if req.URL.Path == upload.PathInvoices && i < len(statuses) {
				if statuses[i] == http.StatusTooManyRequests {
					w.Header().Set("Retry-After", "7")
				}
				http.Error(w, `{"error":"injected"}`, statuses[i])
				return
			}
			h.ServeHTTP(w, req)
		})
	}
}

func TestServerErrorsAndRetryAfter(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.issue("5XX", 20)
	r.faults(countingFaults(500, 503, 429))
	s, slept := r.syncer(nil)
	c, err := s.Once(context.Background())
	if err != nil || c.Acked != 20 {
		t.Fatalf("%+v %v", c, err)
	}
	if len(*slept) != 3 {
		t.Fatalf("waited %d times, want 3: %v", len(*slept), *slept)
	}
	if (*slept)[2] < 7*time.Second {
		t.Fatalf("Retry-After: 7 not honoured: waited %v", (*slept)[2])
	}
	r.checkPlatformHoldsExactly(20)
}

// The platform commits, but its answer never arrives: the client times out and sends
// again; the platform recognises the invoices and returns the receipts it gave the first
// time.
func TestTimeoutAfterThePlatformCommitted(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.issue("TMO", 20)
	committed := make(chan struct{})
	r.faults(onFirstInvoices(func(h http.Handler, w http.ResponseWriter, req *http.Request) {
		h.ServeHTTP(httptest.NewRecorder(), req) // commits; the answer is dropped
		close(committed)
		<-req.Context().Done() // until the client gives up
	}))
	s, _ := r.syncer(func(c *upload.Config) { c.Client = upload.NewHTTPClient(r.ws, 2*time.Second) })
	c, err := s.Once(context.Background())
	if err != nil || c.Acked != 20 {
		t.Fatalf("%+v %v", c, err)
	}
	select {
	case <-committed:
	default:
		t.Fatal("the fault never fired")
	}
	r.checkPlatformHoldsExactly(20)
}

// resetAfter hijacks the connection of the first invoices request and closes it with
// a TCP reset: after reading half the request body (before the platform sees it), or
// after the platform committed and half its answer is written.
func resetAfter(commit bool) func(http.Handler) http.Handler {
	return onFirstInvoices(func(h http.Handler, w http.ResponseWriter, req *http.Request) {
		var answer []byte
		if commit {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			answer = rec.Body.Bytes()
		} else {
			_, _ = io.CopyN(io.Discard, req.Body, req.ContentLength/2)
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		if commit {
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ")
			buf.WriteString(strconv.Itoa(len(answer)) + "\r\n\r\n")
			buf.Write(answer[:len(answer)/2])
			buf.Flush()
		}
		if tc, ok := conn.(interface{ NetConn() net.Conn }); ok {
			if tcp, ok := tc.NetConn().(*net.TCPConn); ok {
				_ = tcp.SetLinger(0) // close with RST, not FIN
			}
		}
		conn.Close()
	})
}

// onFirstInvoices applies fault to the first request to the invoices endpoint and lets
// every other request through.
func onFirstInvoices(fault func(h http.Handler, w http.ResponseWriter, req *http.Request)) func(http.Handler) http.Handler {
	var once sync.Once
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			first := false
			if req.URL.Path == upload.PathInvoices {
				once.Do(func() { first = true })
			}
			if !first {
				h.ServeHTTP(w, req)
				return
			}
			fault(h, w, req)
		})
	}
}

func TestConnectionResetMidBody(t *testing.T) {
	for _, commit := range []bool{false, true} {
		name := "mid request body, before the platform saw it"
		if commit {
			name = "mid answer, after the platform committed"
		}
		t.Run(name, func(t *testing.T) {
			r := newRig(t, rigOptions{})
			r.http1 = true
			r.issue("RST", 20)
			r.faults(resetAfter(commit))
			s, slept := r.syncer(nil)
			c, err := s.Once(context.Background())
			if err != nil || c.Acked != 20 {
				t.Fatalf("%+v %v", c, err)
			}
			if len(*slept) != 1 {
				t.Fatalf("retried %d times, want 1", len(*slept))
			}
			r.checkPlatformHoldsExactly(20)
		})
	}
}

// A batch over the platform's request limit is split until it fits.
func TestOversizedBatchIsSplit(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.issue("BIG", 20)
	var mu sync.Mutex
	refused := 0
	r.faults(func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.URL.Path == upload.PathInvoices && req.ContentLength > 20_000 {
				mu.Lock()
				refused++
				mu.Unlock()
				http.Error(w, `{"error":"too large"}`, http.StatusRequestEntityTooLarge)
				return
			}
			h.ServeHTTP(w, req)
		})
	})
	s, _ := r.syncer(nil)
	c, err := s.Once(context.Background())
	if err != nil || c.Acked != 20 || c.Uploaded != 20 {
		t.Fatalf("%+v %v", c, err)
	}
	if refused == 0 {
		t.Fatal("no batch was too large: the test proves nothing")
	}
	r.checkPlatformHoldsExactly(20)
}
