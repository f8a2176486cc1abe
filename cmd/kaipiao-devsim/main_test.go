package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/shopspring/decimal"
)

// The test binary doubles as kaipiao-devsim: a child started with this variable runs
// main's logic, so the tests kill a real separate process.
const childEnv = "KAIPIAO_DEVSIM_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

type proc struct {
	cmd  *exec.Cmd
	path string
	done chan error
}

// startSim starts kaipiao-devsim and waits for its `PTY <path>` line.
func startSim(t *testing.T, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, done: make(chan error, 1)}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "PTY /dev/") {
		cmd.Process.Kill()
		t.Fatalf("first line %q, %v", line, err)
	}
	p.path = strings.TrimSpace(strings.TrimPrefix(line, "PTY "))
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
	})
	return p
}

func (p *proc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("kaipiao-devsim did not exit")
	}
	p.done <- nil // for Cleanup
	return p.cmd.ProcessState.ExitCode()
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func dial(t *testing.T, link string) *device.Client {
	t.Helper()
	port, err := device.OpenSerial(device.SerialConfig{Path: link, Baud: 115200, ProbeEvery: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c := device.NewClient(port, device.Options{ResponseTimeout: 300 * time.Millisecond})
	t.Cleanup(func() { c.Close() })
	if err := c.VerifyPIN(ctx(t), "88888888"); err != nil {
		t.Fatalf("VerifyPIN: %v", err)
	}
	return c
}

// request builds an 8-line invoice expecting the device's next number (c nil: no number).
func request(t *testing.T, c *device.Client, id string) device.IssueRequest {
	t.Helper()
	var st device.Status
	if c != nil {
		var err error
		if st, err = c.Status(ctx(t)); err != nil {
			t.Fatalf("Status: %v", err)
		}
	}
	inv := invoice.Invoice{RequestID: id, Kind: invoice.KindOrdinary, Buyer: invoice.Party{Name: "上海某某贸易有限公司"}}
	for i := 0; i < 8; i++ {
		inv.Lines = append(inv.Lines, invoice.Line{Name: fmt.Sprintf("办公椅%d", i), TaxCode: "1050201990000000000", ShortName: "家具",
			Unit: "把", Quantity: decimal.NewFromInt(2), UnitPrice: decimal.NewFromInt(450), Amount: 90000, Rate: invoice.Rate13, Tax: 11700})
	}
	return device.IssueRequest{RequestID: id, ExpectedCode: st.NextCode, ExpectedNumber: st.NextNumber, Invoice: inv}
}

// resolve re-sends a request whose outcome is unknown, as the engine's reconciliation
// will. While the restarted device is not yet back on the path (the link may briefly name
// a pseudo-terminal number another test took over: ErrDeviceChanged), it tries again.
func resolve(t *testing.T, c *device.Client, req device.IssueRequest) invoice.Issued {
	t.Helper()
	for attempt := 0; ; attempt++ {
		got, err := c.Issue(ctx(t), req)
		if err == nil {
			return got
		}
		// The port not back yet fails at once, sending nothing (ErrDisconnected): try again.
		if attempt == 20 || !(errors.Is(err, device.ErrDeviceChanged) || errors.Is(err, device.ErrOutcomeUnknown) ||
			errors.Is(err, device.ErrDisconnected)) {
			t.Fatalf("resolving %s after the restart: %v", req.RequestID, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkJournal asserts that numbers are gapless and unique, and returns request → number.
func checkJournal(t *testing.T, c *device.Client) map[string]string {
	t.Helper()
	byReq := map[string]string{}
	seen := map[string]bool{}
	var prev int
	for from := uint64(1); ; {
		page, err := c.Journal(ctx(t), from, 100)
		if err != nil {
			t.Fatalf("Journal: %v", err)
		}
		if len(page) == 0 {
			return byReq
		}
		for _, r := range page {
			var n int
			fmt.Sscanf(r.Invoice.Number, "%d", &n)
			if seen[r.Invoice.Code+r.Invoice.Number] || (prev != 0 && n != prev+1) {
				t.Fatalf("number %s after %d: used twice or skipped", r.Invoice.Number, prev)
			}
			if _, dup := byReq[r.RequestID]; dup {
				t.Fatalf("request %s issued twice", r.RequestID)
			}
			seen[r.Invoice.Code+r.Invoice.Number], prev, byReq[r.RequestID] = true, n, r.Invoice.Number
			from = r.Counter + 1
		}
	}
}

// Acceptance 3, deterministic: the device commits invoice 2 and dies before answering.
func TestCrashAfterCommitThenRestart(t *testing.T) {
	dir := t.TempDir()
	state, link := filepath.Join(dir, "device.db"), filepath.Join(dir, "device.tty")
	p := startSim(t, "--state", state, "--pty", "--link", link, "--baud", "0", "--fault", "crash-after-commit@2")
	c := dial(t, link)
	if _, err := c.Issue(ctx(t), request(t, c, "ORD-1")); err != nil {
		t.Fatal(err)
	}
	req := request(t, c, "ORD-2")
	if _, err := c.Issue(ctx(t), req); !errors.Is(err, device.ErrOutcomeUnknown) {
		t.Fatalf("Issue while the device dies: %v, want ErrOutcomeUnknown", err)
	}
	if code := p.wait(t); code != exitCrashed {
		t.Fatalf("kaipiao-devsim exited %d, want %d", code, exitCrashed)
	}
	// Its link went with it: a client must not follow it to the dead pty's number, which
	// the next pseudo-terminal takes at once.
	if _, err := os.Lstat(link); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the crashed simulator's --link: %v, want it gone", err)
	}
	startSim(t, "--state", state, "--pty", "--link", link, "--baud", "0")
	if got := resolve(t, c, req); got.Number != req.ExpectedNumber {
		t.Fatalf("the same request after the restart got number %s, want %s", got.Number, req.ExpectedNumber)
	}
	if _, err := c.Issue(ctx(t), request(t, c, "ORD-3")); err != nil {
		t.Fatal(err)
	}
	if j := checkJournal(t, c); len(j) != 3 || j["ORD-2"] != req.ExpectedNumber {
		t.Fatalf("journal %v", j)
	}
}

// Acceptance 3, for real: SIGKILL at a random instant while invoices are being issued,
// three times. After each restart the interrupted request is resolved by re-sending it,
// and the journal holds every invoice the client saw, once, with no gap.
func TestSIGKILLWhileIssuing(t *testing.T) {
	dir := t.TempDir()
	state, link := filepath.Join(dir, "device.db"), filepath.Join(dir, "device.tty")
	rng := rand.New(rand.NewPCG(3, 4))
	args := []string{"--state", state, "--pty", "--link", link, "--baud", "0", "--stock", "100000", "--offline-amount", "999999999.99"}
	p := startSim(t, args...)
	c := dial(t, link)
	known := map[string]string{} // request → number, as the client learnt them
	n := 0
	for round := 0; round < 3; round++ {
		killed := make(chan struct{})
		go func(p *proc, after time.Duration) {
			time.Sleep(after)
			_ = p.cmd.Process.Signal(syscall.SIGKILL)
			close(killed)
		}(p, time.Duration(200+rng.IntN(400))*time.Millisecond)
		var pending *device.IssueRequest
	issuing:
		for {
			st, err := c.Status(ctx(t))
			if err != nil {
				break // killed between invoices: nothing in flight
			}
			n++
			req := device.IssueRequest{RequestID: fmt.Sprintf("ORD-%d", n), ExpectedCode: st.NextCode, ExpectedNumber: st.NextNumber}
			req.Invoice = request(t, nil, req.RequestID).Invoice
			got, err := c.Issue(ctx(t), req)
			switch {
			case err == nil:
				known[req.RequestID] = got.Number
			case errors.Is(err, device.ErrOutcomeUnknown):
				pending = &req
				break issuing
			case errors.Is(err, device.ErrDeviceChanged):
				break issuing // only the handshake went out, to another device
			case errors.Is(err, device.ErrTimeout), errors.Is(err, device.ErrDisconnected):
				// Killed before the request could be written: the client says so with a
				// plain error (the port gone, or a timeout), never sent, nothing issued.
				// Were that wrong, the journal would hold an invoice the client does not
				// know, and the check below fails.
				break issuing
			default:
				t.Fatalf("Issue %s: %v", req.RequestID, err)
			}
		}
		<-killed
		p.wait(t)
		p = startSim(t, args...)
		if pending != nil {
			known[pending.RequestID] = resolve(t, c, *pending).Number
		}
	}
	if n < 10 {
		t.Fatalf("only %d invoices attempted: the kills came too early to test anything", n)
	}
	journal := checkJournal(t, c)
	for req, num := range known {
		if journal[req] != num {
			t.Errorf("%s: client has %q, journal %q", req, num, journal[req])
		}
	}
	if len(journal) != len(known) {
		t.Fatalf("journal has %d invoices, the client knows %d", len(journal), len(known))
	}
}

// --port: the simulator on one end of a socat pseudo-terminal pair, the client on the
// other, both through tarm/serial.
func TestServesASerialPortThroughSocat(t *testing.T) {
	socat, err := exec.LookPath("socat")
	if err != nil {
		t.Skip("socat not installed (make deps installs it)")
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	pair := exec.Command(socat, "pty,raw,echo=0,link="+a, "pty,raw,echo=0,link="+b)
	if err := pair.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pair.Process.Kill(); pair.Wait() })
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		_, ea := os.Stat(a)
		_, eb := os.Stat(b)
		if ea == nil && eb == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("socat did not make its pseudo-terminals")
		}
	}
	sim := exec.Command(os.Args[0], "--state", filepath.Join(dir, "d.db"), "--port", a, "--baud", "0")
	sim.Env = append(os.Environ(), childEnv+"=1")
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Process.Kill(); sim.Wait() })
	c := dial(t, b)
	got, err := c.Issue(ctx(t), request(t, c, "ORD-SOCAT"))
	if err != nil || got.Number != "00000001" {
		t.Fatalf("Issue through socat: %v, number %s", err, got.Number)
	}
}
