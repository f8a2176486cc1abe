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
		c.add("lines", "price.unprintable/split", "", Args{"limit": cfg.Limits.InvoiceLimit.String(),
			"places": fmt.Sprint(MaxPricePlaces), "chars": fmt.Sprint(MaxPriceChars)})
		return nil, c.result()
	}
	if err != nil {
		t := inv.Totals()
		c.add("totals.amount", "split.too_many", t.Amount.String(),
			Args{"limit": cfg.Limits.InvoiceLimit.String(), "parts": fmt.Sprint(MaxSplitParts)})
		return nil, c.result()
	}
	for k, p := range parts {
		if len(parts) > 1 {
			c.invoiceTolerance(p, k+1)
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

func (c *checker) add(field, key, value string, args Args) {
	c.errs.add(field, key, value, args)
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
			c.add("order_id", "order_id.format", o.OrderID, nil)
		}
	}
	switch Kind(o.Type) {
	case "", KindOrdinary:
	case KindSpecial:
		inv.Kind = KindSpecial
	case KindDigitalOrdinary, KindDigitalSpecial:
		inv.Kind = Kind(o.Type)
		if !c.cfg.Digital && !c.bad["type"] {
			c.add("type", "type.channel", o.Type, nil)
		}
	default:
		if !c.bad["type"] {
			c.add("type", "type.unknown", o.Type, nil)
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
			c.requiredFor("buyer.tax_id")
		}
	} else if !c.bad["buyer.tax_id"] {
		c.taxID("buyer.tax_id", o.Buyer.TaxID)
	}
	c.text("buyer.address_phone", o.Buyer.AddressPhone, maxPartyBytes, false)
	c.text("buyer.bank_account", o.Buyer.BankAccount, maxPartyBytes, false)
	if special {
		if o.Buyer.AddressPhone == "" {
			c.requiredFor("buyer.address_phone")
		}
		if o.Buyer.BankAccount == "" {
			c.requiredFor("buyer.bank_account")
		}
	}
	if e := o.Buyer.Email; e != "" && !validEmail(e) {
		c.add("buyer.email", "email.format", e, nil)
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
			c.add(path, "remark.reserved", s, Args{"phrase": p})
			return
		}
	}
}

func (c *checker) required(path string) {
	c.add(path, "field.required", "", nil)
}

// requiredFor is a field a 专票 needs.
func (c *checker) requiredFor(path string) {
	c.add(path, "field.required/special", "", nil)
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
			c.add(path, "text.control", s, Args{"code": fmt.Sprintf("U+%04X", r)})
			return
		}
	}
	n, bad, ok := GBKLen(s)
	if !ok {
		c.add(path, "gbk.encodable", s, Args{"char": string(bad), "char_q": fmt.Sprintf("%q", bad),
			"code": fmt.Sprintf("U+%04X", bad)})
		return
	}
	if n > max {
		c.add(path, "gbk.length", s, Args{"max": fmt.Sprint(max), "n": fmt.Sprint(n)})
	}
}

func (c *checker) taxID(path, id string) {
	switch problem, want := CheckTaxID(id); problem {
	case "":
	case TaxIDCheck:
		c.add(path, string(problem), id, Args{"want": want})
	case TaxIDOrgCheck:
		c.add(path, string(problem), id, Args{"want": want})
	default:
		c.add(path, string(problem), id, nil)
	}
}

// money parses an amount field; ok is false (and an error recorded) when it is malformed.
func (c *checker) money(path, s string) (Money, bool) {
	m, err := ParseMoney(s)
	if err != nil {
		c.add(path, "money.format", s, Args{"err": err.Error()})
		return 0, false
	}
	if m.Abs() > MaxLineAmount {
		c.add(path, "money.range", s, Args{"max": MaxLineAmount.String()})
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
		c.add(path, "decimal.format", s, Args{"places": fmt.Sprint(maxFracDigits)})
	case !d.IsPositive():
		c.add(path, "decimal.positive", s, nil)
	case d.GreaterThanOrEqual(maxQuantity):
		c.add(path, "decimal.range", s, nil)
	case len(d.String()) > MaxPriceChars:
		// The device's quantity and price fields hold 20 characters (docs/rules.md
		// "Printed unit price"): 12 whole digits and 8 places would be 21.
		c.add(path, "decimal.range/chars", s, Args{"chars": fmt.Sprint(MaxPriceChars)})
	default:
		return d, true
	}
	return decimal.Decimal{}, false
}
