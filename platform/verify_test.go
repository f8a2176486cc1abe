package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/shopspring/decimal"
)

func checkedInvoice(t testing.TB) *invoice.Invoice {
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
	t.Run("a printed unit price that does not give the amount is refused", func(t *testing.T) {
		inv := checkedInvoice(t)
		inv.Lines[0].UnitPrice = inv.Lines[0].UnitPrice.Add(decimal.New(1, -2))
		if err := check(inv, nil); !errors.Is(err, errArithmetic) {
			t.Fatalf("want errArithmetic, got %v", err)
		}
	})
	t.Run("the pieces of a split tax-inclusive line pass", func(t *testing.T) {
		// 3,459 × 33.99 incl. 13 % over a limit of 8,447.95: the pieces' gross amounts need
		// not be quantity × 33.99 to the fen, their printed lines are exact.
		codes, err := invoice.ParseTaxCodes(bytes.NewReader(assets.TaxCodesCSV()), assets.TaxCodesVersion)
		if err != nil {
			t.Fatal(err)
		}
		o := &invoice.Order{OrderID: "S-1", PriceIncludesTax: true, Buyer: invoice.OrderBuyer{Name: "厦门示例科技有限公司"},
			Lines: []invoice.OrderLine{{Name: "鼠标", TaxCode: "1090509010000000000", Quantity: "3459", UnitPrice: "33.99", TaxRate: "0.13", Discount: "100.00"}}}
		limits := invoice.DefaultLimits
		limits.InvoiceLimit = 844795
		c, errs := invoice.Check(o, invoice.Config{Codes: codes, Limits: limits, Seller: invoice.Party{Name: "厦门开票示范科技有限公司", TaxID: "91350200776049653A"}})
		if errs != nil || len(c.Parts) < 10 {
			t.Fatalf("%d parts, %v", len(c.Parts), errs)
		}
		for k, p := range c.Parts {
			if err := check(p, nil); err != nil {
				t.Fatalf("part %d: %v", k+1, err)
			}
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
