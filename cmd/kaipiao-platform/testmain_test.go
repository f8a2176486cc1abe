package main

import (
	"os"
	"testing"

	"github.com/kaipiao/kaipiao/internal/pgtest"
)

// TestMain gives the tests a throw-away PostgreSQL cluster (or $KAIPIAO_TEST_PG's): the
// two-instance test always runs on it, the others when KAIPIAO_PLATFORM_STORE=postgres.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
