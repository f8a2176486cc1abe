package orderfile

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
)

// bigOrder is invoice's benchmark order: 2,000 mixed lines (quantities with decimals,
// discounts, stated taxes and amount-only lines).
func bigOrder() *invoice.Order {
	o := &invoice.Order{OrderID: "BIG-1", Buyer: invoice.OrderBuyer{Name: "示例公司"}}
	o.Lines = make([]invoice.OrderLine, invoice.MaxLines)
	for i := range o.Lines {
		l := invoice.OrderLine{Name: fmt.Sprintf("计算机配件%04d", i), TaxCode: "1090509020000000000", Spec: "K14 16G/512G",
			Unit: "件", Quantity: fmt.Sprintf("%d.5", i%17+1), UnitPrice: fmt.Sprintf("%d.1234", i%500+3), TaxRate: "0.13"}
		switch i % 4 {
		case 1:
			l.Discount = "1.00"
		case 2:
			l.Quantity, l.UnitPrice, l.Amount = "", "", fmt.Sprintf("%d.99", i)
		}
		o.Lines[i] = l
	}
	return o
}

// BenchmarkDecodeAndCheck2000Lines: what `kaipiaoctl check` does with a 2,000-line JSON file.
func BenchmarkDecodeAndCheck2000Lines(b *testing.B) {
	o := bigOrder()
	lines := make([]map[string]string, len(o.Lines))
	for i, l := range o.Lines {
		lines[i] = map[string]string{"name": l.Name, "tax_code": l.TaxCode, "spec": l.Spec, "unit": l.Unit, "tax_rate": l.TaxRate}
		for k, v := range map[string]string{"quantity": l.Quantity, "unit_price": l.UnitPrice, "amount": l.Amount, "discount": l.Discount} {
			if v != "" {
				lines[i][k] = v
			}
		}
	}
	data, _ := json.Marshal(map[string]any{"order_id": "BIG-1", "buyer": map[string]string{"name": "示例公司"}, "lines": lines})
	cfg := checkConfig(b)
	invoice.InGBK('中')
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		orders, err := DecodeOrders(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, errs := invoice.Check(orders[0], cfg); errs != nil {
			b.Fatal(errs)
		}
	}
}
