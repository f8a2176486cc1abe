package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/orderfile"
	"github.com/kaipiao/kaipiao/store"
)

const fixture = "testdata/fixture-v4"

// copyFixture copies the fixture's files into a fresh folder (the test must not change
// the committed ones) and returns its path.
func copyFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"kaipiao.db", "devsim.db"} {
		src, err := os.Open(filepath.Join(fixture, name))
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(dst, src); err != nil {
			t.Fatal(err)
		}
		src.Close()
		if err := dst.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// shownInvoices are the fixture's invoices as `kaipiaoctl show` printed them when the
// fixture was written (gen.sh), one compact JSON object a line.
func shownInvoices(t *testing.T) [][]byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixture, "invoices.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Split(bytes.TrimSpace(raw), []byte("\n"))
}

// A store of schema 4, written by the code before the store had its own records and
// the canonical payload hash, opens, migrates, and shows every invoice as it was.
func TestFixtureV4MigratesUnchanged(t *testing.T) {
	dir := copyFixture(t)
	db, err := store.Open(filepath.Join(dir, "kaipiao.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	shown := shownInvoices(t)
	if n, err := db.Count(); err != nil || n != len(shown) {
		t.Fatalf("the migrated store holds %d invoices (%v), the fixture %d", n, err, len(shown))
	}
	for _, line := range shown {
		var head struct {
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal(line, &head); err != nil {
			t.Fatal(err)
		}
		rec, err := db.ByRequest(head.RequestID)
		if err != nil {
			t.Fatalf("request %s: %v", head.RequestID, err)
		}
		got, err := rec.Invoice.MarshalJSON() // the CLI form, as `show` prints it
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.Compact(&want, line); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("request %s after migration:\n got %s\nwant %s", head.RequestID, got, want.Bytes())
		}
		if !strings.HasPrefix(rec.PayloadHash, "v2:") {
			t.Errorf("request %s keeps payload hash %q, want version 2", head.RequestID, rec.PayloadHash)
		}
	}
	// The migration is done once: a second open finds schema 5 and changes nothing.
	db.Close()
	db2, err := store.Open(filepath.Join(dir, "kaipiao.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if n, err := db2.Count(); err != nil || n != len(shown) {
		t.Fatalf("reopened: %d invoices (%v)", n, err)
	}
}

// Every order of the fixture, sent again with its order ID after the migration,
// replays: the same codes and numbers, nothing new issued on the device. The same order
// ID with a changed line is refused as changed.
func TestFixtureV4Replays(t *testing.T) {
	dir := copyFixture(t)
	db, err := store.Open(filepath.Join(dir, "kaipiao.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	running, err := sim.StartInProcess(sim.Config{StatePath: filepath.Join(dir, "devsim.db")}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close()
	ctx := context.Background()
	c := device.NewClient(running.Port, device.Options{})
	defer c.Close()
	if _, err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.VerifyPIN(ctx, sim.DefaultPIN); err != nil {
		t.Fatal(err)
	}
	codes, err := invoice.ParseTaxCodes(bytes.NewReader(assets.TaxCodesCSV()), assets.TaxCodesVersion)
	if err != nil {
		t.Fatal(err)
	}
	seller, err := db.Seller()
	if err != nil {
		t.Fatal(err)
	}
	dev := device.EngineDevice{Client: c}
	// "kaipiaoctl" is the operator gen.sh issued as, the 开票人 of orders that name none.
	e := &invoice.Engine{Device: dev, Store: db, Codes: codes, Seller: seller, Operator: "kaipiaoctl"}
	nextBefore := map[invoice.Kind]invoice.NextNumber{}
	for _, k := range invoice.Kinds {
		if nextBefore[k], err = dev.Next(ctx, k); err != nil {
			t.Fatal(err)
		}
	}

	raw, err := os.ReadFile(filepath.Join(fixture, "orders.json"))
	if err != nil {
		t.Fatal(err)
	}
	orders, err := orderfile.DecodeOrders(raw)
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string][]string{} // order ID → code:number of its invoices, in order
	var redOrder string
	for _, line := range shownInvoices(t) {
		var inv struct {
			OrderID string `json:"order_id"`
			Code    string `json:"code"`
			Number  string `json:"number"`
			RedOf   *struct {
				Code   string `json:"code"`
				Number string `json:"number"`
				Reason int    `json:"reason"`
			} `json:"red_of"`
		}
		if err := json.Unmarshal(line, &inv); err != nil {
			t.Fatal(err)
		}
		shown[inv.OrderID] = append(shown[inv.OrderID], inv.Code+":"+inv.Number)
		if inv.RedOf != nil {
			redOrder = inv.OrderID
			orders = append(orders, &invoice.Order{OrderID: inv.OrderID,
				RedOf: &invoice.RedRequest{Code: inv.RedOf.Code, Number: inv.RedOf.Number, Reason: inv.RedOf.Reason}})
		}
	}
	if redOrder == "" || len(orders) != 5 {
		t.Fatalf("the fixture should hold four orders and a red one, got %d orders", len(orders))
	}
	for _, o := range orders {
		outs, err := e.Issue(ctx, o)
		if err != nil {
			t.Fatalf("replaying order %s: %v", o.OrderID, err)
		}
		var got []string
		for _, out := range outs {
			if !out.Replayed {
				t.Errorf("order %s: invoice %s:%s was issued anew", o.OrderID, out.Invoice.Code, out.Invoice.Number)
			}
			got = append(got, out.Invoice.Code+":"+out.Invoice.Number)
		}
		if strings.Join(got, " ") != strings.Join(shown[o.OrderID], " ") {
			t.Errorf("order %s replays as %v, want %v", o.OrderID, got, shown[o.OrderID])
		}
	}
	// The batch path (kaipiaoctl issue FILE) replays them too.
	var results []invoice.BatchResult
	if err := e.IssueBatch(ctx, orders[:4], func(r invoice.BatchResult) { results = append(results, r) }); err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("batch replay of %s: %v", r.Order.OrderID, r.Err)
		}
		for _, out := range r.Outcomes {
			if !out.Replayed {
				t.Errorf("batch: order %s issued %s:%s anew", r.Order.OrderID, out.Invoice.Code, out.Invoice.Number)
			}
		}
	}

	// A changed order under a known ID is refused, and nothing is issued for it.
	changed := *orders[0]
	changed.Lines = append([]invoice.OrderLine{}, changed.Lines...)
	changed.Lines[1].Quantity = "4"
	if _, err := e.Issue(ctx, &changed); !errors.Is(err, invoice.ErrOrderChanged) {
		t.Fatalf("a changed order %s: %v, want ErrOrderChanged", changed.OrderID, err)
	}
	if n, err := db.Count(); err != nil || n != 7 {
		t.Fatalf("the store holds %d invoices (%v) after the replays, want the fixture's 7", n, err)
	}
	for _, k := range invoice.Kinds {
		after, err := dev.Next(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		if after != nextBefore[k] {
			t.Errorf("the device's next %s moved from %+v to %+v: something was issued", k, nextBefore[k], after)
		}
	}
}
