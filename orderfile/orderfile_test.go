package orderfile

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/xuri/excelize/v2"
)

func TestDetect(t *testing.T) {
	cases := []struct {
		name, data string
		want       Format
	}{
		{"a.json", "", JSON}, {"A.CSV", "", CSV}, {"b.xlsx", "", XLSX},
		{"", "  [{}]", JSON}, {"", "\ufeff{\"a\":1}", JSON}, {"", "PK\x03\x04rest", XLSX}, {"", "order_id,name\n", CSV},
	}
	for _, c := range cases {
		if got, err := Detect(c.name, []byte(c.data)); err != nil || got != c.want {
			t.Errorf("Detect(%q, %q) = %s, %v; want %s", c.name, c.data, got, err, c.want)
		}
	}
	if _, err := Detect("orders.txt", nil); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("orders.txt: %v", err)
	}
}

// A workbook with the Chinese headers of docs/order.md reads like the CSV example.
func TestDecodeXLSX(t *testing.T) {
	f := excelize.NewFile()
	rows := [][]any{
		{"订单号", "购买方名称", "项目名称", "税收分类编码", "单位", "数量", "单价", "税率", "备注"},
		{"X-1", "厦门示例科技有限公司", "软件开发服务", "3040201010000000000", "项", 1, 8000, "6%", "首期款"},
		{"X-1", "厦门示例科技有限公司", "软件测试服务", "3040201040000000000", "项", 1, 2000, 0.06, "首期款"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	orders, err := Decode("orders.xlsx", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 1 || len(orders[0].Lines) != 2 {
		t.Fatalf("orders %+v", orders)
	}
	if l := orders[0].Lines[1]; l.Quantity != "1" || l.UnitPrice != "2000" || l.TaxRate != "0.06" {
		t.Errorf("cells read as %+v", l)
	}
}

func TestDecodeReportsBadContentAsErrors(t *testing.T) {
	for name, data := range map[string]string{"a.json": "{", "b.xlsx": "not a zip", "c.csv": "order_id,\"bad\n"} {
		_, err := Decode(name, []byte(data))
		var errs invoice.Errors
		if !errors.As(err, &errs) {
			t.Errorf("%s: want invoice.Errors, got %v", name, err)
		}
	}
	data, err := os.ReadFile("../docs/examples/08-orders-gbk.csv")
	if err != nil {
		t.Fatal(err)
	}
	if orders, err := Decode("", data); err != nil || len(orders) != 2 {
		t.Errorf("GBK CSV from stdin: %v", err)
	}
}

// A mapping can leave an ERP's extra columns out instead of failing on them.
func TestMappingIgnoresAColumn(t *testing.T) {
	table := "单号,客户,品名,编码,金额,税率,内部备注\nA-1,示例公司,服务,3040201010000000000,100.00,0.06,x\n"
	m := Mapping{"单号": "order_id", "客户": "buyer_name", "品名": "name", "编码": "tax_code", "金额": "amount", "税率": "tax_rate"}
	if _, err := DecodeMapped("erp.csv", []byte(table), m); err == nil {
		t.Fatal("an unmapped, unknown column must be refused")
	}
	m["内部备注"] = Ignore
	orders, err := DecodeMapped("erp.csv", []byte(table), m)
	if err != nil || len(orders) != 1 || orders[0].DecodeErrors != nil {
		t.Fatalf("%v %+v", err, orders)
	}
	if h, err := Headers("erp.csv", []byte(table)); err != nil || len(h) != 7 || h[6] != "内部备注" {
		t.Fatalf("headers %v %v", h, err)
	}
}
