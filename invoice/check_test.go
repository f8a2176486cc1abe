package invoice

import (
	"fmt"
	"strings"
	"testing"
)

// Each rule of docs/rules.md "Amounts and tax", "Texts" and "Tax classification codes": a value on the boundary passes, the next refused.

func TestAmountIsQuantityTimesPriceRoundedHalfUp(t *testing.T) {
	o := validOrder()
	o.Lines[0].Amount, o.Lines[0].Quantity, o.Lines[0].UnitPrice = "", "1", "0.005"
	if got := passes(t, o).Invoice.Lines[0].Amount; got != 1 {
		t.Errorf("1 × 0.005 = %s, want 0.01 (half rounds up)", got)
	}
	o.Lines[0].UnitPrice = "0.00499999"
	refused(t, o, "lines[0].amount", "amount.positive")
}

func TestStatedAmountWithinOneFenOfQuantityTimesPrice(t *testing.T) {
	// 3 × 33.333 = 99.999: 99.99 is 0.009 away and passes; 99.98 is 0.019 away.
	o := validOrder()
	o.Lines[0].Quantity, o.Lines[0].UnitPrice, o.Lines[0].Amount = "3", "33.333", "99.99"
	if got := passes(t, o).Invoice.Lines[0].Amount; got != 9999 {
		t.Errorf("the stated amount is kept: got %s", got)
	}
	o.Lines[0].Amount = "100.00"
	passes(t, o)
	o.Lines[0].Amount = "99.98"
	refused(t, o, "lines[0].amount", "amount.mismatch")
	o.Lines[0].Amount = "100.01"
	refused(t, o, "lines[0].amount", "amount.mismatch")
	// A whole fen off an exact product is refused (example e07: 3 × 33.33 = 99.99).
	o.Lines[0].UnitPrice, o.Lines[0].Amount = "33.33", "100.00"
	refused(t, o, "lines[0].amount", "amount.mismatch")
}

func TestLineTaxTolerance(t *testing.T) {
	cases := []struct {
		tolerance   Money
		pass, refus string
	}{
		{6, "60.06", "60.07"}, // 金税盘-class devices
		{6, "59.94", "59.93"},
		{1, "60.01", "60.02"}, // other devices
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("±%s", c.tolerance), func(t *testing.T) {
			cfg := testConfig()
			cfg.Limits.LineTaxTolerance = c.tolerance
			o := validOrder()
			o.Lines[0].Tax = c.pass
			if ch, errs := Check(o, cfg); errs != nil || ch.Invoice.Lines[0].Tax != money(t, c.pass) {
				t.Fatalf("tax %s on 1000.00 at 6%%: %v", c.pass, errs)
			}
			o.Lines[0].Tax = c.refus
			if _, errs := Check(o, cfg); !errs.Has("lines[0].tax", "tax.tolerance") {
				t.Fatalf("tax %s on 1000.00 at 6%%: want tax.tolerance, got %v", c.refus, errs)
			}
		})
	}
}

func TestInvoiceTaxTolerance(t *testing.T) {
	// 21 lines 0.06 over and one 0.01 over: 1.27 in all passes; 0.02 over makes 1.28.
	o := validOrder()
	o.Lines = nil
	for i := 0; i < 22; i++ {
		o.Lines = append(o.Lines, OrderLine{Name: "服务", TaxCode: "3040201010000000000",
			Amount: "100.00", TaxRate: "0.06", Tax: "6.06"})
	}
	o.Lines[21].Tax = "6.01"
	c := passes(t, o)
	if got := c.Invoice.Totals().Tax; got != 22*600+127 {
		t.Errorf("tax total %s, want the stated taxes' sum 133.27", got)
	}
	o.Lines[21].Tax = "6.02"
	refused(t, o, "totals.tax", "tax.invoice_tolerance")
	// The same holds below the computed tax.
	for i := range o.Lines {
		o.Lines[i].Tax = "5.94"
	}
	o.Lines[21].Tax = "5.99"
	passes(t, o)
	o.Lines[21].Tax = "5.98"
	refused(t, o, "totals.tax", "tax.invoice_tolerance")
}

func TestTotalIsAmountPlusTax(t *testing.T) {
	o := validOrder()
	o.Lines = append(o.Lines, OrderLine{Name: "鼠标", TaxCode: "1090509010000000000", Quantity: "3",
		UnitPrice: "33.9", TaxRate: "13%"})
	tot := passes(t, o).Invoice.Totals()
	if tot.Amount != 100000+10170 || tot.Tax != 6000+1322 || tot.Total != tot.Amount+tot.Tax {
		t.Errorf("totals %+v", tot)
	}
}

func TestTaxInclusivePrices(t *testing.T) {
	o := validOrder()
	o.PriceIncludesTax = true
	o.Lines[0] = OrderLine{Name: "笔记本电脑", TaxCode: "1090509010000000000", Quantity: "1", UnitPrice: "100",
		TaxRate: "0.13"}
	l := passes(t, o).Invoice.Lines[0]
	if l.Tax != 1150 || l.Amount != 8850 || l.UnitPrice.String() != "88.5" || l.GrossUnitPrice.String() != "100" {
		t.Errorf("gross 100.00 at 13%%: amount %s tax %s price %s, want 88.50, 11.50, 88.5", l.Amount, l.Tax, l.UnitPrice)
	}
}

func TestRatesInUse(t *testing.T) {
	for _, r := range []string{"0.13", "0.09", "0.06", "0.05", "0.03", "0.015", "0.01", "13%", "1.5%"} {
		o := validOrder()
		o.Lines[0].TaxRate = r
		passes(t, o)
	}
	for _, r := range []string{"0.14", "0.02", "0.1", "0.016", "1.4%", "13"} {
		o := validOrder()
		o.Lines[0].TaxRate = r
		refused(t, o, "lines[0].tax_rate", "tax_rate.unknown")
	}
}

func TestZeroRateNeedsAFlag(t *testing.T) {
	for _, z := range []ZeroRate{ZeroExport, ZeroExempt, ZeroNotTaxable, ZeroOrdinary} {
		o := validOrder()
		o.Lines[0].TaxRate, o.Lines[0].ZeroRate = "0", string(z)
		l := passes(t, o).Invoice.Lines[0]
		if l.Tax != 0 || l.ZeroRate != z {
			t.Errorf("%s: tax %s flag %s", z, l.Tax, l.ZeroRate)
		}
	}
	o := validOrder()
	o.Lines[0].TaxRate = "0"
	refused(t, o, "lines[0].zero_rate", "zero_rate.required")
	o.Lines[0].ZeroRate = "free"
	refused(t, o, "lines[0].zero_rate", "zero_rate.unknown")
	o.Lines[0].TaxRate, o.Lines[0].ZeroRate = "0.06", "exempt"
	refused(t, o, "lines[0].zero_rate", "zero_rate.unexpected")
	o.Lines[0].TaxRate, o.Lines[0].Tax = "0", "0.01"
	refused(t, o, "lines[0].tax", "tax.zero_rate")
}

func TestExemptAndNotTaxablePrintTheirWords(t *testing.T) {
	cases := map[ZeroRate][2]string{ZeroExempt: {"免税", "***"}, ZeroNotTaxable: {"不征税", "***"},
		ZeroExport: {"0%", "0.00"}, ZeroOrdinary: {"0%", "0.00"}}
	for z, want := range cases {
		l := Line{ZeroRate: z}
		if l.RateText() != want[0] || l.TaxText() != want[1] {
			t.Errorf("%s prints %s %s, want %v", z, l.RateText(), l.TaxText(), want)
		}
	}
	if l := (Line{Rate: Rate13, Tax: 1300}); l.RateText() != "13%" || l.TaxText() != "13.00" {
		t.Errorf("13%% line prints %s %s", l.RateText(), l.TaxText())
	}
}

func TestDiscountLine(t *testing.T) {
	o := validOrder()
	o.Lines[0].Discount = "1000.00" // the whole amount is the boundary
	c := passes(t, o)
	if n := len(c.Invoice.Lines); n != 2 {
		t.Fatalf("want the goods line and its discount line, got %d lines", n)
	}
	d := c.Invoice.Lines[1]
	if !d.Discount || d.Amount != -100000 || d.Tax != -6000 || d.TaxCode != o.Lines[0].TaxCode ||
		d.Rate != Rate6 || d.HasQuantity() || d.Spec != "" || d.Unit != "" {
		t.Errorf("discount line %+v", d)
	}
	o.Lines[0].Discount = "1000.01"
	refused(t, o, "lines[0].discount", "discount.exceeds")
	o.Lines[0].Discount = "0"
	refused(t, o, "lines[0].discount", "discount.positive")
	// tax = round2(amount × rate) on the discount line: 0.50 at 1% is 0.01.
	o = validOrder()
	o.Lines[0].TaxRate, o.Lines[0].Discount = "0.01", "0.50"
	if d := passes(t, o).Invoice.Lines[1]; d.Tax != -1 {
		t.Errorf("discount 0.50 at 1%%: tax %s, want -0.01", d.Tax)
	}
}

func TestLineCount(t *testing.T) {
	o := validOrder()
	line := o.Lines[0]
	o.Lines = make([]OrderLine, MaxLines)
	for i := range o.Lines {
		o.Lines[i] = line
	}
	passes(t, o)
	o.Lines = append(o.Lines, line)
	refused(t, o, "lines", "lines.count")
	o.Lines = nil
	refused(t, o, "lines", "lines.count")
}

func TestGoodsListAfterEightLines(t *testing.T) {
	inv := &Invoice{Lines: make([]Line, 8)}
	if inv.NeedsGoodsList() || inv.GoodsListPages() != 0 {
		t.Error("8 lines fit on the face")
	}
	inv.Lines = make([]Line, 9)
	if !inv.NeedsGoodsList() || inv.GoodsListPages() != 1 {
		t.Error("9 lines need one goods-list page")
	}
	inv.Lines = make([]Line, 26)
	if inv.GoodsListPages() != 1 {
		t.Error("26 rows fill one page")
	}
	inv.Lines = make([]Line, 27)
	if inv.GoodsListPages() != 2 {
		t.Error("27 rows need two pages")
	}
}

func TestQuantityAndPriceDigits(t *testing.T) {
	o := validOrder()
	o.Lines[0].Amount, o.Lines[0].Quantity, o.Lines[0].UnitPrice = "", "1.12345678", "100"
	passes(t, o)
	o.Lines[0].Quantity = "1.123456789"
	refused(t, o, "lines[0].quantity", "decimal.format")
	o.Lines[0].Quantity, o.Lines[0].UnitPrice = "1", "0.123456789"
	refused(t, o, "lines[0].unit_price", "decimal.format")
	o.Lines[0].UnitPrice = "-1"
	refused(t, o, "lines[0].unit_price", "decimal.format")
	o.Lines[0].UnitPrice = ""
	refused(t, o, "lines[0].unit_price", "quantity.pair")
	o.Lines[0].Quantity, o.Lines[0].UnitPrice = "", "1"
	refused(t, o, "lines[0].quantity", "quantity.pair")
	o.Lines[0].UnitPrice = ""
	refused(t, o, "lines[0].amount", "amount.required")
}

func TestAmountDigits(t *testing.T) {
	o := validOrder()
	o.Lines[0].Amount = "1000.01"
	passes(t, o)
	o.Lines[0].Amount = "1000.001"
	refused(t, o, "lines[0].amount", "money.format")
	o.Lines[0].Amount = "0.00"
	refused(t, o, "lines[0].amount", "amount.positive")
}

// docs/rules.md "Texts": every printed text in GBK, within its limit in GBK bytes.
func TestTextLimits(t *testing.T) {
	cases := []struct {
		field string
		max   int
		set   func(o *Order, s string)
	}{
		{"buyer.name", 100, func(o *Order, s string) { o.Buyer.Name = s }},
		{"buyer.address_phone", 100, func(o *Order, s string) { o.Buyer.AddressPhone = s }},
		{"buyer.bank_account", 100, func(o *Order, s string) { o.Buyer.BankAccount = s }},
		{"remark", 230, func(o *Order, s string) { o.Remark = s }},
		{"lines[0].spec", 36, func(o *Order, s string) { o.Lines[0].Spec = s }},
		{"lines[0].unit", 20, func(o *Order, s string) { o.Lines[0].Unit = s }},
		{"payee", 16, func(o *Order, s string) { o.Payee = s }},
		{"reviewer", 16, func(o *Order, s string) { o.Reviewer = s }},
		{"issuer", 16, func(o *Order, s string) { o.Issuer = s }},
	}
	for _, c := range cases {
		t.Run(c.field, func(t *testing.T) {
			o := validOrder()
			c.set(o, zh(c.max/2)+asc(c.max%2)) // exactly max bytes, Chinese counting 2
			passes(t, o)
			c.set(o, zh(c.max/2)+asc(c.max%2+1))
			refused(t, o, c.field, "gbk.length")
			c.set(o, "示例"+string(rune(0x3400))) // 㐀, CJK extension A, is not GBK
			refused(t, o, c.field, "gbk.encodable")
		})
	}
}

func TestPrintedNameLimit(t *testing.T) {
	// *信息技术服务* is 14 GBK bytes, so the name may have 78 more.
	o := validOrder()
	o.Lines[0].Name = zh(39)
	passes(t, o)
	o.Lines[0].Name = zh(39) + "a"
	refused(t, o, "lines[0].name", "gbk.length")
}

func TestRemarkLimitComesFromTheDevice(t *testing.T) {
	cfg := testConfig()
	cfg.Limits.RemarkBytes = 130 // electronic 普票 on Baiwang-class devices
	o := validOrder()
	o.Remark = asc(130)
	if _, errs := Check(o, cfg); errs != nil {
		t.Fatal(errs)
	}
	o.Remark = asc(131)
	if _, errs := Check(o, cfg); !errs.Has("remark", "gbk.length") {
		t.Fatalf("want gbk.length, got %v", errs)
	}
}

func TestCharactersOutsideGBKAreNamed(t *testing.T) {
	for _, s := range []string{"㐀", "𠀀", "😀"} {
		o := validOrder()
		o.Lines[0].Name = "服务" + s
		errs := refused(t, o, "lines[0].name", "gbk.encodable")
		if !strings.Contains(errs[0].Message, s) {
			t.Errorf("the message does not name %s: %s", s, errs[0].Message)
		}
	}
	if n, _, ok := GBKLen("中a€"); !ok || n != 4 {
		t.Errorf("GBKLen(中a€) = %d, %v; want 4 (€ is the single byte 0x80 in CP936)", n, ok)
	}
}

func TestControlCharactersRefused(t *testing.T) {
	o := validOrder()
	o.Buyer.Name = "示例\n公司"
	refused(t, o, "buyer.name", "text.control")
	o = validOrder()
	o.Remark = "第一行\n第二行" // a remark may span lines
	passes(t, o)
}

func TestRemarkMayNotImitateARedInvoice(t *testing.T) {
	o := validOrder()
	o.Remark = "对应正数发票代码:011001700112号码:10113872"
	refused(t, o, "remark", "remark.reserved")
}

// docs/rules.md "Tax classification codes".
func TestTaxCodes(t *testing.T) {
	o := validOrder()
	c := passes(t, o)
	if got := c.Invoice.Lines[0].PrintedName(); got != "*信息技术服务*软件开发服务" {
		t.Errorf("printed name %s", got)
	}
	if c.Invoice.TaxCodeVersion != "2017-12-19" {
		t.Errorf("the invoice records the table version: %q", c.Invoice.TaxCodeVersion)
	}
	for code, rule := range map[string]string{
		"304020101000000000":   "tax_code.format", // 18 digits
		"30402010100000000000": "tax_code.format", // 20 digits
		"304020101000000000A":  "tax_code.format",
		"9999999999999999999":  "tax_code.unknown",
		"3040201020000000000":  "tax_code.superseded", // 软件咨询服务: no 简称 in the 2017 table
	} {
		o.Lines[0].TaxCode = code
		refused(t, o, "lines[0].tax_code", rule)
	}
}

func TestSpecialInvoiceNeedsTheBuyersDetails(t *testing.T) {
	o := validOrder()
	o.Type = "e-special"
	refused(t, o, "buyer.tax_id", "field.required")
	o.Buyer = OrderBuyer{Name: "示例公司", TaxID: "91350200776049653A", AddressPhone: "厦门 0592-1", BankAccount: "中国银行 1"}
	if c := passes(t, o); c.Invoice.Kind != KindSpecial {
		t.Errorf("kind %s", c.Invoice.Kind)
	}
	o.Type = "paper"
	refused(t, o, "type", "type.unknown")
}

func TestIssuerDefaultsToTheOperator(t *testing.T) {
	if got := passes(t, validOrder()).Invoice.Issuer; got != "张三" {
		t.Errorf("issuer %q", got)
	}
}

func TestOrderID(t *testing.T) {
	o := validOrder()
	o.OrderID = strings.Repeat("A", 40)
	passes(t, o)
	o.OrderID = strings.Repeat("A", 41)
	refused(t, o, "order_id", "order_id.format")
	o.OrderID = "SO_1-2.3"
	passes(t, o)
	o.OrderID = "订单1"
	refused(t, o, "order_id", "order_id.format")
}

func TestEveryErrorIsReported(t *testing.T) {
	o := validOrder()
	o.OrderID = ""
	o.Buyer.Name = ""
	o.Lines[0].TaxCode = "1"
	o.Lines[0].TaxRate = "0.5"
	o.Lines = append(o.Lines, OrderLine{Name: "x", TaxCode: "3040201010000000000", Amount: "-1", TaxRate: "0.06"})
	_, errs := check(t, o)
	for _, want := range [][2]string{{"order_id", "field.required"}, {"buyer.name", "field.required"},
		{"lines[0].tax_code", "tax_code.format"}, {"lines[0].tax_rate", "tax_rate.unknown"},
		{"lines[1].amount", "amount.positive"}} {
		if !errs.Has(want[0], want[1]) {
			t.Errorf("missing %s on %s in %v", want[1], want[0], errs)
		}
	}
}

func TestLabels(t *testing.T) {
	for path, want := range map[string]string{"lines[2].tax_code": "第3行税收分类编码", "buyer.name": "购买方名称",
		"red_of.lines[0].quantity": "红冲信息第1行数量", "remark": "备注"} {
		if got := Label(path); got != want {
			t.Errorf("Label(%s) = %s, want %s", path, got, want)
		}
	}
}
