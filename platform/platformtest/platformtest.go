// Package platformtest opens the platform store the tests run against, so that the same
// tests run on bbolt and on PostgreSQL: $KAIPIAO_PLATFORM_STORE=postgres picks
// PostgreSQL (a fresh schema in the cluster of package pgtest), anything else the bbolt
// file. make test runs the platform's tests both ways (scripts/pgtest.sh).
package platformtest

import (
	"os"
	"testing"

	"github.com/kaipiao/kaipiao/internal/pgtest"
	"github.com/kaipiao/kaipiao/platform"
)

// EnvStore selects the store: "postgres", or "" / "bbolt".
const EnvStore = "KAIPIAO_PLATFORM_STORE"

// Postgres reports whether the tests run against PostgreSQL.
func Postgres() bool { return os.Getenv(EnvStore) == "postgres" }

// Open opens the store for a test: the bbolt file in dir, or with $KAIPIAO_PLATFORM_STORE
// set to postgres, a fresh PostgreSQL schema. The caller closes it.
func Open(t testing.TB, dir string) platform.Store {
	t.Helper()
	if Postgres() {
		return OpenPG(t)
	}
	db, err := platform.OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// URL returns the URL of a fresh PostgreSQL schema for `--db`, or "" on bbolt.
func URL(t testing.TB) string {
	t.Helper()
	if Postgres() {
		return pgtest.Schema(t)
	}
	return ""
}

// OpenPG opens a store on a fresh PostgreSQL schema, whatever $KAIPIAO_PLATFORM_STORE says.
func OpenPG(t testing.TB) *platform.PG {
	t.Helper()
	pg, err := platform.OpenPG(pgtest.Schema(t))
	if err != nil {
		t.Fatal(err)
	}
	return pg
}
