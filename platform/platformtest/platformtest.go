// Package platformtest opens the platform store the tests run against, so that the same
// tests run on bbolt and on PostgreSQL: $KAIPIAO_PLATFORM_STORE=postgres picks
// PostgreSQL (a fresh schema in the cluster of package pgtest), anything else the bbolt
// file. make test runs the platform's tests both ways (scripts/pgtest.sh).
package platformtest

import (
	"os"
	"sync"
	"testing"

	"github.com/kaipiao/kaipiao/internal/pgtest"
	"github.com/kaipiao/kaipiao/platform"
)

// EnvStore selects the store: "postgres", or "" / "bbolt".
const EnvStore = "KAIPIAO_PLATFORM_STORE"

// Postgres reports whether the tests run against PostgreSQL.
func Postgres() bool { return os.Getenv(EnvStore) == "postgres" }

// Open opens the store for a test: the bbolt file in dir, or with $KAIPIAO_PLATFORM_STORE
// set to postgres, the PostgreSQL schema that stands for dir (URLFor). The caller closes
// it.
func Open(t testing.TB, dir string) platform.Store {
	t.Helper()
	if Postgres() {
		pg, err := platform.OpenPG(URLFor(t, dir))
		if err != nil {
			t.Fatal(err)
		}
		return pg
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

var schemas sync.Map // data folder → its PostgreSQL URL

// URLFor is the PostgreSQL URL that stands for the platform data folder dir: a fresh
// schema the first time, the same one after, so that a test's platform processes, its
// `quota set` and `list` meet in one store as they would in the folder.
func URLFor(t testing.TB, dir string) string {
	t.Helper()
	if u, ok := schemas.Load(dir); ok {
		return u.(string)
	}
	u, _ := schemas.LoadOrStore(dir, pgtest.Schema(t))
	return u.(string)
}

// Flags are the kaipiao-platform flags naming the store of data folder dir: --data dir,
// or on PostgreSQL --db and the schema that stands for dir.
func Flags(t testing.TB, dir string) []string {
	t.Helper()
	if Postgres() {
		return []string{"--db", URLFor(t, dir)}
	}
	return []string{"--data", dir}
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
