package platform

import (
	"context"
	"log"
	"net"
	"net/http"
	gosync "sync"
	"time"
)

// Limits bound what one client can make the platform hold: the review held ≈ 1 GB with
// eight 70 MB POSTs, and kept 50 slow-loris connections open past a minute
// (docs/security.md).
type Limits struct {
	ReadHeaderTimeout time.Duration // the request line and headers
	ReadTimeout       time.Duration // the whole request, body included
	WriteTimeout      time.Duration // from the end of the headers to the end of the answer
	IdleTimeout       time.Duration // a keep-alive connection between requests
	MaxHeaderBytes    int
	// MaxBody is the largest request body; a larger declared Content-Length is refused
	// before a byte of the body is read.
	MaxBody int64
	// BodyBudget is the memory all request bodies being read may take together; a
	// request that would go over it is answered 503 (the workstation retries later).
	BodyBudget int64
	// ConnsPerClient is the most connections one client address may hold open.
	ConnsPerClient int
}

// DefaultLimits are the platform's limits: a batch of a few hundred invoices is a few MB.
var DefaultLimits = Limits{
	ReadHeaderTimeout: 10 * time.Second,
	ReadTimeout:       60 * time.Second,
	WriteTimeout:      120 * time.Second,
	IdleTimeout:       60 * time.Second,
	MaxHeaderBytes:    64 << 10,
	MaxBody:           16 << 20,
	BodyBudget:        128 << 20,
	ConnsPerClient:    16,
}

// limits returns the server's limits, DefaultLimits when not set.
func (s *Server) limits() Limits {
	if s.Limits.MaxBody == 0 {
		return DefaultLimits
	}
	return s.Limits
}

// HTTPServer is the platform's HTTPS server with its limits and error log; serve it with
// ServeTLS(s.Listen(ln), "", "").
func (s *Server) HTTPServer(errorLog *log.Logger) *http.Server {
	l := s.limits()
	return &http.Server{Handler: s.Handler(), TLSConfig: s.TLSConfig(), ErrorLog: errorLog,
		ReadHeaderTimeout: l.ReadHeaderTimeout, ReadTimeout: l.ReadTimeout, WriteTimeout: l.WriteTimeout,
		IdleTimeout: l.IdleTimeout, MaxHeaderBytes: l.MaxHeaderBytes}
}

// Listen wraps ln so that one client address holds at most ConnsPerClient connections:
// a further one is closed at once, before the TLS handshake costs anything.
func (s *Server) Listen(ln net.Listener) net.Listener {
	return &perClient{Listener: ln, max: s.limits().ConnsPerClient, open: map[string]int{}, logf: s.logf}
}

type perClient struct {
	net.Listener
	max  int
	logf func(string, ...any)
	mu   gosync.Mutex
	open map[string]int
}

func (p *perClient) Accept() (net.Conn, error) {
	for {
		c, err := p.Listener.Accept()
		if err != nil {
			return nil, err
		}
		host, _, _ := net.SplitHostPort(c.RemoteAddr().String())
		p.mu.Lock()
		if p.open[host] >= p.max {
			p.mu.Unlock()
			p.logf("refused a connection from %s: %d already open", c.RemoteAddr(), p.max)
			c.Close()
			continue
		}
		p.open[host]++
		p.mu.Unlock()
		return &countedConn{Conn: c, release: func() {
			p.mu.Lock()
			if p.open[host]--; p.open[host] <= 0 {
				delete(p.open, host)
			}
			p.mu.Unlock()
		}}, nil
	}
}

type countedConn struct {
	net.Conn
	once    gosync.Once
	release func()
}

func (c *countedConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}

// budget is the memory request bodies may take together.
type budget struct {
	mu   gosync.Mutex
	used int64
}

// take reserves n bytes of max, reporting false when that would go over.
func (b *budget) take(n, max int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > max {
		return false
	}
	b.used += n
	return true
}

func (b *budget) give(n int64) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
}

// requestInfo is what the access log says of a request: the handlers fill in the
// signer and the outcome.
type requestInfo struct {
	signer  string
	outcome string
}

type infoKey struct{}

func info(r *http.Request) *requestInfo {
	if i, ok := r.Context().Value(infoKey{}).(*requestInfo); ok {
		return i
	}
	return &requestInfo{}
}

// statusWriter remembers the status a handler wrote, and the refusal's reason.
type statusWriter struct {
	http.ResponseWriter
	status int
	reason string
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// accessLog logs every request with the client's address, the signer of its envelope
// (or the ERP's token's seller) and the outcome, acceptances included.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := &requestInfo{}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), infoKey{}, i)))
		signer := i.signer
		if signer == "" {
			signer = "-"
		}
		outcome := i.outcome
		if sw.reason != "" {
			outcome = "refused: " + sw.reason
		}
		s.logf("%s %s from %s signer %s: %d %s", r.Method, r.URL.Path, r.RemoteAddr, signer, sw.status, outcome)
	})
}
