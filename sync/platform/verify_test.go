package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/invoice"
)

func checkedInvoice(t *testing.T) *invoice.Invoice {
	t.Helper()
	codes, err := invoice.ParseTaxCodes(bytes.NewReader(assets.TaxCodesCSV()), assets.TaxCodesVersion)
	if err != nil {
		t.Fatal(err)
	}
	o := &invoice.Order{OrderID: "A-1", Buyer: invoice.OrderBuyer{Name: "厦门示例科技有限公司", TaxID: "91350200776049653A"},
		Lines: []invoice.OrderLine{
			{Name: "计算机配件", TaxCode: "1090509020000000000", Quantity: "3", UnitPrice: "120.5", TaxRate: "0.13"},
			{Name: "计算机配件二", TaxCode: "1090509020000000000", Amount: "99.99", TaxRate: "0.13"}}}
	c, errs := invoice.Check(o, invoice.Config{Codes: codes, Limits: invoice.DefaultLimits,
		Seller: invoice.Party{Name: "厦门开票示范科技有限公司", TaxID: "91350200776049653A"}})
	if errs != nil {
		t.Fatal(errs)
	}
	return c.Parts[0]
}

func TestArithmeticIsCheckedAgain(t *testing.T) {
	check := func(inv *invoice.Invoice, edit func(string) string) error {
		raw, err := json.Marshal(inv)
		if err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			raw = []byte(edit(string(raw)))
		}
		var back invoice.Invoice
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatal(err)
		}
		return checkArithmetic(&back, raw)
	}
	t.Run("a checked invoice passes", func(t *testing.T) {
		if err := check(checkedInvoice(t), nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a line tax beyond the tolerance is refused", func(t *testing.T) {
		inv := checkedInvoice(t)
		inv.Lines[0].Tax += 7
		if err := check(inv, nil); !errors.Is(err, errArithmetic) {
			t.Fatalf("want errArithmetic, got %v", err)
		}
	})
	t.Run("an amount that is not quantity × price is refused", func(t *testing.T) {
		inv := checkedInvoice(t)
		inv.Lines[0].Amount += 100
		inv.Lines[0].Tax = inv.Lines[0].Rate.TaxOn(inv.Lines[0].Amount)
		if err := check(inv, nil); !errors.Is(err, errArithmetic) {
			t.Fatalf("want errArithmetic, got %v", err)
		}
	})
	t.Run("stated totals that the lines do not give are refused", func(t *testing.T) {
		inv := checkedInvoice(t)
		total := inv.Totals().Total.String()
		err := check(inv, func(s string) string { return strings.Replace(s, `"total":"`+total, `"total":"1`+total, 1) })
		if !errors.Is(err, errArithmetic) {
			t.Fatalf("want errArithmetic, got %v", err)
		}
	})
}
