package store

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/shopspring/decimal"
	bolt "go.etcd.io/bbolt"
)

func names(ps []invoice.Party) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

func withLine(is invoice.Receipt, name, spec, price string) invoice.Receipt {
	q := decimal.RequireFromString("2")
	p := decimal.RequireFromString(price)
	amount := invoice.Money(q.Mul(p).Shift(2).IntPart())
	is.Invoice.Lines = append(is.Invoice.Lines, invoice.Line{Name: name, Spec: spec, Unit: "台", TaxCode: "1090509020000000000",
		ShortName: "计算机配套产品", Quantity: q, UnitPrice: p, Amount: amount, Rate: invoice.Rate13, Tax: invoice.Rate13.TaxOn(amount)})
	return is
}

// Every issued invoice's buyer and goods are in the master data as soon as it is stored,
// and the autocomplete finds them by any part of the name or tax ID, most used first.
func TestMasterDataFromIssuedInvoices(t *testing.T) {
	db := openTemp(t)
	a := issued("SO-1", 1, "厦门示例科技有限公司", t0)
	a.Invoice.Buyer.Email = "finance@example.com"
	a = withLine(a, "笔记本电脑", "T14", "5999.00")
	b := withLine(issued("SO-2", 2, "厦门示例科技有限公司", t0.Add(1)), "笔记本电脑", "T14", "5899.50")
	c := issued("SO-3", 3, "深圳示例贸易有限公司", t0.Add(2))
	c.Invoice.Buyer.TaxID = "91440101MA5CJQ4N59"
	red := issued("RED-1", 4, "厦门红字有限公司", t0.Add(3))
	red.Invoice.Red = &invoice.RedLink{Code: "035020026011", Number: "00000001", Reason: invoice.ReasonError}
	if err := db.CommitIssued(a, b, c, red); err != nil {
		t.Fatal(err)
	}
	got, err := db.SearchBuyers("示例", 10)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"厦门示例科技有限公司", "深圳示例贸易有限公司"}; !slices.Equal(names(got), want) {
		t.Fatalf("SearchBuyers(示例) = %v, want %v (most invoiced first, no red-only buyer)", names(got), want)
	}
	// The second invoice gave no e-mail: the first one's is kept.
	if got[0].Email != "finance@example.com" || got[0].TaxID != "91350200776049653A" {
		t.Errorf("buyer %+v", got[0])
	}
	if got, _ := db.SearchBuyers("91440101", 10); len(got) != 1 || got[0].Name != "深圳示例贸易有限公司" {
		t.Errorf("by tax ID: %v", got)
	}
	if got, _ := db.SearchBuyers("深圳", 10); len(got) != 1 {
		t.Errorf("prefix: %v", got)
	}
	if got, _ := db.SearchBuyers("示例", 1); len(got) != 1 || got[0].Name != "厦门示例科技有限公司" {
		t.Errorf("n=1: %v", got)
	}
	goods, err := db.SearchGoods("电脑", 10)
	if err != nil || len(goods) != 1 {
		t.Fatalf("SearchGoods(电脑) = %v, %v", goods, err)
	}
	g := goods[0]
	if g.Price.String() != "5899.5" || g.Rate != invoice.Rate13 || g.ShortName != "计算机配套产品" || g.Unit != "台" || g.Spec != "T14" {
		t.Errorf("goods %+v: want the latest price 5899.50 and the line's details", g)
	}
	if goods, _ := db.SearchGoods("信息技术", 10); len(goods) != 1 || goods[0].Name != "服务" {
		t.Errorf("by 简称: %+v", goods)
	}
	if goods, _ := db.SearchGoods("3040201010", 10); len(goods) != 1 {
		t.Errorf("by tax code: %+v", goods)
	}
}

// The clerk edits and deletes master data; bad goods are refused with a Chinese reason
// naming the field and value, and nothing of the batch is stored.
func TestMasterDataEdit(t *testing.T) {
	db := openTemp(t)
	p := invoice.Party{Name: "福州示例有限公司", TaxID: "91350100MA2XYQ0X1C", Email: "a@b.cn"}
	if err := db.PutBuyers("张三", p); err != nil {
		t.Fatal(err)
	}
	p.BankAccount = "中国银行福州分行 123"
	if err := db.PutBuyers("张三", p); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.SearchBuyers("福州", 5); len(got) != 1 || got[0] != p {
		t.Fatalf("after edit: %+v", got)
	}
	ok := Goods{Name: "大米", TaxCode: "1010101020000000000", Rate: 0, ZeroRate: invoice.ZeroExempt, Unit: "kg", Price: decimal.RequireFromString("4.5")}
	bad := Goods{Name: "打印纸", TaxCode: "10905", Rate: invoice.Rate13}
	err := db.PutGoods("张三", ok, bad)
	if err == nil || !strings.Contains(err.Error(), "打印纸") || !strings.Contains(err.Error(), "“10905”") {
		t.Fatalf("bad tax code: %v", err)
	}
	if all, _ := db.AllGoods(); len(all) != 0 {
		t.Fatalf("a refused batch stored %v", all)
	}
	noFlag := ok
	noFlag.ZeroRate = ""
	if err := db.PutGoods("张三", noFlag); err == nil || !strings.Contains(err.Error(), "零税率标识") {
		t.Fatalf("zero rate without a flag: %v", err)
	}
	if err := db.PutGoods("张三", ok); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteGoods("大米", "", "张三"); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteGoods("大米", "", "张三"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
	if err := db.DeleteBuyer(p.Name, p.TaxID, "张三"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Buyers(); len(got) != 0 {
		t.Fatalf("after delete: %v", got)
	}
}

// A schema 3 file gains master data derived from the invoices it already holds, each
// counted once.
func TestMigrationFromSchema3DerivesMasterData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kaipiao.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ImportIssued(issued("OLD-1", 1, "旧客户有限公司", t0), issued("OLD-2", 2, "旧客户有限公司", t0)); err != nil {
		t.Fatal(err)
	}
	db.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bMDBuyers, bMDGoods, bMappings, bMail} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bMeta).Put(keySchema, be64(3))
	})
	db.Close()
	if db, err = Open(path, Options{}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.SearchBuyers("旧客户", 5)
	if err != nil || len(got) != 1 {
		t.Fatalf("derived buyers %v, %v", got, err)
	}
	if goods, _ := db.SearchGoods("", 5); len(goods) != 1 || goods[0].Name != "服务" {
		t.Fatalf("derived goods %v", goods)
	}
	if err := db.SetColumnMapping("ERP", map[string]string{"客户": "buyer_name"}, "张三"); err != nil {
		t.Fatal(err)
	}
	if m, err := db.ColumnMapping("ERP"); err != nil || m["客户"] != "buyer_name" {
		t.Fatalf("mapping %v, %v", m, err)
	}
	if _, err := db.ColumnMapping("shop"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing mapping: %v", err)
	}
	if n, _ := db.ColumnMappings(); !slices.Equal(n, []string{"ERP"}) {
		t.Fatalf("mappings %v", n)
	}
}
