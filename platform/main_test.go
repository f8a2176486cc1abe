package platform

import (
	"os"
	"testing"

	"github.com/kaipiao/kaipiao/internal/pgtest"
)

// TestMain gives the package's tests a throw-away PostgreSQL cluster (or the one
// $KAIPIAO_TEST_PG names): the store tests run on bbolt and on PostgreSQL alike.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// testStore opens the store a test runs on: bbolt, or with KAIPIAO_PLATFORM_STORE=postgres
// (scripts/pgtest.sh) a fresh PostgreSQL schema (as platformtest.Open outside the package).
func testStore(t testing.TB) Store {
	t.Helper()
	if os.Getenv("KAIPIAO_PLATFORM_STORE") == "postgres" {
		pg, err := OpenPG(pgtest.Schema(t))
		if err != nil {
			t.Fatal(err)
		}
		return pg
	}
	db, err := OpenDB(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// eachStore runs f on a fresh bbolt store and on a fresh PostgreSQL schema.
func eachStore(t *testing.T, f func(t *testing.T, st Store)) {
	t.Run("bbolt", func(t *testing.T) {
		db, err := OpenDB(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		f(t, db)
	})
	t.Run("postgres", func(t *testing.T) {
		pg, err := OpenPG(pgtest.Schema(t))
		if err != nil {
			t.Fatal(err)
		}
		defer pg.Close()
		f(t, pg)
	})
}
