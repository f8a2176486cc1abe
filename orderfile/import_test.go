package orderfile

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func checkConfig(tb testing.TB) invoice.Config {
	tb.Helper()
	codes, err := invoice.ParseTaxCodes(bytes.NewReader(assets.TaxCodesCSV()), assets.TaxCodesVersion)
	if err != nil {
		tb.Fatal(err)
	}
	return invoice.Config{Codes: codes, Limits: invoice.DefaultLimits, Operator: "测试",
		Seller: invoice.Party{Name: "厦门开票示范科技有限公司", TaxID: "91350200MA2XYQ0X1C"}}
}

// checkAll checks every order and returns the valid invoices and every error, in file
// order, as "order_id field rule".
func checkAll(tb testing.TB, orders []*invoice.Order) ([]*invoice.Invoice, []string) {
	tb.Helper()
	cfg := checkConfig(tb)
	var invs []*invoice.Invoice
	var errs []string
	for _, o := range orders {
		c, es := invoice.Check(o, cfg)
		for _, e := range es {
			errs = append(errs, o.OrderID+" "+e.Field+" "+e.Rule)
		}
		if c != nil {
			invs = append(invs, c.Invoice)
		}
	}
	return invs, errs
}

// The two table examples of docs/examples give the totals its README states.
func TestExampleTables(t *testing.T) {
	for file, ids := range map[string][2]string{"07-orders.csv": {"CSV-0001", "CSV-0002"}, "08-orders-gbk.csv": {"GBK-0001", "GBK-0002"}} {
		data, err := os.ReadFile("../docs/examples/" + file)
		if err != nil {
			t.Fatal(err)
		}
		orders, err := Decode(file, data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		invs, errs := checkAll(t, orders)
		if len(errs) != 0 || len(invs) != 2 {
			t.Fatalf("%s: %d invoices, errors %v", file, len(invs), errs)
		}
		want := []struct{ id, amount, tax, total, words string }{
			{ids[0], "10000.00", "600.00", "10600.00", "壹万零陆佰圆整"},
			{ids[1], "1280.50", "76.83", "1357.33", "壹仟叁佰伍拾柒圆叁角叁分"},
		}
		for i, w := range want {
			tot := invs[i].Totals()
			if invs[i].OrderID != w.id || tot.Amount.String() != w.amount || tot.Tax.String() != w.tax ||
				tot.Total.String() != w.total || invoice.Words(tot.Total) != w.words {
				t.Errorf("%s order %d: %s %s %s %s %s, want %+v", file, i, invs[i].OrderID, tot.Amount, tot.Tax, tot.Total,
					invoice.Words(tot.Total), w)
			}
		}
		if invs[0].Buyer.TaxID != "91350200776049653A" || len(invs[0].Lines) != 2 || invs[0].Remark != "首期款" {
			t.Errorf("%s: first invoice %+v", file, invs[0])
		}
	}
}

var englishHeader = []string{"order_id", "buyer_name", "buyer_tax_id", "name", "tax_code", "unit", "quantity", "unit_price", "tax_rate", "remark"}
var chineseHeader = []string{"订单号", "购买方名称", "购买方纳税人识别号", "项目名称", "税收分类编码", "单位", "数量", "单价", "税率", "备注"}

var genBuyers = [][2]string{
	{"厦门示例科技有限公司", "91350200776049653A"},
	{"深圳示例贸易有限公司", "91440101MA5CJQ4N59"},
	{"福州示例餐饮管理有限公司", ""},
}

// generatedRows makes n rows in orders of five lines. Every line's tax is exact (10.00 a
// unit at 13% or 6%), so the expected totals are known without rounding: an order of
// 13% lines is 150.00 + 19.50, one of 6% lines 150.00 + 9.00.
func generatedRows(header []string, n int) [][]string {
	rows := [][]string{header}
	for r := 0; r < n; r++ {
		o, j := r/5, r%5
		b := genBuyers[o%len(genBuyers)]
		code, rate := "1090509020000000000", "0.13"
		if o%2 == 1 {
			code, rate = "3040201010000000000", "6%"
		}
		rows = append(rows, []string{fmt.Sprintf("G-%05d", o), b[0], b[1], fmt.Sprintf("计算机配件%d", j), code, "件",
			fmt.Sprint(j + 1), "10.00", rate, "批量导入"})
	}
	return rows
}

func csvBytes(tb testing.TB, rows [][]string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// xlsxBytes writes rows to a workbook, the quantity cells as numbers, the way a clerk's
// spreadsheet holds them.
func xlsxBytes(tb testing.TB, rows [][]string) []byte {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	for i, r := range rows {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
			if q, err := strconv.Atoi(v); i > 0 && j == 6 && err == nil {
				cells[j] = q // quantities as number cells; prices stay text, as typed
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func gbk(tb testing.TB, b []byte) []byte {
	out, err := simplifiedchinese.GBK.NewEncoder().Bytes(b)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// Five thousand rows in each format give a thousand orders with the expected totals.
func TestImportFiveThousandRows(t *testing.T) {
	files := map[string][]byte{
		"utf8.csv":     csvBytes(t, generatedRows(englishHeader, 5000)),
		"gbk.csv":      gbk(t, csvBytes(t, generatedRows(chineseHeader, 5000))),
		"big.xlsx":     xlsxBytes(t, generatedRows(chineseHeader, 5000)),
		"bom-utf8.csv": append([]byte("\ufeff"), csvBytes(t, generatedRows(chineseHeader, 5000))...),
	}
	for name, data := range files {
		orders, err := Decode(name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		invs, errs := checkAll(t, orders)
		if len(errs) != 0 || len(invs) != 1000 {
			t.Fatalf("%s: %d invoices, %d errors: %v", name, len(invs), len(errs), errs[:min(5, len(errs))])
		}
		var amount, tax invoice.Money
		for i, inv := range invs {
			tot := inv.Totals()
			wantTax := invoice.Money(1950)
			if i%2 == 1 {
				wantTax = 900
			}
			if inv.OrderID != fmt.Sprintf("G-%05d", i) || len(inv.Lines) != 5 || tot.Amount != 15000 || tot.Tax != wantTax {
				t.Fatalf("%s: invoice %d is %s with %d lines, %s + %s", name, i, inv.OrderID, len(inv.Lines), tot.Amount, tot.Tax)
			}
			if inv.Buyer.Name != genBuyers[i%3][0] || inv.Lines[4].Quantity.String() != "5" || inv.Lines[4].Name != "计算机配件4" {
				t.Fatalf("%s: invoice %d: buyer %q, last line %+v", name, i, inv.Buyer.Name, inv.Lines[4])
			}
			amount += tot.Amount
			tax += tot.Tax
		}
		if amount.String() != "150000.00" || tax.String() != "14250.00" {
			t.Errorf("%s: totals %s + %s, want 150000.00 + 14250.00", name, amount, tax)
		}
	}
}

// A table of valid and broken rows: the valid orders come through, and every broken cell
// is reported once, by its row and its column as written, with its rule.
func TestImportMixedRowsReportsEveryError(t *testing.T) {
	rows := [][]string{
		chineseHeader,
		{"M-1", "厦门示例科技有限公司", "91350200776049653A", "软件开发服务", "3040201010000000000", "项", "1", "8000", "0.06", ""},
		{"M-2", "深圳示例贸易有限公司", "91440101MA5CJQ4N59", "餐饮服务", "307040100000000000", "次", "1", "100", "0.06", ""},
		{"M-2", "深圳示例贸易有限公司", "91440101MA5CJQ4N59", "餐饮服务", "3070401000000000000", "次", "1", "100", "0.07", ""},
		{"M-3", "福州示例有限公司", "", "打印纸", "1090509020000000000", "箱", "2", "", "13%", ""},
		{"M-3", "福州另一家有限公司", "", "打印纸", "1090509020000000000", "箱", "2", "30", "13%", ""},
		{"M-4", "厦门示例科技有限公司", "91350200776049653B", "软件测试服务", "3040201040000000000", "项", "1", "-5", "0.06", ""},
		{"M 5", "厦门示例科技有限公司", "", "软件测试服务", "3040201040000000000", "项", "1", "5", "0.06", ""},
		{"M-6", "厦门示例科技有限公司", "", "软件测试服务", "3040201040000000000", "项", "1", "2000", "0.06", "尾款"},
		{},
		{"M-6", "厦门示例科技有限公司", "", "软件维护服务", "3040201040000000000", "项", "1.5", "abc", "0.06", "尾款"},
	}
	orders, err := Decode("mixed.csv", gbk(t, csvBytes(t, rows)))
	if err != nil {
		t.Fatal(err)
	}
	invs, errs := checkAll(t, orders)
	want := []string{
		"M-2 row:3/税收分类编码 tax_code.format",
		"M-2 row:4/税率 tax_rate.unknown",
		"M-3 row:6/购买方名称 table.inconsistent",
		"M-3 row:5/单价 quantity.pair",
		"M-4 row:7/购买方纳税人识别号 tax_id.check",
		"M-4 row:7/单价 decimal.format",
		"M 5 row:8/订单号 order_id.format",
		"M-6 row:11/单价 decimal.format",
	}
	if !slices.Equal(errs, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(errs, "\n"), strings.Join(want, "\n"))
	}
	if len(invs) != 1 || invs[0].OrderID != "M-1" || invs[0].Totals().Total.String() != "8480.00" {
		t.Errorf("valid invoices %v", invs)
	}
}
