// Package pgtest starts a throw-away PostgreSQL cluster for the tests: initdb in a
// temporary folder, the server listening on a Unix socket in that folder only (no TCP
// port to collide with), fsync off, stopped and removed afterwards. As root it runs the
// server as the postgres user (initdb refuses root). A missing PostgreSQL is an error,
// never a skip: scripts/deps.sh installs Debian's postgresql.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names a running database the tests use instead of starting their own
// (scripts/pgtest.sh sets it, so that the packages' tests share one cluster).
const EnvURL = "KAIPIAO_TEST_PG"

// Cluster is a running throw-away PostgreSQL.
type Cluster struct {
	// URL connects to its postgres database as the superuser.
	URL  string
	dir  string
	bin  string
	cred *syscall.Credential
}

// binDir finds PostgreSQL's programs: $PG_BIN, the newest /usr/lib/postgresql/*/bin
// (Debian keeps them off PATH), or PATH.
func binDir() (string, error) {
	if d := os.Getenv("PG_BIN"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL not found (no initdb in /usr/lib/postgresql/*/bin or PATH): install Debian's postgresql (make deps)")
}

// Start makes and starts a cluster. Options are extra server settings ("-c name=value").
func Start(options ...string) (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "kaipiao-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root: the cluster belongs to the
		// postgres user Debian's package makes (nobody if there is none).
		u, err := user.Lookup("postgres")
		if err != nil {
			u, err = user.Lookup("nobody")
		}
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running PostgreSQL as root needs a postgres or nobody user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	opts := "-k " + dir + " -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
	if len(options) > 0 {
		opts += " " + strings.Join(options, " ")
	}
	if out, err := c.run("pg_ctl", "start", "-w", "-t", "120", "-D", data, "-l", filepath.Join(dir, "server.log"), "-o", opts); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_ctl start: %v: %s\n%s", err, out, log)
	}
	c.URL = "postgres:///postgres?host=" + url.QueryEscape(dir) + "&user=postgres&sslmode=disable"
	return c, nil
}

func (c *Cluster) run(prog string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(c.bin, prog), args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	return cmd.CombinedOutput()
}

// DataDir is the cluster's data folder (its postmaster.pid names the server's PID).
func (c *Cluster) DataDir() string { return filepath.Join(c.dir, "data") }

// Stop stops the server at once and removes its folder.
func (c *Cluster) Stop() error {
	out, err := c.run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", filepath.Join(c.dir, "data"))
	if rmErr := os.RemoveAll(c.dir); err == nil {
		err = rmErr
	}
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %v: %s", err, out)
	}
	return nil
}

// shared is the URL of the cluster the running test binary uses.
var shared atomic.Pointer[string]

// Main runs a package's tests with a cluster: the one $KAIPIAO_TEST_PG names, else one
// started here and stopped after the tests. Call it from TestMain:
// os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	if u := os.Getenv(EnvURL); u != "" {
		shared.Store(&u)
		return m.Run()
	}
	c, err := Start()
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		return 1
	}
	shared.Store(&c.URL)
	// Interrupted (^C, go test's timeout sends SIGQUIT only after its own deadline), the
	// cluster is stopped before the binary dies, not left running.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		if _, ok := <-sig; ok {
			c.Stop()
			os.Exit(1)
		}
	}()
	code := m.Run()
	signal.Stop(sig)
	close(sig)
	if err := c.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// URL is the test binary's cluster: Main's, or $KAIPIAO_TEST_PG. Without either the
// test fails: PostgreSQL tests never skip.
func URL(t testing.TB) string {
	t.Helper()
	if u := shared.Load(); u != nil {
		return *u
	}
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	t.Fatalf("no PostgreSQL: the package's TestMain must call pgtest.Main, or set %s", EnvURL)
	return ""
}

var schemas atomic.Int64

// Schema makes a fresh, empty schema for one test and returns a URL whose search_path
// is that schema, so that tests sharing a cluster never see each other's tables.
func Schema(t testing.TB) string {
	t.Helper()
	base := URL(t)
	name := fmt.Sprintf("t%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, schemas.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("PostgreSQL at %s: %v", base, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	return WithSearchPath(base, name)
}

// WithSearchPath returns base with its search_path set to schema.
func WithSearchPath(base, schema string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
