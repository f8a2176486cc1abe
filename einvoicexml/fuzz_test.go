package einvoicexml

import (
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
	"github.com/shopspring/decimal"
)

// FuzzRoundTrip: a 数电 invoice of any amounts, rates and texts writes a data file that
// reads back with the same number, totals, line amounts and rates.
func FuzzRoundTrip(f *testing.F) {
	f.Add(int64(1000000), int64(60000), 60, "软件开发服务", "V2.0&<>", int64(-50000), true)
	f.Add(int64(-1), int64(0), 0, "", "", int64(0), false)
	f.Fuzz(func(t *testing.T, amount, tax int64, rate int, name, spec string, discount int64, red bool) {
		// Amounts an invoice can carry: the order rules stop far below 10¹³ fen.
		amount, tax, discount = amount%1e13, tax%1e13, discount%1e13
		inv := &invoice.Invoice{Kind: invoice.KindDigitalOrdinary, Seller: pdftest.Seller,
			Buyer: invoice.Party{Name: "买方" + name}, Issuer: "张三"}
		inv.Issued = pdftest.DigitalIssued(pdftest.DigitalNumber(7))
		rates := []invoice.Rate{invoice.Rate13, invoice.Rate9, invoice.Rate6, invoice.Rate3, invoice.Rate1_5, invoice.Rate0}
		r := rates[(rate%len(rates)+len(rates))%len(rates)]
		inv.Lines = []invoice.Line{{Name: name, ShortName: "服务", TaxCode: "3040201010000000000", Spec: spec,
			Quantity: decimal.NewFromInt(2), UnitPrice: decimal.NewFromInt(amount / 2), Amount: invoice.Money(amount), Rate: r, Tax: invoice.Money(tax)}}
		if discount != 0 {
			inv.Lines = append(inv.Lines, invoice.Line{Name: name, ShortName: "服务", TaxCode: "3040201010000000000",
				Amount: invoice.Money(discount), Rate: r, Discount: true})
		}
		if red {
			inv.Red = &invoice.RedLink{Number: pdftest.DigitalNumber(6), Slip: "35020026112600000007"}
		}
		data, err := Marshal(inv)
		if err != nil {
			return // text XML cannot carry (invalid UTF-8, control characters)
		}
		e, err := Unmarshal(data)
		if err != nil {
			t.Fatalf("the data file does not read back: %v\n%s", err, data)
		}
		tot := inv.Totals()
		if e.Header.EIid != inv.Number || e.Data.Basic.TotalTaxIncluded != tot.Total.String() ||
			e.Data.Basic.TotalAmWithoutTax != tot.Amount.String() || len(e.Data.Items) != len(inv.Lines) {
			t.Fatalf("read back %+v", e.Data.Basic)
		}
		for i, it := range e.Data.Items {
			got, err := it.Rate()
			if err != nil || got != inv.Lines[i].Rate || it.Amount != inv.Lines[i].Amount.String() {
				t.Fatalf("line %d: %+v rate %v %v", i+1, it, got, err)
			}
		}
		if red && e.Data.Specific.Red.ConfirmationNumber != inv.Red.Slip {
			t.Fatal("the slip is lost")
		}
	})
}
