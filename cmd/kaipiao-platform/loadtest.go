package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/platform"
	"github.com/kaipiao/kaipiao/platform/loadgen"
)

// loadtest drives platform instances with simulated workstations (package loadgen):
//
//	kaipiao-platform loadtest setup --dir DIR --workstations N --enterprises M
//	kaipiao-platform loadtest --dir DIR --url URL[,URL…] --invoices K
//	kaipiao-platform loadtest --workstations N --enterprises M --invoices K --instances I --db postgres://…
//
// The first makes the keys, the second runs against instances started elsewhere on
// DIR/platform-pki, the third does both and starts the instances itself (this program,
// on --db; one instance on a bbolt folder without --db). It prints the report and exits
// 1 when an invoice is held twice, lost, or without a receipt that verifies.
func loadtest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "setup" {
		return loadtestSetup(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("kaipiao-platform loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "a folder made by `loadtest setup` (default: a new one in the temporary folder)")
	urls := fs.String("url", "", "the platform instances, comma-separated (default: start --instances of this program)")
	instances := fs.Int("instances", 1, "instances to start when no --url is given")
	dbURL := fs.String("db", "", "the PostgreSQL database the started instances share (required for more than one)")
	workstations := fs.Int("workstations", 20, "simulated workstations (with no --dir)")
	enterprises := fs.Int("enterprises", 10, "enterprises the workstations belong to (with no --dir)")
	invoices := fs.Int("invoices", 2000, "invoices issued and synced by all workstations together")
	rounds := fs.Int("rounds", 1, "each workstation issues its share in this many rounds, syncing after each")
	batch := fs.Int("batch", 100, "invoices per upload envelope")
	parallel := fs.Int("parallel", 2, "envelopes in flight per workstation")
	slips := fs.Int("slips", 0, "confirmation slips asked for on the digital workstations' invoices, each confirmed and withdrawn at once")
	digital := fs.Int("digital", 0, "workstations on the digital channel (the last ones); the enterprises get quota for them (with no --url)")
	presealed := fs.Bool("presealed", false, "time the platform alone: the workstations seal their envelopes before the timed phase and store the receipts after it")
	senders := fs.Int("senders", 0, "with --presealed: envelopes in flight at once, all workstations together (default 2 per instance)")
	rate := fs.Float64("rate", 0, "with --presealed: offer the envelopes at this many invoices per second instead (latency at that load)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	verbose := fs.Bool("v", false, "log failovers on stderr")
	dbPID := fs.Int("db-pid", 0, "the database server's postmaster PID, to report the database's CPU time (Linux, same machine)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if (*senders != 0 || *rate != 0) && !*presealed {
		fmt.Fprintln(stderr, "kaipiao-platform loadtest: --senders and --rate time presealed envelopes: add --presealed")
		return exitUsage
	}
	if *senders < 0 || *rate < 0 {
		fmt.Fprintln(stderr, "kaipiao-platform loadtest: --senders and --rate must not be negative")
		return exitUsage
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "kaipiao-loadtest-")
		if err != nil {
			fmt.Fprintf(stderr, "kaipiao-platform loadtest: %v\n", err)
			return 1
		}
		defer os.RemoveAll(d)
		*dir = d
		if err := loadgen.Setup(d, *workstations, *enterprises); err != nil {
			fmt.Fprintf(stderr, "kaipiao-platform loadtest: %v\n", err)
			return 1
		}
	}
	var targets []string
	var started []*instance
	dbCPU0 := processTreeCPU(*dbPID)
	cpu0 := selfCPU()
	if *urls != "" {
		targets = strings.Split(*urls, ",")
	} else {
		if *instances > 1 && *dbURL == "" {
			fmt.Fprintln(stderr, "kaipiao-platform loadtest: several instances share a PostgreSQL database: give --db postgres://…")
			return exitUsage
		}
		var bboltData string
		if *dbURL == "" {
			// A fresh bbolt folder each run: what an earlier run left would count as
			// invoices held but not issued.
			d, err := os.MkdirTemp(*dir, "platform-data-")
			if err != nil {
				fmt.Fprintf(stderr, "kaipiao-platform loadtest: %v\n", err)
				return 1
			}
			bboltData = d
		}
		if *digital > 0 {
			// Quota for the digital workstations, set before the instances start (a
			// running instance holds the bbolt file).
			st, err := platform.Open(bboltData, *dbURL)
			if err == nil {
				err = loadgen.SetQuotas(st, *dir, invoice.Money(*invoices)*1000_00)
				st.Close()
			}
			if err != nil {
				fmt.Fprintf(stderr, "kaipiao-platform loadtest: quota: %v\n", err)
				return 1
			}
		}
		for i := range *instances {
			store := []string{"--db", *dbURL}
			if *dbURL == "" {
				store = []string{"--data", bboltData}
			}
			inst, err := startInstance(ctx, "127.0.0.1:0", filepath.Join(*dir, loadgen.DirPlatformPKI), store, filepath.Join(*dir, fmt.Sprintf("platform-%d.log", i)))
			if err != nil {
				fmt.Fprintf(stderr, "kaipiao-platform loadtest: instance %d: %v\n", i, err)
				return 1
			}
			defer inst.stop()
			started = append(started, inst)
			targets = append(targets, inst.url)
		}
	}
	var logf func(string, ...any)
	if *verbose {
		logf = func(format string, args ...any) { fmt.Fprintf(stderr, "loadtest: "+format+"\n", args...) }
	}
	rep, err := loadgen.Run(ctx, loadgen.Config{Dir: *dir, URLs: targets, Invoices: *invoices, Rounds: *rounds,
		Batch: *batch, Parallel: *parallel, Digital: *digital, Slips: *slips, Logf: logf,
		Presealed: *presealed, Senders: *senders, Rate: *rate})
	if err != nil {
		fmt.Fprintf(stderr, "kaipiao-platform loadtest: %v\n", err)
		return 1
	}
	rep.CPU = map[string]time.Duration{"generator": selfCPU() - cpu0}
	if *dbPID != 0 {
		rep.CPU["database"] = processTreeCPU(*dbPID) - dbCPU0
	}
	if len(started) > 0 {
		var sum time.Duration
		for _, inst := range started {
			sum += inst.stop()
		}
		rep.CPU["platform"] = sum
	}
	if *asJSON {
		_ = json.NewEncoder(stdout).Encode(struct {
			*loadgen.Report
			Throughput float64 `json:"throughput"`
			OK         bool    `json:"ok"`
		}{rep, rep.Throughput(), rep.OK()})
	} else {
		fmt.Fprint(stdout, rep.String())
	}
	if !rep.OK() {
		return 1
	}
	return exitOK
}

func loadtestSetup(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kaipiao-platform loadtest setup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "the folder to make")
	workstations := fs.Int("workstations", 20, "simulated workstations")
	enterprises := fs.Int("enterprises", 10, "enterprises")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *dir == "" {
		fmt.Fprintln(stderr, "usage: kaipiao-platform loadtest setup --dir DIR [--workstations N] [--enterprises M]")
		return exitUsage
	}
	if err := loadgen.Setup(*dir, *workstations, *enterprises); err != nil {
		fmt.Fprintf(stderr, "kaipiao-platform loadtest setup: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "start the instances with --pki %s\n", filepath.Join(*dir, loadgen.DirPlatformPKI))
	return exitOK
}

// instanceEnv is added to the instances' environment (the tests run their own binary
// as the platform).
var instanceEnv []string

// instance is a platform process the load test started.
type instance struct {
	cmd  *exec.Cmd
	url  string
	once sync.Once
}

// startInstance starts this program as a platform on pkiDir and the store flags, its
// log in logFile, and waits for its LISTEN line. Workstations of a load test all come
// from 127.0.0.1, so the per-address connection limit is lifted.
func startInstance(ctx context.Context, addr, pkiDir string, store []string, logFile string) (*instance, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	log, err := os.OpenFile(logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	args := append([]string{"--addr", addr, "--pki", pkiDir, "--conns-per-client", strconv.Itoa(1 << 16)}, store...)
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Stderr = log
	// The load test's keys are a demo set made for it (loadgen.Setup).
	cmd.Env = append(os.Environ(), pki.DemoKeysEnv+"=1", pki.PassphraseEnv+"=")
	cmd.Env = append(cmd.Env, instanceEnv...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "LISTEN ")
	if err != nil || !ok {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("no LISTEN line (%q, %v): see %s", line, err, logFile)
	}
	go io.Copy(io.Discard, out)
	return &instance{cmd: cmd, url: url}, nil
}

// stop stops the instance (once) and returns the processor time it used.
func (i *instance) stop() time.Duration {
	i.once.Do(func() {
		i.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { i.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			i.cmd.Process.Kill()
			<-done
		}
	})
	if st := i.cmd.ProcessState; st != nil {
		return st.UserTime() + st.SystemTime()
	}
	return 0
}
