package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kaipiao/kaipiao/upload"
)

func init() {
	commands["sync"] = command{
		usage: "sync [--once] [--interval D]",
		brief: "upload the outbox to the platform, relay the device's records to the tax authority, pull orders",
		run:   runSync,
	}
}

func runSync(e *env, args []string) int {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	once := fs.Bool("once", false, "drain the outbox once and exit")
	interval := fs.Duration("interval", 30*time.Second, "the pause between passes without --once")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return exitUsage
	}
	if e.platform == "" {
		fmt.Fprintln(e.stderr, "kaipiaoctl sync: no platform: give --platform URL (or KAIPIAO_PLATFORM); until then invoices stay queued")
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	w, err := openWorkstation(ctx, e, true)
	if err != nil {
		return refusal(e, "sync", err)
	}
	defer w.Close()
	var onPass func(upload.Counts, error)
	if !*once {
		onPass = func(c upload.Counts, err error) {
			writeJSON(e.stdout, c, false)
			if err != nil {
				fmt.Fprintf(e.stderr, "kaipiaoctl sync: %v\n", err)
			}
		}
	}
	s, err := w.Syncer(ctx, e.data, e.platform, e.stderr, onPass)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl sync: %v\n", err)
		return exitUsage
	}
	if w.Digital != nil {
		notePending(e, w)
		// A fetch or return an interrupted run left unanswered is settled with the sync.
		if err := w.Digital.Settle(ctx, s); err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl sync: the digital channel's request from before: %v\n", err)
		}
	}
	if !*once {
		s.Start(ctx, *interval)
		<-ctx.Done()
		s.Stop()
		return exitOK
	}
	c, err := s.Once(ctx)
	writeJSON(e.stdout, c, false)
	var pe *upload.PermanentError
	switch {
	case errors.As(err, &pe):
		fmt.Fprintf(e.stderr, "kaipiaoctl sync: %v\n", err)
		return exitRefused
	case err != nil:
		fmt.Fprintf(e.stderr, "kaipiaoctl sync: %v\nThe invoices stay queued; run the sync again when the platform answers.\n", err)
		return exitUsage
	case c.Failed > 0:
		fmt.Fprintf(e.stderr, "kaipiaoctl sync: the platform refused %d invoice(s) for good: see `kaipiaoctl list --status dead`\n", c.Failed)
		return exitRefused
	}
	return exitOK
}
