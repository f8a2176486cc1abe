// Command kaipiao-platform is the reference electronic-invoice service platform
// (docs/cli.md, docs/platform.md): `kaipiao-platform --addr 127.0.0.1:0 --data DIR --pki
// DIR` serves HTTPS on its bbolt file and prints `LISTEN https://127.0.0.1:<port>` as its
// first stdout line; with `--db postgres://…` instead of --data it serves on PostgreSQL,
// where any number of instances share the database; `kaipiao-platform list --data DIR`
// (server stopped) or `list --db URL` prints the invoices it holds as JSON lines;
// `kaipiao-platform token --pki DIR --seller TAXID [--db URL]` makes an ERP's token for
// posting orders (Authorization: Bearer); `kaipiao-platform loadtest` drives instances
// with simulated workstations (loadtest.go). The keys in --pki are read with KAIPIAO_KEY_PASSPHRASE (or the demo passphrase
// for a demo set made by `kaipiaoctl pki init`).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/platform"
)

const (
	exitOK    = 0
	exitUsage = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "list" {
		return list(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "token" {
		return token(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "loadtest" {
		return loadtest(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 1 && args[0] == "quota" && args[1] == "set" {
		return quotaSet(args[2:], stdout, stderr)
	}
	fs := flag.NewFlagSet("kaipiao-platform", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "the address to listen on")
	data := fs.String("data", "", "the platform's data folder (its bbolt file; one process)")
	dbURL := fs.String("db", "", "a PostgreSQL database instead of --data, postgres://USER@HOST/DB (instances may share it)")
	pkiDir := fs.String("pki", "", "the platform's PKI folder (kaipiaoctl pki init DIR)")
	connsPerClient := fs.Int("conns-per-client", platform.DefaultLimits.ConnsPerClient, "connections one client address may hold open (raise it behind a load balancer or for a load test)")
	offset := fs.Duration("clock-offset", 0, "move the platform's clock for slip deadlines by this much (tests: 73h lets a slip expire)")
	offline := fs.Duration("offline-hours", 0, "bring a digital fetch's upload deadline forward to this long after it (e.g. 72h); 0: the 15th of the next month")
	anyClient := fs.Bool("no-client-cert", false, "take envelopes from workstations without an enterprise TLS client certificate (folders made before it existed)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if (*data == "") == (*dbURL == "") || *pkiDir == "" {
		fmt.Fprintln(stderr, "kaipiao-platform: --pki and one of --data DIR or --db postgres://… are required; make a demo PKI with `kaipiaoctl pki init DIR`")
		return exitUsage
	}
	pass, err := pki.Passphrase(*pkiDir)
	if err != nil {
		fmt.Fprintf(stderr, "kaipiao-platform: %v\n", err)
		return exitUsage
	}
	keys, err := pki.LoadPlatform(*pkiDir, pass, time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "kaipiao-platform: the PKI in %s: %v\n", *pkiDir, err)
		return exitUsage
	}
	for _, id := range []pki.Identity{keys.Sign, keys.Enc, keys.TLS} {
		if pki.ExpiresSoon(id.Cert, time.Now()) {
			fmt.Fprintf(stderr, "kaipiao-platform: warning: %q expires on %s\n", id.Cert.Subject.CommonName, id.Cert.NotAfter.Format(time.DateOnly))
		}
	}
	erps, err := platform.LoadERPTokens(*pkiDir)
	if err != nil {
		fmt.Fprintf(stderr, "kaipiao-platform: %v\n", err)
		return exitUsage
	}
	db, err := platform.Open(*data, *dbURL)
	if err != nil {
		fmt.Fprintf(stderr, "kaipiao-platform: %v\n", err)
		return exitUsage
	}
	defer db.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "kaipiao-platform: listening on %s: %v\n", *addr, err)
		return exitUsage
	}
	logger := log.New(stderr, "kaipiao-platform: ", log.LstdFlags)
	limits := platform.DefaultLimits
	limits.ConnsPerClient = *connsPerClient
	s := &platform.Server{DB: db, PKI: keys, Logf: logger.Printf, ERPTokens: erps, RequireClientCert: !*anyClient,
		OfflineHours: *offline, ClockOffset: *offset, Limits: limits}
	if *offset != 0 {
		logger.Printf("the clock of the tax rules runs %s off the real clock (--clock-offset)", *offset)
	}
	srv := s.HTTPServer(logger)
	if bdb, ok := db.(*platform.DB); ok {
		// The bbolt file is this process's alone: `quota set` hands it requests through
		// the data folder. PostgreSQL takes them directly (quota set --db).
		go watchQuota(ctx, *data, bdb, logger.Printf)
	}
	fmt.Fprintf(stdout, "LISTEN https://%s\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.ServeTLS(s.Listen(ln), "", "") }()
	select {
	case err := <-done:
		fmt.Fprintf(stderr, "kaipiao-platform: %v\n", err)
		return exitUsage
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		srv.Close()
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "kaipiao-platform: %v\n", err)
	}
	return exitOK
}

// token makes an ERP's token for posting orders for one seller: the token is printed
// once, its hash kept in the --pki folder; a running platform reads it at its next start.
func token(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kaipiao-platform token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pkiDir := fs.String("pki", "", "the platform's PKI folder")
	seller := fs.String("seller", "", "the seller's tax ID the ERP posts orders for")
	name := fs.String("name", "ERP", "the ERP's name, for the log")
	dbURL := fs.String("db", "", "keep the token's hash in this PostgreSQL database (every instance knows it at once) instead of --pki")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if (*pkiDir == "") == (*dbURL == "") || *seller == "" {
		fmt.Fprintln(stderr, "usage: kaipiao-platform token (--pki DIR | --db postgres://…) --seller TAXID [--name NAME]")
		return exitUsage
	}
	var t string
	var err error
	if *dbURL != "" {
		err = withStore("", *dbURL, func(st platform.Store) (err error) {
			t, err = platform.NewERPTokenIn(st, *seller, *name)
			return err
		})
	} else {
		t, err = platform.NewERPToken(*pkiDir, *seller, *name)
	}
	if err != nil {
		fmt.Fprintf(stderr, "kaipiao-platform token: %v\n", err)
		return exitUsage
	}
	fmt.Fprintln(stdout, t)
	return exitOK
}

// listed is one line of `list`.
type listed struct {
	Channel string    `json:"channel"` // device or digital
	Device  string    `json:"device"`
	Code    string    `json:"code"`
	Number  string    `json:"number"`
	OrderID string    `json:"order_id"`
	Total   string    `json:"total"`
	AckedAt time.Time `json:"acked_at"`
}

func list(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kaipiao-platform list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "the platform's data folder")
	dbURL := fs.String("db", "", "the platform's PostgreSQL database, postgres://…")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if (*data == "") == (*dbURL == "") {
		fmt.Fprintln(stderr, "kaipiao-platform list: one of --data DIR or --db postgres://… is required")
		return exitUsage
	}
	enc := json.NewEncoder(stdout)
	err := withStore(*data, *dbURL, func(db platform.Store) error {
		return db.Invoices("", func(s *platform.Stored) error {
			channel := "device"
			if s.Device == "" && s.Code == "" {
				channel = "digital"
			}
			return enc.Encode(listed{Channel: channel, Device: s.Device, Code: s.Code, Number: s.Number, OrderID: s.OrderID, Total: s.Total, AckedAt: s.AckedAt})
		})
	})
	if err != nil {
		hint := ""
		if errors.Is(err, platform.ErrLocked) {
			hint = " (stop the server first)"
		}
		fmt.Fprintf(stderr, "kaipiao-platform list: %v%s\n", err, hint)
		return exitUsage
	}
	return exitOK
}

// withStore opens the platform's store of --data or --db (platform.Open), runs f on it
// and closes it: what the commands that do not serve do with it.
func withStore(data, dbURL string, f func(platform.Store) error) error {
	st, err := platform.Open(data, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	return f(st)
}
