// Command pgrun runs a command with a throw-away PostgreSQL cluster (package pgtest):
// `go run ./internal/pgtest/pgrun go test ./platform/...` starts the cluster, runs the
// command with KAIPIAO_TEST_PG set to the cluster's URL, stops the cluster and exits
// with the command's status. make test runs the platform's tests against PostgreSQL
// this way (scripts/pgtest.sh), and make bench measures the platform on it
// (PGRUN_DURABLE=1: fsync on).
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/kaipiao/kaipiao/internal/pgtest"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: pgrun COMMAND [ARG...]")
		os.Exit(2)
	}
	// PGRUN_DURABLE=1 keeps fsync and synchronous commit on (the benchmarks: a commit
	// then costs what it costs in production); the tests run without them.
	var opts []string
	if os.Getenv("PGRUN_DURABLE") == "1" {
		opts = append(opts, "-c fsync=on", "-c synchronous_commit=on", "-c full_page_writes=on")
	}
	c, err := pgtest.Start(opts...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgrun: %v\n", err)
		os.Exit(1)
	}
	signal.Ignore(os.Interrupt, syscall.SIGTERM) // the command gets them; the cluster is stopped after it
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), pgtest.EnvURL+"="+c.URL, "PGDATA="+c.DataDir())
	err = cmd.Run()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		fmt.Fprintf(os.Stderr, "pgrun: %v\n", err)
		code = 1
	}
	if err := c.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "pgrun: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}
