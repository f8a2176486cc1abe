package invoice

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"
)

// Config is what checking an order needs besides the order itself.
type Config struct {
	Codes    *TaxCodes // the code table in force
	Limits   Limits    // the device's capabilities
	Seller   Party     // the enterprise issuing the invoice
	Operator string    // the logged-in operator: the default 开票人
	// Digital says the data folder issues through the digital channel (docs/digital.md):
	// an order's e-ordinary/e-special becomes digital-ordinary/digital-special.
	Digital bool
}

// Checked is a valid order, computed: the whole order as one invoice, and the invoices
// it becomes under the device's per-invoice limit.
type Checked struct {
	Invoice *Invoice
	Parts   []*Invoice
}

// Text limits in GBK bytes (docs/rules.md "Texts", docs/order.md).
const (
	maxPartyBytes       = 100 // buyer name, 地址电话, 开户行及账号
	maxPrintedNameBytes = 92  // *简称*名称
	maxSpecBytes        = 36
	maxUnitBytes        = 20
	maxPersonBytes      = 16 // 收款人, 复核, 开票人
	maxFracDigits       = 8  // quantity and unit price
)

// The phrases a red invoice's remark begins with; a user may not type them (docs/rules.md "Red invoices").
const (
	redRemarkOrdinary = "对应正数发票代码:"
	redRemarkSpecial  = "开具红字增值税专用发票信息表编号"
	// A digital red invoice's remark (docs/digital.md "Red invoices"):
	// 被红冲蓝字数电票号码：<number> 红字发票信息确认单编号：<slip>.
	redRemarkDigital = "被红冲蓝字数电票号码："
	redRemarkSlip    = "红字发票信息确认单编号："
)

var orderIDRE = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,40}$`)

// maxQuantity bounds quantities and unit prices so their product stays in range.
var maxQuantity = decimal.New(1, 12)

// Check applies every rule of docs/order.md and docs/rules.md to an order and computes its
// invoice: line amounts and taxes (prices with or without tax), discount lines, totals,
// and the split over the per-invoice limit. It reports every error found, each with the
// field, the rule and a Chinese message; on any error it returns no invoice.
//
// A red order (red_of) is checked for its form only: its lines come from the blue
// invoice, which the store holds; see Reverse.
func Check(o *Order, cfg Config) (*Checked, Errors) {
	c := &checker{o: o, cfg: cfg, bad: map[string]bool{}}
	for _, e := range o.DecodeErrors {
		c.bad[e.Field] = true
	}
	c.errs.es = append(c.errs.es, o.DecodeErrors...)
	inv := c.header()
	if o.RedOf != nil {
		c.redRequest(inv.Kind)
		return nil, c.result()
	}
	c.lines(inv)
	if len(c.errs.es) > 0 {
		return nil, c.result()
	}
	parts, err := Split(inv, cfg.Limits.InvoiceLimit)
	if errors.Is(err, ErrPriceUnprintable) {
		c.add("lines", "price.unprintable", "",
			fmt.Sprintf("按单张限额%s拆分后，有商品行无法用税控设备可接受的单价（最多%d位小数、%d个字符）打印为“数量×单价=金额”（误差须小于0.01），请调整数量", cfg.Limits.InvoiceLimit, MaxPricePlaces, MaxPriceChars),
			fmt.Sprintf("split over the limit %s, a piece has no unit price of at most %d places and %d characters giving its amount within 0.01", cfg.Limits.InvoiceLimit, MaxPricePlaces, MaxPriceChars))
		return nil, c.result()
	}
	if err != nil {
		t := inv.Totals()
		c.add("totals.amount", "split.too_many", t.Amount.String(),
			fmt.Sprintf("合计金额%s远超单张限额%s，需拆分为%d张以上发票，请核对数量、单价和金额", t.Amount, cfg.Limits.InvoiceLimit, MaxSplitParts),
			fmt.Sprintf("the total %s would need more than %d invoices of at most %s", t.Amount, MaxSplitParts, cfg.Limits.InvoiceLimit))
		return nil, c.result()
	}
	for k, p := range parts {
		if len(parts) > 1 {
			c.invoiceTolerance(p, fmt.Sprintf("拆分后的第%d张发票", k+1))
		}
	}
	if len(c.errs.es) > 0 {
		return nil, c.result()
	}
	return &Checked{Invoice: inv, Parts: parts}, nil
}

type checker struct {
	o    *Order
	cfg  Config
	errs errList
	bad  map[string]bool // fields that already have an error from decoding
}

// result maps paths to the places they were read from.
func (c *checker) result() Errors {
	for _, e := range c.errs.es {
		e.Field = c.o.place(e.Field)
	}
	return c.errs.es
}

func (c *checker) add(field, rule, value, zh, en string) {
	c.errs.add(field, rule, value, zh, en)
}

// header checks the order-level fields and starts the invoice.
func (c *checker) header() *Invoice {
	o := c.o
	inv := &Invoice{
		RequestID:        o.OrderID,
		OrderID:          o.OrderID,
		Kind:             KindOrdinary,
		Seller:           c.cfg.Seller,
		PriceIncludesTax: o.PriceIncludesTax,
		Payee:            o.Payee,
		Reviewer:         o.Reviewer,
		Issuer:           o.Issuer,
		Remark:           o.Remark,
		Buyer: Party{
			Name:         strings.TrimSpace(o.Buyer.Name),
			TaxID:        o.Buyer.TaxID,
			AddressPhone: o.Buyer.AddressPhone,
			BankAccount:  o.Buyer.BankAccount,
			Email:        o.Buyer.Email,
		},
	}
	if c.cfg.Codes != nil {
		inv.TaxCodeVersion = c.cfg.Codes.Version
	}
	if inv.Issuer == "" {
		inv.Issuer = c.cfg.Operator
	}

	if !c.bad["order_id"] {
		switch {
		case o.OrderID == "":
			c.required("order_id")
		case !orderIDRE.MatchString(o.OrderID):
			c.add("order_id", "order_id.format", o.OrderID,
				fmt.Sprintf("订单号“%s”只能由1至40个字母、数字或 _ - . 组成", o.OrderID),
				fmt.Sprintf("order_id %q must be 1-40 characters of A-Z a-z 0-9 _ - .", o.OrderID))
		}
	}
	switch Kind(o.Type) {
	case "", KindOrdinary:
	case KindSpecial:
		inv.Kind = KindSpecial
	case KindDigitalOrdinary, KindDigitalSpecial:
		inv.Kind = Kind(o.Type)
		if !c.cfg.Digital && !c.bad["type"] {
			c.add("type", "type.channel", o.Type,
				fmt.Sprintf("发票类型“%s”是数电票，本数据目录使用税控设备开票（--channel device）", o.Type),
				fmt.Sprintf("type %q is a digital invoice, but this data folder issues through a tax-control device", o.Type))
		}
	default:
		if !c.bad["type"] {
			c.add("type", "type.unknown", o.Type,
				fmt.Sprintf("发票类型“%s”无效：应为 e-ordinary（电子普通发票）或 e-special（电子专用发票）", o.Type),
				fmt.Sprintf("type %q must be e-ordinary or e-special", o.Type))
		}
	}
	if c.cfg.Digital {
		inv.Kind = inv.Kind.Digitalized()
	}
	if o.RedOf == nil { // a red invoice's buyer is the blue invoice's
		c.buyer(inv.Kind.Special())
	}
	c.remark("remark", o.Remark)
	c.text("payee", o.Payee, maxPersonBytes, false)
	c.text("reviewer", o.Reviewer, maxPersonBytes, false)
	c.text("issuer", inv.Issuer, maxPersonBytes, false)
	return inv
}

// buyer checks the buyer's details; a 专票 needs all of them.
func (c *checker) buyer(special bool) {
	o := c.o
	c.text("buyer.name", strings.TrimSpace(o.Buyer.Name), maxPartyBytes, true)
	if o.Buyer.TaxID == "" {
		if special {
			c.requiredFor("buyer.tax_id", "专票")
		}
	} else if !c.bad["buyer.tax_id"] {
		c.taxID("buyer.tax_id", o.Buyer.TaxID)
	}
	c.text("buyer.address_phone", o.Buyer.AddressPhone, maxPartyBytes, false)
	c.text("buyer.bank_account", o.Buyer.BankAccount, maxPartyBytes, false)
	if special {
		if o.Buyer.AddressPhone == "" {
			c.requiredFor("buyer.address_phone", "专票")
		}
		if o.Buyer.BankAccount == "" {
			c.requiredFor("buyer.bank_account", "专票")
		}
	}
	if e := o.Buyer.Email; e != "" && !validEmail(e) {
		c.add("buyer.email", "email.format", e,
			fmt.Sprintf("购买方邮箱“%s”格式不正确", e),
			fmt.Sprintf("buyer.email %q is not an e-mail address", e))
	}
}

func validEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(s, " \t\r\n<>,;\"") &&
		!strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// remark checks the user's remark: GBK, within the device's limit, and free of the
// phrases only a red invoice may carry.
func (c *checker) remark(path, s string) {
	c.textLimit(path, s, c.cfg.Limits.RemarkBytes, false, true)
	for _, p := range []string{redRemarkOrdinary, strings.TrimSuffix(redRemarkOrdinary, ":"), redRemarkSpecial, redRemarkDigital, redRemarkSlip} {
		if strings.Contains(s, p) {
			c.add(path, "remark.reserved", s,
				fmt.Sprintf("备注不能自行填写“%s”：红字发票的对应信息由系统生成", p),
				fmt.Sprintf("remark may not contain the red-invoice phrase %q; it is generated", p))
			return
		}
	}
}

func (c *checker) required(path string) {
	c.add(path, "field.required", "",
		fmt.Sprintf("%s不能为空", Label(path)),
		fmt.Sprintf("%s is required", path))
}

func (c *checker) requiredFor(path, what string) {
	c.add(path, "field.required", "",
		fmt.Sprintf("开具%s时%s不能为空", what, Label(path)),
		fmt.Sprintf("%s is required on an %s invoice", path, map[string]string{"专票": "e-special"}[what]))
}

// text checks a printed text: present if required, GBK-encodable, no control
// characters, and at most max GBK bytes.
func (c *checker) text(path, s string, max int, required bool) {
	c.textLimit(path, s, max, required, false)
}

func (c *checker) textLimit(path, s string, max int, required, multiline bool) {
	if c.bad[path] {
		return
	}
	if s == "" {
		if required {
			c.required(path)
		}
		return
	}
	for _, r := range s {
		if r < 0x20 && !(multiline && r == '\n') || r == 0x7f {
			c.add(path, "text.control", s,
				fmt.Sprintf("%s含有不可打印的控制字符（U+%04X）", Label(path), r),
				fmt.Sprintf("%s contains the control character U+%04X", path, r))
			return
		}
	}
	n, bad, ok := GBKLen(s)
	if !ok {
		c.add(path, "gbk.encodable", s,
			fmt.Sprintf("%s中的字符“%c”（U+%04X）不在GBK字符集中，税控系统无法开具，请改用其他写法", Label(path), bad, bad),
			fmt.Sprintf("%s: character %q (U+%04X) is not encodable in GBK", path, bad, bad))
		return
	}
	if n > max {
		c.add(path, "gbk.length", s,
			fmt.Sprintf("%s最多%d字节（GBK编码，汉字占2字节），现为%d字节", Label(path), max, n),
			fmt.Sprintf("%s is %d GBK bytes, at most %d allowed", path, n, max))
	}
}

func (c *checker) taxID(path, id string) {
	switch problem, want := CheckTaxID(id); problem {
	case "":
	case TaxIDCheck:
		c.add(path, string(problem), id,
			fmt.Sprintf("纳税人识别号“%s”的校验位错误：第18位应为“%s”，请核对", id, want),
			fmt.Sprintf("%s %q fails the credit-code check: the 18th character should be %s", path, id, want))
	case TaxIDOrgCheck:
		c.add(path, string(problem), id,
			fmt.Sprintf("纳税人识别号“%s”中的组织机构代码（第9至17位）校验位错误：第17位应为“%s”", id, want),
			fmt.Sprintf("%s %q: the organisation code in positions 9-17 fails its check; position 17 should be %s", path, id, want))
	default:
		c.add(path, string(problem), id,
			fmt.Sprintf("纳税人识别号“%s”格式不正确：应为18位统一社会信用代码（数字和大写字母，不含I、O、Z、S、V），或15、17、20位旧税号", id),
			fmt.Sprintf("%s %q is neither an 18-character credit code nor a 15/17/20-character legacy ID", path, id))
	}
}

// money parses an amount field; ok is false (and an error recorded) when it is malformed.
func (c *checker) money(path, s string) (Money, bool) {
	m, err := ParseMoney(s)
	if err != nil {
		c.add(path, "money.format", s,
			fmt.Sprintf("%s“%s”不是有效金额：应为最多2位小数的十进制数", Label(path), s),
			fmt.Sprintf("%s %q is not an amount with at most 2 decimals: %v", path, s, err))
		return 0, false
	}
	if m.Abs() > MaxLineAmount {
		c.add(path, "money.range", s,
			fmt.Sprintf("%s“%s”超出可开具的范围（最大 %s）", Label(path), s, MaxLineAmount),
			fmt.Sprintf("%s %q exceeds %s", path, s, MaxLineAmount))
		return 0, false
	}
	return m, true
}

// positiveDecimal parses a quantity or unit price: a positive decimal with at most eight
// fractional digits.
func (c *checker) positiveDecimal(path, s string) (decimal.Decimal, bool) {
	neg, _, frac, err := splitDecimal(s)
	var d decimal.Decimal
	if err == nil {
		d, err = decimal.NewFromString(s)
	}
	switch {
	case err != nil || neg || len(frac) > maxFracDigits:
		c.add(path, "decimal.format", s,
			fmt.Sprintf("%s“%s”应为正的十进制数，最多%d位小数", Label(path), s, maxFracDigits),
			fmt.Sprintf("%s %q must be a positive decimal with at most %d fractional digits", path, s, maxFracDigits))
	case !d.IsPositive():
		c.add(path, "decimal.positive", s,
			fmt.Sprintf("%s必须大于0，现为“%s”", Label(path), s),
			fmt.Sprintf("%s must be positive, got %q", path, s))
	case d.GreaterThanOrEqual(maxQuantity):
		c.add(path, "decimal.range", s,
			fmt.Sprintf("%s“%s”过大", Label(path), s),
			fmt.Sprintf("%s %q is too large", path, s))
	case len(d.String()) > MaxPriceChars:
		// The device's quantity and price fields hold 20 characters (docs/rules.md
		// "Printed unit price"): 12 whole digits and 8 places would be 21.
		c.add(path, "decimal.range", s,
			fmt.Sprintf("%s“%s”超过税控设备可接受的%d个字符", Label(path), s, MaxPriceChars),
			fmt.Sprintf("%s %q is longer than the device's %d characters", path, s, MaxPriceChars))
	default:
		return d, true
	}
	return decimal.Decimal{}, false
}
