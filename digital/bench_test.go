package digital

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
)

// BenchmarkDigitalEngineIssue issues 8-line orders through the engine on the digital
// channel: the store's intents and commits in windows of 32 and one digital.db
// transaction (fsync) and SM2 signature an invoice, as kaipiaoctl issue does.
func BenchmarkDigitalEngineIssue(b *testing.B) {
	dir := b.TempDir()
	c := benchChannel(b, dir)
	db, err := store.Open(filepath.Join(dir, "kaipiao.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	codes, err := invoice.ParseTaxCodes(bytes.NewReader(assets.TaxCodesCSV()), assets.TaxCodesVersion)
	if err != nil {
		b.Fatal(err)
	}
	e := &invoice.Engine{Device: c, Store: db, Codes: codes, Digital: true,
		Seller: invoice.Party{Name: "厦门数电示范有限公司", TaxID: "91350200MA2Y0XXK5W"}, Operator: "bench"}
	orders := make([]*invoice.Order, b.N)
	for i := range orders {
		o := &invoice.Order{OrderID: fmt.Sprintf("B-%d", i), Buyer: invoice.OrderBuyer{Name: "示例公司"}}
		for j := range 8 {
			o.Lines = append(o.Lines, invoice.OrderLine{Name: fmt.Sprintf("配件%d", j), TaxCode: "1090509020000000000",
				Unit: "件", Quantity: "3", UnitPrice: "12.50", TaxRate: "0.13"})
		}
		orders[i] = o
	}
	b.ResetTimer()
	start := time.Now()
	err = e.IssueBatch(context.Background(), orders, func(r invoice.BatchResult) {
		if r.Err != nil {
			b.Fatal(r.Err)
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "invoices/s")
}

// benchChannel is a channel at the tests' fixed clock holding numbers for b.N invoices
// and quota enough for them.
func benchChannel(b *testing.B, dir string) *Channel {
	key, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	c, err := Open(dir, device.SM2Signer{Key: key})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	c.Signer = device.SM2Signer{Key: key}
	c.Now = func() time.Time { return now }
	p := newFake(now.Add(time.Hour))
	for n := b.N; n > 0; n -= 5000 {
		if _, err := c.Fetch(context.Background(), p, min(n, 5000), 1_000_000_000_00); err != nil {
			b.Fatal(err)
		}
	}
	return c
}
