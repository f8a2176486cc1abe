package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/internal/pgtest"
	"github.com/kaipiao/kaipiao/platform"
	"github.com/kaipiao/kaipiao/platform/loadgen"
)

var twoInstanceInvoices = flag.Int("instances.invoices", 20000, "invoices of TestTwoInstancesOneKilled")

// Acceptance: two platform processes on one PostgreSQL database; 20 workstations of 10
// enterprises sync 20,000 invoices split across both (workstation w starts on instance
// w % 2); halfway through, instance 0 is killed with SIGKILL and restarted on the same
// address. The workstations fail over to the other instance meanwhile. In the end the
// database holds each invoice once, every outbox is empty, every receipt verifies
// against the workstation's own invoice (loadgen's check, through each enterprise's
// list request), and the database agrees; the restarted instance then takes and lists
// more.
func TestTwoInstancesOneKilled(t *testing.T) {
	dir := t.TempDir()
	if err := loadgen.Setup(dir, 20, 10); err != nil {
		t.Fatal(err)
	}
	dbURL := pgtest.Schema(t)
	instanceEnv = []string{serveEnv + "=1"}
	defer func() { instanceEnv = nil }()
	pkiDir := filepath.Join(dir, loadgen.DirPlatformPKI)
	store := []string{"--db", dbURL}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var insts [2]*instance
	var urls []string
	for i := range insts {
		addr := freeAddr(t)
		inst, err := startInstance(ctx, addr, pkiDir, store, filepath.Join(dir, fmt.Sprintf("platform-%d.log", i)))
		if err != nil {
			t.Fatal(err)
		}
		insts[i] = inst
		urls = append(urls, inst.url)
	}
	defer func() {
		for _, i := range insts {
			if i != nil {
				i.stop()
			}
		}
	}()

	n := *twoInstanceInvoices
	var once sync.Once
	killed := make(chan error, 1)
	progress := func(acked int64) {
		if acked < int64(n/2) {
			return
		}
		once.Do(func() {
			go func() {
				// SIGKILL: no shutdown, requests in flight cut off, transactions open in
				// the database rolled back by it.
				old := insts[0]
				if err := old.cmd.Process.Signal(syscall.SIGKILL); err != nil {
					killed <- err
					return
				}
				old.cmd.Wait()
				addr := strings.TrimPrefix(old.url, "https://")
				var err error
				for range 50 { // the address may take a moment to be free again
					var inst *instance
					if inst, err = startInstance(ctx, addr, pkiDir, store, filepath.Join(dir, "platform-0.log")); err == nil {
						insts[0] = inst
						break
					}
					time.Sleep(100 * time.Millisecond)
				}
				killed <- err
			}()
		})
	}
	rep, err := loadgen.Run(ctx, loadgen.Config{Dir: dir, URLs: urls, Invoices: n, Batch: 50, Parallel: 2,
		Deadline: 20 * time.Minute, Progress: progress, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-killed:
		if err != nil {
			t.Fatalf("restarting the killed instance: %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("instance 0 was never killed and restarted")
	}
	t.Logf("\n%s", rep)
	if !rep.OK() || rep.Issued != n {
		log, _ := os.ReadFile(filepath.Join(dir, "platform-0.log"))
		t.Fatalf("report not OK (issued %d of %d); instance 0's log ends:\n%s", rep.Issued, n, tail(log, 2000))
	}
	if rep.Failovers == 0 && rep.Retried == 0 {
		t.Errorf("no request failed over or was retried: the kill did not hit the run")
	}

	// The restarted instance serves: 20 more invoices through it alone, listed by it.
	again, err := loadgen.Run(ctx, loadgen.Config{Dir: dir, URLs: urls[:1], Invoices: 20, Batch: 5, Deadline: 5 * time.Minute})
	if err != nil || !again.OK() || again.Held != 20 {
		t.Fatalf("through the restarted instance: %v\n%s", err, again)
	}
	n += 20

	// The database itself: n rows, each (device, code, number) once.
	pg, err := platform.OpenPG(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	seen := map[string]bool{}
	err = pg.Invoices("", func(s *platform.Stored) error {
		k := s.Device + "/" + s.Code + "/" + s.Number
		if seen[k] {
			return fmt.Errorf("%s twice", k)
		}
		seen[k] = true
		return nil
	})
	if err != nil || len(seen) != n {
		t.Fatalf("the database holds %d invoices (want %d): %v", len(seen), n, err)
	}
}

// freeAddr is a loopback address with a free port (taken and released).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// `kaipiao-platform loadtest` itself: it starts two instances on PostgreSQL, puts half
// the workstations on the digital channel (quota set for their enterprises, numbers
// fetched), races slip answers through both instances, and reports in JSON that every
// invoice is held once and every slip had one winner.
func TestLoadtestCommandBothChannelsAndSlips(t *testing.T) {
	instanceEnv = []string{serveEnv + "=1"}
	defer func() { instanceEnv = nil }()
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"loadtest", "--workstations", "4", "--enterprises", "2", "--invoices", "400",
		"--digital", "2", "--slips", "10", "--instances", "2", "--db", pgtest.Schema(t), "--json"}, &out, &errb)
	var rep struct {
		OK           bool `json:"ok"`
		Issued, Held int
		Digital      int
		Slips        *loadgen.SlipStats
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || code != 0 {
		t.Fatalf("exit %d: %v\n%s\n%s", code, err, out.Bytes(), errb.Bytes())
	}
	if !rep.OK || rep.Issued != 400 || rep.Held != 400 || rep.Digital != 2 || rep.Slips == nil || rep.Slips.Requested != 10 ||
		rep.Slips.Confirmed+rep.Slips.Withdrawn != 10 {
		t.Fatalf("report: %s", out.Bytes())
	}
}

// `kaipiao-platform loadtest --presealed --rate`: two instances on PostgreSQL, both
// channels, envelopes sealed first and offered on a schedule; the JSON report says what
// was measured and that every invoice is held once. --rate without --presealed is a
// usage error.
func TestLoadtestCommandPresealed(t *testing.T) {
	instanceEnv = []string{serveEnv + "=1"}
	defer func() { instanceEnv = nil }()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"loadtest", "--rate", "100"}, &out, &errb); code != exitUsage ||
		!strings.Contains(errb.String(), "--presealed") {
		t.Fatalf("--rate alone: exit %d, %s", code, errb.Bytes())
	}
	out.Reset()
	errb.Reset()
	code := run(context.Background(), []string{"loadtest", "--workstations", "4", "--enterprises", "2", "--invoices", "400",
		"--digital", "2", "--batch", "20", "--instances", "2", "--db", pgtest.Schema(t), "--presealed", "--rate", "2000", "--json"}, &out, &errb)
	var rep struct {
		OK                bool `json:"ok"`
		Issued, Held      int
		Requests, Retried int
		Presealed         bool
		Rate              float64
		Elapsed           time.Duration
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || code != 0 {
		t.Fatalf("exit %d: %v\n%s\n%s", code, err, out.Bytes(), errb.Bytes())
	}
	// 20 envelopes of 20 at 2,000 invoices/s: the last is due 190 ms after the first.
	if !rep.OK || rep.Issued != 400 || rep.Held != 400 || !rep.Presealed || rep.Rate != 2000 ||
		rep.Requests+rep.Retried < 20 || rep.Elapsed < 190*time.Millisecond {
		t.Fatalf("report: %s", out.Bytes())
	}
}
