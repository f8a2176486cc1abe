package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
	"github.com/kaipiao/kaipiao/workstation"
)

// The digital channel's commands (docs/digital.md, docs/cli.md): fetch numbers and quota
// from the platform, show what the workstation holds, give back what it does not use.

func init() {
	commands["digital"] = command{
		usage: "digital fetch [--numbers N] [--quota A] | status | return",
		brief: "the digital channel (数电票): fetch numbers and quota, show what is held, give back the unused",
		run:   runDigital,
	}
}

func runDigital(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "usage: kaipiaoctl digital fetch [--numbers N] [--quota AMOUNT] | digital status | digital return")
		return exitUsage
	}
	switch args[0] {
	case "fetch":
		return digitalFetch(e, args[1:])
	case "status":
		return digitalWith(e, "digital status", args[1:], false, func(ctx context.Context, w *workstation.Workstation) error {
			return printDigitalStatus(e, w)
		})
	case "return":
		return digitalWith(e, "digital return", args[1:], true, func(ctx context.Context, w *workstation.Workstation) error {
			s, err := w.Syncer(ctx, e.data, e.platform, e.stderr, nil)
			if err != nil {
				return err
			}
			ans, err := w.Digital.Return(ctx, s)
			if err != nil {
				return err
			}
			writeJSON(e.stdout, ans, false)
			return nil
		})
	}
	fmt.Fprintf(e.stderr, "kaipiaoctl digital: unknown sub-command %q\n", args[0])
	return exitUsage
}

func digitalFetch(e *env, args []string) int {
	fs := flag.NewFlagSet("digital fetch", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	numbers := fs.Int("numbers", 100, fmt.Sprintf("how many invoice numbers to ask for, 0–%d", upload.MaxFetchNumbers))
	quota := fs.String("quota", "0", "how much quota (yuan) to ask for; the platform grants at most what is left of the month's")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return exitUsage
	}
	q, err := invoice.ParseMoney(*quota)
	if err != nil || q < 0 || *numbers < 0 || *numbers > upload.MaxFetchNumbers {
		fmt.Fprintf(e.stderr, "kaipiaoctl digital fetch: --numbers %d must be 0–%d and --quota %q a non-negative amount in yuan\n",
			*numbers, upload.MaxFetchNumbers, *quota)
		return exitUsage
	}
	return digitalWith(e, "digital fetch", nil, true, func(ctx context.Context, w *workstation.Workstation) error {
		s, err := w.Syncer(ctx, e.data, e.platform, e.stderr, nil)
		if err != nil {
			return err
		}
		if _, err := w.Digital.Fetch(ctx, s, *numbers, q); err != nil {
			return err
		}
		return printDigitalStatus(e, w)
	})
}

func printDigitalStatus(e *env, w *workstation.Workstation) error {
	st, err := w.DigitalStatus()
	if err != nil {
		return err
	}
	writeJSON(e.stdout, st, false)
	return nil
}

// digitalWith opens the workstation (on the digital channel) and runs f; needPlatform
// asks for --platform first.
func digitalWith(e *env, what string, args []string, needPlatform bool, f func(context.Context, *workstation.Workstation) error) int {
	if len(args) != 0 {
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: takes no arguments\n", what)
		return exitUsage
	}
	if needPlatform && e.platform == "" {
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: no platform: give --platform URL (or KAIPIAO_PLATFORM)\n", what)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	w, err := openWorkstation(ctx, e, true)
	if err != nil {
		return refusal(e, what, err)
	}
	defer w.Close()
	if w.Digital == nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: this data folder issues through a tax-control device; give --channel digital to switch it\n", what)
		return exitUsage
	}
	notePending(e, w)
	if err := f(ctx, w); err != nil {
		var pe *upload.PermanentError
		if errors.As(err, &pe) {
			fmt.Fprintf(e.stderr, "kaipiaoctl %s: refused: %v\n", what, err)
			return exitRefused
		}
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: %v\n", what, err)
		return exitUsage
	}
	return exitOK
}

// notePending tells the clerk that a fetch or return an interrupted run left without its
// answer is sent again first (under its own ID: the platform answers it as before).
func notePending(e *env, w *workstation.Workstation) {
	if st, err := w.Digital.State(); err == nil {
		if st.PendingFetch != nil {
			fmt.Fprintf(e.stderr, "kaipiao: the digital fetch %s of an interrupted run is sent again\n", st.PendingFetch.ID)
		}
		if st.PendingReturn != nil {
			fmt.Fprintf(e.stderr, "kaipiao: the digital return %s of an interrupted run is sent again\n", st.PendingReturn.ID)
		}
	}
}
