package orderfile

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
)

// An ERP's own headers, mapped once, read like the canonical ones; an error names the
// header as the file writes it.
func TestDecodeMappedKeepsTheFilesHeadersInErrors(t *testing.T) {
	data := []byte("单据编号,客户,税号,品名,编码,数量,单价,税率\n" +
		"E-1,厦门示例科技有限公司,91350200776049653A,软件开发服务,3040201010000000000,1,8000,0.06\n" +
		"E-2,深圳示例贸易有限公司,,餐饮服务,307040100000000000,1,100,0.06\n")
	m := Mapping{"单据编号": "order_id", "客户": "购买方名称", "税号": "buyer_tax_id", "品名": "name", "编码": "税收分类编码"}
	if _, err := Decode("erp.csv", data); err == nil {
		t.Fatal("unmapped ERP headers were accepted")
	}
	orders, err := DecodeMapped("erp.csv", data, m)
	if err != nil {
		t.Fatal(err)
	}
	invs, errs := checkAll(t, orders)
	if len(invs) != 1 || invs[0].Buyer.Name != "厦门示例科技有限公司" || invs[0].Totals().Total.String() != "8480.00" {
		t.Errorf("mapped invoice %+v", invs)
	}
	if want := []string{"E-2 row:3/编码 tax_code.format"}; !slices.Equal(errs, want) {
		t.Errorf("errors %v, want %v", errs, want)
	}
}

func TestMappingCheck(t *testing.T) {
	errs := Mapping{"客户": "buyer_name", "客户名称": "购买方名称", "金额合计": "total"}.Check()
	var got []string
	for _, e := range errs {
		got = append(got, e.Field+" "+e.Rule)
	}
	want := []string{"mapping/客户名称 mapping.duplicate", "mapping/金额合计 mapping.unknown_column"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, err := DecodeMapped("a.csv", []byte("x\n"), Mapping{"x": "nope"}); !strings.Contains(err.Error(), "mapping.unknown_column") {
		t.Errorf("a bad mapping decoded: %v", err)
	}
}

// Orders of one buyer become one order whose lines keep their rows; other buyers, types
// and red orders stay apart.
func TestMergeByBuyer(t *testing.T) {
	rows := generatedRows(chineseHeader, 30) // orders G-00000..G-00005, buyers 0,1,2,0,1,2
	rows[27][8] = "0.07"                     // order 5 (buyer 2), line 2: a bad rate
	orders, err := Decode("m.csv", csvBytes(t, rows))
	if err != nil {
		t.Fatal(err)
	}
	orders = append(orders, &invoice.Order{OrderID: "R-1", Buyer: invoice.OrderBuyer{Name: genBuyers[0][0], TaxID: genBuyers[0][1]},
		RedOf: &invoice.RedRequest{Code: "035020000001", Number: "00000001"}})
	merged := MergeByBuyer(orders)
	var ids []string
	for _, o := range merged {
		ids = append(ids, o.OrderID)
	}
	if want := []string{"G-00000", "G-00001", "G-00002", "R-1"}; !slices.Equal(ids, want) {
		t.Fatalf("merged into %v, want %v", ids, want)
	}
	invs, errs := checkAll(t, merged[:3])
	if want := []string{"G-00002 row:28/税率 tax_rate.unknown"}; !slices.Equal(errs, want) {
		t.Errorf("errors %v, want %v", errs, want)
	}
	// G-00000 holds orders 0 and 3: 13% and 6% lines, ten of them.
	if len(invs) != 2 || len(invs[0].Lines) != 10 || invs[0].Totals().Amount.String() != "300.00" || invs[0].Totals().Tax.String() != "28.50" {
		t.Errorf("merged invoices %+v", invs)
	}
}

// The template opens with the Chinese headers and its example row is a valid order.
func TestTemplate(t *testing.T) {
	data, err := Template()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := xlsxRows(data)
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "订单号" || rows[0][8] != "项目名称" || len(rows[0]) != len(TableColumns()) {
		t.Errorf("header %v", rows[0])
	}
	orders, err := Decode("template.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	invs, errs := checkAll(t, orders)
	if len(errs) != 0 || len(invs) != 1 || invs[0].Totals().Total.String() != "10070.00" || invs[0].Buyer.Email != "finance@example.com" {
		t.Errorf("template order: %v %+v", errs, invs)
	}
}

// BenchmarkImportCheck5000 reads and checks 5,000 rows (1,000 orders of five lines), as
// the clerk's import does before showing the inbox. Target ≤ 1 s an operation.
func BenchmarkImportCheck5000(b *testing.B) {
	for _, format := range []string{"csv", "xlsx"} {
		rows := generatedRows(chineseHeader, 5000)
		data := csvBytes(b, rows)
		if format == "xlsx" {
			data = xlsxBytes(b, rows)
		}
		b.Run(format, func(b *testing.B) {
			cfg := checkConfig(b)
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				orders, err := Decode("orders."+format, bytes.Clone(data))
				if err != nil || len(orders) != 1000 {
					b.Fatalf("%d orders: %v", len(orders), err)
				}
				for _, o := range orders {
					if _, errs := invoice.Check(o, cfg); errs != nil {
						b.Fatal(errs)
					}
				}
			}
		})
	}
}

// Merged JSON orders: an error in a line that came from a later order names that order
// and its own line.
func TestMergeByBuyerJSONPlaces(t *testing.T) {
	orders, err := Decode("o.json", []byte(`[
	 {"order_id": "J-1", "buyer": {"name": "厦门示例科技有限公司"}, "lines": [{"name": "服务", "tax_code": "3040201010000000000", "amount": "100", "tax_rate": "0.06"}]},
	 {"order_id": "J-2", "buyer": {"name": "厦门示例科技有限公司"}, "lines": [{"name": "服务", "tax_code": "304020101000000000", "amount": "100", "tax_rate": "0.06"}]}]`))
	if err != nil {
		t.Fatal(err)
	}
	merged := MergeByBuyer(orders)
	_, errs := checkAll(t, merged)
	if want := []string{"J-1 J-2/lines[0].tax_code tax_code.format"}; len(merged) != 1 || !slices.Equal(errs, want) {
		t.Errorf("%d orders, errors %v, want %v", len(merged), errs, want)
	}
}
