package platform_test

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/platform"
	"github.com/kaipiao/kaipiao/platform/platformtest"
	"github.com/kaipiao/kaipiao/upload"
)

// The review's platform findings, against the real HTTPS server with its limits: eight
// concurrent 70 MB POSTs held ≈ 1 GB before anything was authenticated; fifty connections
// sending a byte every five seconds stayed open; idle keep-alives too. The limits here are
// short so that the test is quick; the server closing a connection is what is checked,
// never how fast (the client's own deadline is ten times the server's).

type testPlatform struct {
	addr   string
	roots  *x509.CertPool
	logs   *logBuffer
	client tls.Certificate // the enterprise's TLS client identity
}

type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(&l.b, format+"\n", args...)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var testLimits = platform.Limits{ReadHeaderTimeout: 500 * time.Millisecond, ReadTimeout: time.Second,
	WriteTimeout: 2 * time.Second, IdleTimeout: time.Second, MaxHeaderBytes: 8 << 10,
	MaxBody: 1 << 20, BodyBudget: 2 << 20, ConnsPerClient: 8}

func startPlatform(t *testing.T) *testPlatform { return startPlatformOpts(t, false, testLimits) }

func startPlatformWith(t *testing.T, requireClient bool) *testPlatform {
	return startPlatformOpts(t, requireClient, testLimits)
}

func startPlatformOpts(t *testing.T, requireClient bool, limits platform.Limits) *testPlatform {
	t.Helper()
	dir := t.TempDir()
	set, err := pki.NewDemoSet(pki.DemoOptions{TaxID: "91350200776049653A", Machine: "661234567890"})
	if err != nil {
		t.Fatal(err)
	}
	pass := []byte("p")
	if _, err := set.WritePlatform(filepath.Join(dir, "pki"), pass); err != nil {
		t.Fatal(err)
	}
	keys, err := pki.LoadPlatform(filepath.Join(dir, "pki"), pass, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	db := platformtest.Open(t, filepath.Join(dir, "data"))
	logs := &logBuffer{}
	s := &platform.Server{DB: db, PKI: keys, Limits: limits, Logf: logs.Printf, RequireClientCert: requireClient}
	srv := s.HTTPServer(log.New(io.Discard, "", 0))
	srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){} // HTTP/1.1: raw requests
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.ServeTLS(s.Listen(ln), "", "") }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Error(err)
		}
		db.Close()
	})
	roots := x509.NewCertPool()
	c, _ := x509.ParseCertificate(set.TLSCA.Cert.Raw)
	roots.AddCert(c)
	return &testPlatform{addr: ln.Addr().String(), roots: roots, logs: logs,
		client: tls.Certificate{Certificate: [][]byte{set.EnterpriseTLS.Cert.Raw}, PrivateKey: set.EnterpriseTLS.Key}}
}

func (p *testPlatform) dial(t *testing.T) *tls.Conn {
	t.Helper()
	c, err := tls.Dial("tcp", p.addr, &tls.Config{RootCAs: p.roots, ServerName: "localhost", NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedByServer reads until the server closes c, true when it does before the
// client's own (generous) deadline.
func closedByServer(c net.Conn) bool {
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

func TestSlowLorisConnectionsAreClosed(t *testing.T) {
	p := startPlatform(t)
	var wg sync.WaitGroup
	closed := make(chan bool, 8)
	for i := range 8 {
		c := p.dial(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Half send their headers a byte at a time, half a body a byte at a time.
			head := "POST " + upload.PathInvoices + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n"
			stop := make(chan struct{})
			go func() {
				defer close(stop)
				slow := head
				if i%2 == 1 {
					c.Write([]byte(head))
					slow = strings.Repeat("x", 100000)
				}
				for j := 0; j < len(slow); j++ {
					if _, err := c.Write([]byte{slow[j]}); err != nil {
						return
					}
					time.Sleep(200 * time.Millisecond)
				}
			}()
			closed <- closedByServer(c)
			c.Close()
			<-stop
		}()
	}
	wg.Wait()
	close(closed)
	for ok := range closed {
		if !ok {
			t.Fatal("a slow connection was still open at the client's deadline")
		}
	}
}

func TestIdleKeepAliveIsClosed(t *testing.T) {
	p := startPlatform(t)
	c := p.dial(t)
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}", upload.PathOrders)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusUnauthorized || resp.Close {
		t.Fatalf("HTTP %d close %t: want 401 on a kept-alive connection", resp.StatusCode, resp.Close)
	}
	if !closedByServer(c) {
		t.Fatal("the idle keep-alive connection was still open")
	}
}

func TestLargeBodiesAreRefusedUnread(t *testing.T) {
	p := startPlatform(t)
	t.Run("a declared 70 MB body is refused before it is sent", func(t *testing.T) {
		c := p.dial(t)
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n", upload.PathInvoices, 70<<20)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("HTTP %d", resp.StatusCode)
		}
	})
	t.Run("a chunked body is cut at the limit", func(t *testing.T) {
		c := p.dial(t)
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n", upload.PathInvoices)
		go func() {
			chunk := strings.Repeat("x", 64<<10)
			for range 40 { // 2.5 MB, over the 1 MB limit
				if _, err := fmt.Fprintf(c, "%x\r\n%s\r\n", len(chunk), chunk); err != nil {
					return
				}
			}
		}()
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("HTTP %d", resp.StatusCode)
		}
	})
	t.Run("bodies together stay within the budget", func(t *testing.T) {
		// Two requests each declaring the largest body, sending it slowly, take the whole
		// budget; a third is answered 503 at once, without its body. The read timeout is
		// long here, so that the two still hold the budget however slow the machine.
		l := testLimits
		l.ReadTimeout, l.WriteTimeout, l.IdleTimeout = time.Minute, time.Minute, time.Minute
		p := startPlatformOpts(t, false, l)
		probe := p.dial(t) // dialled first: a handshake on a loaded machine takes a while
		r := bufio.NewReader(probe)
		for range 2 {
			c := p.dial(t)
			fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\nx", upload.PathInvoices, 1<<20)
		}
		busy := false
		// Up to 50 s (under the minute the two hold the budget): on a loaded machine the
		// two bodies' handshakes and headers can take seconds to be read.
		for deadline := time.Now().Add(50 * time.Second); time.Now().Before(deadline); {
			// A whole small request: answered 400 (junk) while the budget has room, on the
			// same kept-alive connection, and 503 once the two hold it.
			fmt.Fprintf(probe, "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n0123456789", upload.PathInvoices)
			resp, err := http.ReadResponse(r, nil)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			if resp.StatusCode == http.StatusServiceUnavailable {
				busy = true
				break
			}
			time.Sleep(50 * time.Millisecond) // the two may not have been read yet
		}
		if !busy {
			t.Fatal("a request beyond the body budget was not answered 503")
		}
	})
}

func TestConnectionsPerClientAreLimited(t *testing.T) {
	p := startPlatform(t)
	for range testLimits.ConnsPerClient {
		p.dial(t)
	}
	c, err := tls.Dial("tcp", p.addr, &tls.Config{RootCAs: p.roots, ServerName: "localhost"})
	if err == nil {
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		_, err = c.Read(make([]byte, 1))
		c.Close()
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("a connection over the per-client limit was kept")
		}
	}
	if !strings.Contains(p.logs.String(), "refused a connection from 127.0.0.1") {
		t.Fatalf("log: %s", p.logs.String())
	}
}

func TestAccessLogNamesClientAndOutcome(t *testing.T) {
	p := startPlatform(t)
	c := p.dial(t)
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", upload.PathOrders)
	io.Copy(io.Discard, c)
	got := p.logs.String()
	if !strings.Contains(got, "POST /v1/orders from 127.0.0.1:") || !strings.Contains(got, ": 401 refused: orders need an ERP token") {
		t.Fatalf("log: %s", got)
	}
}

// With client certificates required (kaipiao-platform's default), a stranger without the
// enterprise's TLS certificate is refused before a byte of the body is read; a client
// with it gets as far as the envelope.
func TestEnvelopesNeedTheEnterpriseTLSCertificate(t *testing.T) {
	p := startPlatformWith(t, true)
	post := func(c *tls.Conn, body bool) int {
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n", upload.PathInvoices, 900<<10)
		if body {
			go c.Write(make([]byte, 900<<10)) // junk: refused as an envelope, after reading
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	if status := post(p.dial(t), false); status != http.StatusUnauthorized {
		t.Fatalf("no client certificate: HTTP %d", status)
	}
	c, err := tls.Dial("tcp", p.addr, &tls.Config{RootCAs: p.roots, ServerName: "localhost", NextProtos: []string{"http/1.1"},
		Certificates: []tls.Certificate{p.client}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if status := post(c, true); status != http.StatusBadRequest {
		t.Fatalf("with the client certificate: HTTP %d, want the envelope's 400", status)
	}
	if got := p.logs.String(); !strings.Contains(got, "signer TLS 91350200776049653A: 400 refused: envelope") {
		t.Fatalf("log: %s", got)
	}
}
