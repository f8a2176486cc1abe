package orderfile

import (
	"os"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func readExample(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("../docs/examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// passes asserts that the order is valid and returns it computed.
func passes(t *testing.T, o *invoice.Order) *invoice.Checked {
	t.Helper()
	c, errs := invoice.Check(o, checkConfig(t))
	if errs != nil {
		t.Fatalf("want no error, got %v", errs)
	}
	return c
}

func TestCSVExamplesInUTF8AndGBK(t *testing.T) {
	for _, c := range []struct{ file, prefix string }{{"07-orders.csv", "CSV"}, {"08-orders-gbk.csv", "GBK"}} {
		t.Run(c.file, func(t *testing.T) {
			orders, err := DecodeCSV(readExample(t, c.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(orders) != 2 || orders[0].OrderID != c.prefix+"-0001" || len(orders[0].Lines) != 2 || len(orders[1].Lines) != 1 {
				t.Fatalf("orders %+v", orders)
			}
			want := [][3]string{{"10000.00", "600.00", "10600.00"}, {"1280.50", "76.83", "1357.33"}}
			for i, o := range orders {
				c := passes(t, o)
				tot := c.Invoice.Totals()
				if tot.Amount.String() != want[i][0] || tot.Tax.String() != want[i][1] || tot.Total.String() != want[i][2] {
					t.Errorf("%s: %+v", o.OrderID, tot)
				}
				if o.Buyer.Name == "" || o.Remark != orders[i].Remark {
					t.Errorf("order-level columns: %+v", o)
				}
			}
			if orders[0].Remark != "首期款" || orders[0].Lines[1].Name != "软件测试服务" {
				t.Errorf("Chinese text decoded wrongly: %q %q", orders[0].Remark, orders[0].Lines[1].Name)
			}
		})
	}
}

func TestCSVWithBOMAndPercentRates(t *testing.T) {
	data := "\ufefforder_id,buyer_name,name,tax_code,amount,tax_rate\n" +
		"A,示例公司,服务,3040201010000000000,100.00,6%\n"
	orders, err := DecodeCSV([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	c := passes(t, orders[0])
	if c.Invoice.Lines[0].Rate != invoice.Rate6 || c.Invoice.Lines[0].Tax != 600 {
		t.Errorf("6%% read as %s, tax %s", c.Invoice.Lines[0].Rate, c.Invoice.Lines[0].Tax)
	}
}

func TestCSVErrorsNameTheirCell(t *testing.T) {
	data := "订单号,购买方名称,项目名称,税收分类编码,金额,税率,备注\n" +
		"A,示例公司,服务,3040201010000000000,100.00,0.06,首期\n" +
		"A,示例公司,服务,304020101,100.00,0.06,首期\n" +
		"A,别的公司,服务,3040201010000000000,100.00,0.06,\n" +
		"B,示例公司,服务,3040201010000000000,100.00,0.07,\n"
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(data)
	orders, err := DecodeCSV([]byte(gbk))
	if err != nil {
		t.Fatal(err)
	}
	_, errs := invoice.Check(orders[0], checkConfig(t))
	if !errs.Has("row:3/税收分类编码", "tax_code.format") || !errs.Has("row:4/购买方名称", "table.inconsistent") {
		t.Errorf("errors of A: %v", errs)
	}
	_, errs = invoice.Check(orders[1], checkConfig(t))
	if !errs.Has("row:5/税率", "tax_rate.unknown") {
		t.Errorf("errors of B: %v", errs)
	}
}

func TestTableHeaderProblems(t *testing.T) {
	for name, data := range map[string]string{
		"table.unknown_column":   "order_id,buyer,name\nA,B,C\n",
		"table.missing_column":   "buyer_name,name\nB,C\n",
		"table.duplicate_column": "order_id,订单号\nA,A\n",
		"table.no_rows":          "order_id,name\n\n",
	} {
		_, err := DecodeCSV([]byte(data))
		errs, ok := err.(invoice.Errors)
		if !ok || errs[0].Rule != name {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if _, err := DecodeCSV([]byte{0xff, 0xfe, 0x00, 0x81}); err == nil || !strings.Contains(err.Error(), "neither UTF-8 nor GBK") {
		t.Errorf("binary garbage: %v", err)
	}
}

func TestTableMixedHeadersAndBooleans(t *testing.T) {
	data := "order_id,buyer_name,name,tax_code,quantity,unit_price,tax_rate,含税\n" +
		"A,示例公司,鼠标,1090509010000000000,3,33.9,13%,是\n"
	orders, err := DecodeCSV([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	c := passes(t, orders[0])
	if !c.Invoice.PriceIncludesTax || c.Invoice.Lines[0].Amount != 9000 {
		t.Errorf("tax-inclusive from 是: %+v", c.Invoice.Lines[0])
	}
	orders, _ = DecodeCSV([]byte(strings.Replace(data, ",是", ",也许", 1)))
	if _, errs := invoice.Check(orders[0], checkConfig(t)); !errs.Has("row:2/含税", "field.type") {
		t.Errorf("bad boolean: %v", errs)
	}
}

// A blank line is a row the clerk sees: errors after it name the row the editor shows.
func TestCSVRowNumbersCountBlankLines(t *testing.T) {
	data := "order_id,buyer_name,name,tax_code,amount,tax_rate\n\nA,示例公司,服务,3040201010000000000,100.00,0.07\n"
	orders, err := DecodeCSV([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if _, errs := invoice.Check(orders[0], checkConfig(t)); !errs.Has("row:3/tax_rate", "tax_rate.unknown") {
		t.Fatalf("the rate is on row 3 (after a blank row 2): %v", errs)
	}
}
