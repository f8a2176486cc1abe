package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/platform"
	"github.com/kaipiao/kaipiao/upload"
)

// `kaipiao-platform quota set` sets an enterprise's monthly quota of the digital channel
// (docs/digital.md "Credit quota"), the server stopped or running. A running server holds
// its bbolt file, so the command then drops the request into the data folder's
// quota-set/ and the server applies it (one transaction) and writes the result beside it.

const quotaDir = "quota-set"

// quotaRequest is a dropped request; quotaResult the answer.
type quotaRequest struct {
	TaxID  string `json:"tax_id"`
	Period string `json:"period"`
	Amount string `json:"amount"`
}

type quotaResult struct {
	TaxID  string `json:"tax_id"`
	Period string `json:"period"`
	Quota  string `json:"quota"`
	Out    string `json:"out"`
	Left   string `json:"left"`
	Error  string `json:"error,omitempty"`
}

func applyQuota(db platform.DigitalStore, q quotaRequest) quotaResult {
	res := quotaResult{TaxID: q.TaxID, Period: q.Period}
	a, err := invoice.ParseMoney(q.Amount)
	if err == nil {
		err = db.SetQuota(q.TaxID, q.Period, a)
	}
	var st platform.QuotaState
	if err == nil {
		st, err = db.Quota(q.TaxID, q.Period)
	}
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.Quota, res.Out, res.Left = st.Set.String(), st.Out.String(), st.Left().String()
	return res
}

func quotaSet(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kaipiao-platform quota set", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "the platform's data folder")
	dbURL := fs.String("db", "", "the platform's PostgreSQL database instead of --data (applied at once, servers running or not)")
	taxID := fs.String("tax-id", "", "the enterprise's tax ID (统一社会信用代码)")
	amount := fs.String("amount", "", "the month's quota in yuan, e.g. 100000.00")
	period := fs.String("period", platform.Period(time.Now()), "the month, YYYY-MM (Beijing time)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return exitUsage
	}
	a, err := invoice.ParseMoney(*amount)
	switch {
	case (*data == "") == (*dbURL == "") || *taxID == "" || *amount == "":
		fmt.Fprintln(stderr, "usage: kaipiao-platform quota set (--data DIR | --db postgres://…) --tax-id ID --amount A [--period YYYY-MM]")
		return exitUsage
	case err != nil || a < 0:
		fmt.Fprintf(stderr, "kaipiao-platform quota set: --amount %q must be a non-negative amount in yuan, at most 2 decimals\n", *amount)
		return exitUsage
	case !platform.ValidPeriod(*period):
		fmt.Fprintf(stderr, "kaipiao-platform quota set: --period %q must be YYYY-MM\n", *period)
		return exitUsage
	}
	req := quotaRequest{TaxID: *taxID, Period: *period, Amount: a.String()}
	var res quotaResult
	if *dbURL != "" {
		// Every instance reads the quota from the database: nothing to hand over.
		err := withStore("", *dbURL, func(st platform.Store) error {
			res = applyQuota(st, req)
			return nil
		})
		if err != nil {
			fmt.Fprintf(stderr, "kaipiao-platform quota set: %v\n", err)
			return exitUsage
		}
		return printQuota(res, stdout, stderr)
	}
	db, err := platform.OpenDB(*data)
	switch {
	case err == nil:
		res = applyQuota(db, req)
		db.Close()
	case errors.Is(err, platform.ErrLocked):
		if res, err = dropQuota(*data, req); err != nil {
			fmt.Fprintf(stderr, "kaipiao-platform quota set: the server holds %s and %v\n", *data, err)
			return exitUsage
		}
	default:
		fmt.Fprintf(stderr, "kaipiao-platform quota set: %v\n", err)
		return exitUsage
	}
	return printQuota(res, stdout, stderr)
}

func printQuota(res quotaResult, stdout, stderr io.Writer) int {
	if res.Error != "" {
		fmt.Fprintf(stderr, "kaipiao-platform quota set: %s\n", res.Error)
		return exitUsage
	}
	_ = json.NewEncoder(stdout).Encode(res)
	return exitOK
}

// dropQuota hands the request to the running server and waits for its answer.
func dropQuota(data string, req quotaRequest) (quotaResult, error) {
	var res quotaResult
	dir := filepath.Join(data, quotaDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, err
	}
	id := upload.NewID()
	raw, _ := json.Marshal(req)
	tmp := filepath.Join(dir, id+".tmp")
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return res, err
	}
	if err := os.Rename(tmp, filepath.Join(dir, id+".json")); err != nil {
		return res, err
	}
	done := filepath.Join(dir, id+".done")
	for range 300 {
		if raw, err := os.ReadFile(done); err == nil {
			_ = os.Remove(done)
			return res, json.Unmarshal(raw, &res)
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = os.Remove(filepath.Join(dir, id+".json"))
	return res, errors.New("did not apply the quota within 30 s (is it a kaipiao-platform of this version?)")
}

// watchQuota applies the quota requests dropped into the data folder while the server
// runs. A request is removed once its answer is written: a crash between applying and
// answering applies it again, which sets the same amount.
func watchQuota(ctx context.Context, data string, db *platform.DB, logf func(string, ...any)) {
	dir := filepath.Join(data, quotaDir)
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			name := e.Name()
			if !strings.HasSuffix(name, ".json") {
				continue
			}
			path := filepath.Join(dir, name)
			raw, err := os.ReadFile(path)
			if err != nil {
				continue
			}
			var req quotaRequest
			res := quotaResult{Error: "not a quota request"}
			if json.Unmarshal(raw, &req) == nil && platform.ValidPeriod(req.Period) && req.TaxID != "" {
				res = applyQuota(db, req)
			}
			logf("quota set %s %s %s: %s", req.TaxID, req.Period, req.Amount, res.Error)
			out, _ := json.Marshal(res)
			id := strings.TrimSuffix(name, ".json")
			if err := os.WriteFile(filepath.Join(dir, id+".tmp-done"), out, 0o600); err == nil {
				_ = os.Rename(filepath.Join(dir, id+".tmp-done"), filepath.Join(dir, id+".done"))
			}
			_ = os.Remove(path)
		}
	}
}
