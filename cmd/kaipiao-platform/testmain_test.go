package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"github.com/kaipiao/kaipiao/internal/pgtest"
)

// serveEnv makes the test binary the platform program itself: the two-instance test
// starts it as separate processes, so that one can be killed.
const serveEnv = "KAIPIAO_TEST_SERVE_PLATFORM"

// TestMain gives the tests a throw-away PostgreSQL cluster (or $KAIPIAO_TEST_PG's): the
// two-instance test always runs on it, the others when KAIPIAO_PLATFORM_STORE=postgres.
func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(pgtest.Main(m))
}
