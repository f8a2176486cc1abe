package workstation

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
)

// The reconciliation of a new data folder against a device that holds many invoices,
// over a real pseudo-terminal paced at the line's baud rate (BENCHMARKS.md): every
// invoice is imported, and the time is compared with the wire time of the bytes moved
// both ways (10 bits a byte). Acceptance: within 1.3 × at 115200 baud (1,000 invoices)
// and at 9600 baud (200 invoices).

func BenchmarkReconcileNewFolder115200(b *testing.B) { benchReconcile(b, 115200, 1000) }
func BenchmarkReconcileNewFolder9600(b *testing.B)   { benchReconcile(b, 9600, 200) }

func benchReconcile(b *testing.B, baud, n int) {
	dir := b.TempDir()
	state := filepath.Join(dir, "devsim.db")
	fillDevice(b, state, n)
	codes, err := TaxCodes()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		running, err := sim.StartPTY(sim.Config{StatePath: state}, baud)
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		c, err := device.Dial(ctx, device.SerialConfig{Path: running.PTY.Path, Baud: baud}, device.Options{})
		if err != nil {
			b.Fatal(err)
		}
		db, err := store.Open(filepath.Join(b.TempDir(), StoreFile), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		e := &invoice.Engine{Device: device.EngineDevice{Client: c}, Store: db, Codes: codes}
		before := c.Stats()
		b.StartTimer()
		start := time.Now()
		rep, err := e.Reconcile(ctx, false)
		took := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		after := c.Stats()
		if rep.Imported != n || len(rep.Mismatches) != 0 {
			b.Fatalf("imported %d of %d, mismatches %v", rep.Imported, n, rep.Mismatches)
		}
		moved := (after.BytesRead - before.BytesRead) + (after.BytesWritten - before.BytesWritten)
		wire := time.Duration(moved) * 10 * time.Second / time.Duration(baud)
		b.ReportMetric(float64(took)/float64(wire), "x_wire")
		b.ReportMetric(float64(moved), "bytes")
		b.ReportMetric(float64(after.Requests-before.Requests), "requests")
		b.Logf("%d baud: %d invoices, %d bytes moved (wire time %v), reconcile took %v = %.2f × wire time; %d retransmits",
			baud, n, moved, wire.Round(time.Millisecond), took.Round(time.Millisecond), float64(took)/float64(wire),
			after.Retransmits-before.Retransmits)
		db.Close()
		c.Close()
		running.Close()
	}
}

// fillDevice issues n invoices on a simulator state file, unpaced and in-process.
func fillDevice(b *testing.B, state string, n int) {
	b.Helper()
	r, err := sim.StartInProcess(sim.Config{StatePath: state, Stock: n + 10}, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	c := device.NewClient(r.Port, device.Options{})
	defer c.Close()
	ctx := context.Background()
	if err := c.VerifyPIN(ctx, sim.DefaultPIN); err != nil {
		b.Fatal(err)
	}
	st, err := c.Status(ctx)
	if err != nil {
		b.Fatal(err)
	}
	codes, _ := TaxCodes()
	seller := invoice.Party{Name: DemoSellerName, TaxID: st.SellerTaxID}
	cfg := invoice.Config{Codes: codes, Limits: invoice.DefaultLimits, Seller: seller, Operator: "bench"}
	for i := 0; i < n; i++ {
		o := &invoice.Order{OrderID: fmt.Sprintf("BENCH-%05d", i), Buyer: invoice.OrderBuyer{Name: "厦门某某贸易有限公司"}}
		for j := 0; j < 3; j++ {
			o.Lines = append(o.Lines, invoice.OrderLine{Name: fmt.Sprintf("配件%d", j), TaxCode: "1090509020000000000",
				Unit: "件", Quantity: "2", UnitPrice: "10.50", TaxRate: "0.13"})
		}
		checked, errs := invoice.Check(o, cfg)
		if errs != nil {
			b.Fatal(errs)
		}
		st, err := c.Status(ctx)
		if err != nil {
			b.Fatal(err)
		}
		inv := checked.Parts[0]
		if _, err := c.Issue(ctx, device.IssueRequest{RequestID: inv.RequestID, ExpectedCode: st.NextCode,
			ExpectedNumber: st.NextNumber, Invoice: *inv}); err != nil {
			b.Fatal(err)
		}
	}
}
