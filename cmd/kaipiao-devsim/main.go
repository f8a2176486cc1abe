// Command kaipiao-devsim is the tax-control device simulator as its own process, on a
// pseudo-terminal (--pty) or a serial port (--port). Its state lives in the bbolt file
// --state and survives kill -9. See docs/cli.md and device/PROTOCOL.md.
//
//	kaipiao-devsim --state FILE [--pty | --port PATH] [--link PATH] [--baud N]
//	  [--seller-tax-id ID] [--stock N] [--special-stock N] [--offline-hours H] [--offline-amount A]
//	  [--fault SPEC] [--seed N]
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/tarm/serial"
)

// exitCrashed is the status after an injected crash fault: the process dies as a device
// losing power would, without answering.
const exitCrashed = 70

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kaipiao-devsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	state := fs.String("state", "", "the device's state file (bbolt; created when missing)")
	usePTY := fs.Bool("pty", false, "serve on a new pseudo-terminal and print `PTY <path>` first")
	port := fs.String("port", "", "serve on this serial port instead")
	link := fs.String("link", "", "also make this symlink point at the pseudo-terminal")
	baud := fs.Int("baud", 115200, "line speed: output is paced at 10 bits a byte; 0 unpaced")
	seller := fs.String("seller-tax-id", "", "the enterprise's tax ID (when the state is created)")
	stock := fs.Int("stock", 0, "e-ordinary invoices the device may issue (when the state is created); default 1000, negative for none")
	special := fs.Int("special-stock", 0, "e-special invoices the device may issue (when the state is created); default 200, negative for none")
	hours := fs.Int("offline-hours", 0, "offline issuing hours limit; default 72")
	amount := fs.String("offline-amount", "", "offline positive amount limit in yuan, e.g. 50000.00; default 1000000.00")
	faultSpec := fs.String("fault", "", "faults to inject, e.g. crash-after-commit@3 or random:0.1")
	seed := fs.Uint64("seed", 1, "seed for the faults and, when given, a new device's identity")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *state == "" || (*usePTY == (*port != "")) || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "kaipiao-devsim: need --state FILE and exactly one of --pty or --port PATH")
		return 2
	}
	if *link != "" && !*usePTY {
		fmt.Fprintln(stderr, "kaipiao-devsim: --link goes with --pty")
		return 2
	}
	faults, err := sim.ParseFaults(*faultSpec, *seed)
	if err != nil {
		fmt.Fprintf(stderr, "kaipiao-devsim: --fault: %v\n", err)
		return 2
	}
	cfg := sim.Config{StatePath: *state, SellerTaxID: *seller, Stock: *stock, SpecialStock: *special, OfflineHours: *hours, Faults: faults,
		Freeze: freeze}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "seed" { // a new device's identity is reproducible only when asked
			cfg.Seed = *seed
		}
	})
	if *amount != "" {
		if cfg.OfflineAmount, err = invoice.ParseMoney(*amount); err != nil || cfg.OfflineAmount <= 0 {
			fmt.Fprintf(stderr, "kaipiao-devsim: --offline-amount %q: want a positive amount in yuan\n", *amount)
			return 2
		}
	}
	dev, err := sim.Open(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "kaipiao-devsim: %v\n", err)
		return 2
	}
	defer dev.Close()

	var rw io.ReadWriteCloser
	// unlink takes --link away when the device stops, as a by-id link goes with its
	// device: left naming a dead pty, it would lead clients to whatever pseudo-terminal
	// gets that number next (another simulator's, a terminal's). Only a SIGKILL leaves it.
	unlink := func() {}
	if *usePTY {
		p, err := sim.OpenPTY()
		if err != nil {
			fmt.Fprintf(stderr, "kaipiao-devsim: %v\n", err)
			return 2
		}
		if *link != "" {
			if err := sim.Link(*link, p.Path); err != nil {
				fmt.Fprintf(stderr, "kaipiao-devsim: %v\n", err)
				return 2
			}
			unlink = func() {
				if target, err := os.Readlink(*link); err == nil && target == p.Path { // not a newer simulator's
					_ = os.Remove(*link)
				}
			}
		}
		fmt.Fprintf(stdout, "PTY %s\n", p.Path)
		rw = p
	} else {
		sp, err := serial.OpenPort(&serial.Config{Name: *port, Baud: max(*baud, 9600), ReadTimeout: 100 * time.Millisecond})
		if err != nil {
			fmt.Fprintf(stderr, "kaipiao-devsim: open %s: %v\n", *port, err)
			return 2
		}
		rw = sp
	}
	fmt.Fprintf(stderr, "kaipiao-devsim: machine %s, state %s\n", dev.Machine(), *state)

	srv := &sim.Server{Device: dev, Link: rw, Baud: *baud, Faults: faults}
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	select {
	case <-sig:
		unlink()
		rw.Close()
		return 0
	case err := <-done:
		if errors.Is(err, sim.ErrCrashed) {
			fmt.Fprintln(stderr, "kaipiao-devsim: injected crash: exiting without answering")
			unlink() // the device is gone, as its node would be
			// No deferred close: power loss.
			os.Exit(exitCrashed)
		}
		unlink()
		fmt.Fprintf(stderr, "kaipiao-devsim: link: %v\n", err)
		return 1
	}
}
