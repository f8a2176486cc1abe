package orderfile

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
)

// invariants checks what must hold of any order Check accepts, read from a file: the
// totals add up, the parts the limit splits it into add up to the whole, each part has
// rows and no more than an invoice holds, each printed line gives its amount at a price
// the device takes, and the invoice survives its JSON round trip.
func invariants(t *testing.T, c *invoice.Checked, limit invoice.Money) {
	t.Helper()
	whole := c.Invoice.Totals()
	if whole.Total != whole.Amount+whole.Tax {
		t.Fatalf("total %s ≠ %s + %s", whole.Total, whole.Amount, whole.Tax)
	}
	var amount, tax invoice.Money
	for _, p := range c.Parts {
		tot := p.Totals()
		if limit > 0 && tot.Amount > limit {
			t.Fatalf("a part of %s exceeds the limit %s", tot.Amount, limit)
		}
		if len(p.Lines) > invoice.MaxInvoiceRows || len(p.Lines) == 0 {
			t.Fatalf("a part has %d rows", len(p.Lines))
		}
		amount += tot.Amount
		tax += tot.Tax
		for i, l := range p.Lines {
			if !l.HasQuantity() {
				continue
			}
			if !invoice.PriceConsistent(l.Quantity, l.UnitPrice, l.Amount) {
				t.Fatalf("line %d prints %s × %s = %s, amount %s", i+1, l.Quantity, l.UnitPrice,
					l.Quantity.Mul(l.UnitPrice), l.Amount)
			}
			if -l.UnitPrice.Exponent() > invoice.MaxPricePlaces || len(l.UnitPrice.String()) > invoice.MaxPriceChars {
				t.Fatalf("line %d prints the price %s, beyond the device's %d places and %d characters", i+1,
					l.UnitPrice, invoice.MaxPricePlaces, invoice.MaxPriceChars)
			}
		}
	}
	if amount != whole.Amount || tax != whole.Tax {
		t.Fatalf("parts add up to %s + %s, the order is %s + %s", amount, tax, whole.Amount, whole.Tax)
	}
	data, err := json.Marshal(c.Invoice)
	if err != nil {
		t.Fatal(err)
	}
	var back invoice.Invoice
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("cannot read back %s: %v", data, err)
	}
	if back.Totals() != whole {
		t.Fatalf("JSON round trip changed the totals")
	}
}

func addExampleSeeds(f *testing.F, pattern string) {
	files, _ := filepath.Glob(filepath.Join("../docs/examples", pattern))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzDecodeOrders feeds arbitrary bytes to the JSON order decoder and Check: no panic,
// and anything accepted satisfies the invariants.
func FuzzDecodeOrders(f *testing.F) {
	addExampleSeeds(f, "*.json")
	f.Add([]byte(`{"order_id":"A","buyer":{"name":"x"},"lines":[{"name":"y","tax_code":"3040201010000000000","quantity":"3","unit_price":"33.333","tax_rate":"0.06","discount":"1"}]}`))
	cfg := checkConfig(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		orders, err := DecodeOrders(data)
		if err != nil {
			return
		}
		for _, o := range orders {
			if c, errs := invoice.Check(o, cfg); errs == nil && c != nil {
				invariants(t, c, invoice.DefaultLimits.InvoiceLimit)
			} else {
				for _, e := range errs {
					if e.Rule == "" || e.Message == "" {
						t.Fatalf("an error without rule or message: %+v", e)
					}
				}
			}
		}
	})
}

// FuzzDecodeCSV does the same for tables.
func FuzzDecodeCSV(f *testing.F) {
	addExampleSeeds(f, "*.csv")
	cfg := checkConfig(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		orders, err := DecodeCSV(data)
		if err != nil {
			return
		}
		for _, o := range orders {
			if c, errs := invoice.Check(o, cfg); errs == nil && c != nil {
				invariants(t, c, invoice.DefaultLimits.InvoiceLimit)
			}
		}
	})
}
