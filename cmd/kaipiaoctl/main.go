// Command kaipiaoctl is the Kaipiao workstation without a window: the automation surface
// for ERP batch jobs, scripts and tests (docs/cli.md). It prints machine-readable JSON on
// stdout, human messages on stderr, and exits 0 on success, 1 on a refused request (a rule
// or device error) and 2 on bad usage or an unusable environment.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/workstation"
)

// Exit codes of docs/cli.md.
const (
	exitOK      = 0
	exitRefused = 1
	exitUsage   = 2
)

// env is what every command gets: the global flags and the streams.
type env struct {
	data     string // --data: the workstation's data folder
	device   string // --device: "sim" or a serial path
	platform string // --platform: the service platform's base URL
	channel  string // --channel: device or digital, saved in the folder; empty: the saved one
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
	need     store.Role // the role the command line needs (auth.go)
	operator string     // who the audit log names, once authenticated
}

// command is one sub-command. Each lives in its own file and registers itself here.
type command struct {
	usage string // the synopsis after "kaipiaoctl"
	brief string // one line for the help
	run   func(e *env, args []string) int
}

var commands = map[string]command{}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("kaipiaoctl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&e.data, "data", workstation.DataDir(), "the workstation's data folder")
	fs.StringVar(&e.device, "device", envOr("KAIPIAO_DEVICE", defaultDevice), "sim, or a serial port path with optional ?baud=N")
	fs.StringVar(&e.platform, "platform", os.Getenv("KAIPIAO_PLATFORM"), "the service platform's base URL")
	fs.StringVar(&e.channel, "channel", "", "the issuing channel, device or digital (数电票); saved in the data folder")
	fs.Usage = func() { usage(stderr) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() == 0 {
		usage(stderr)
		return exitUsage
	}
	name := fs.Arg(0)
	if name == "help" || name == "-h" || name == "--help" {
		usage(stdout)
		return exitOK
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "kaipiaoctl: unknown command %q; run `kaipiaoctl help` for the list\n", name)
		return exitUsage
	}
	if e.channel != "" && e.channel != store.ChannelDevice && e.channel != store.ChannelDigital {
		fmt.Fprintf(stderr, "kaipiaoctl: --channel %q must be device or digital\n", e.channel)
		return exitUsage
	}
	e.need = requiredRole(name, fs.Args()[1:])
	return cmd.run(e, fs.Args()[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "kaipiaoctl — the Kaipiao invoicing workstation without a window")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: kaipiaoctl [--data DIR] [--device ADDR] [--platform URL] [--channel device|digital] COMMAND [ARGS]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-28s %s\n", commands[n].usage, commands[n].brief)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Global flags are also read from KAIPIAO_DATA, KAIPIAO_DEVICE and KAIPIAO_PLATFORM.")
	fmt.Fprintln(w, "Exit status: 0 success, 1 refused (rule or device error), 2 bad usage or environment.")
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
