package invoice

import (
	"time"

	"github.com/shopspring/decimal"
)

// Beijing is the time zone of invoice dates: the tax-control device's clock, the printed
// 开票日期, and the months it reports, whatever the zone of the computer around it.
var Beijing = time.FixedZone("CST", 8*3600)

// Kind is the type of invoice being issued.
type Kind string

// The kinds of invoice the workstation issues: through a tax-control device, or through
// the digital channel (数电, docs/digital.md), whose invoices have a 20-digit number and
// no 发票代码.
const (
	KindOrdinary        Kind = "e-ordinary"       // 电子普通发票
	KindSpecial         Kind = "e-special"        // 电子专用发票
	KindDigitalOrdinary Kind = "digital-ordinary" // 电子发票（普通发票）
	KindDigitalSpecial  Kind = "digital-special"  // 电子发票（增值税专用发票）
)

// Title is the kind's name as printed on the invoice.
func (k Kind) Title() string {
	switch k {
	case KindSpecial:
		return "电子专用发票"
	case KindDigitalOrdinary:
		return "电子发票（普通发票）"
	case KindDigitalSpecial:
		return "电子发票（增值税专用发票）"
	}
	return "电子普通发票"
}

// Digital reports whether the kind is one of the digital channel's (数电票).
func (k Kind) Digital() bool { return k == KindDigitalOrdinary || k == KindDigitalSpecial }

// Special reports whether the kind is a 专票 of either channel: its buyer needs all
// details, and a red one needs a notice (device) or a confirmation slip (digital).
func (k Kind) Special() bool { return k == KindSpecial || k == KindDigitalSpecial }

// Digitalized is the digital channel's kind of the same type (e-ordinary →
// digital-ordinary); a digital kind is returned as it is.
func (k Kind) Digitalized() Kind {
	switch k {
	case KindOrdinary:
		return KindDigitalOrdinary
	case KindSpecial:
		return KindDigitalSpecial
	}
	return k
}

// Kinds are the device's kinds of invoice, in the order screens list them.
var Kinds = []Kind{KindOrdinary, KindSpecial}

// DigitalKinds are the digital channel's kinds of invoice, in the order screens list them.
var DigitalKinds = []Kind{KindDigitalOrdinary, KindDigitalSpecial}

// QRType is the kind's two-digit type code in the QR payload (docs/rules.md "QR code",
// docs/digital.md "QR code"): 10 and 08 for the device's kinds, 32 and 31 for 数电票.
func (k Kind) QRType() string {
	switch k {
	case KindSpecial:
		return "08"
	case KindDigitalOrdinary:
		return "32"
	case KindDigitalSpecial:
		return "31"
	}
	return "10"
}

// CodeType is the kind's type digits, the 11th and 12th of its 12-digit 发票代码
// (docs/rules.md "Invoice code"): 11 电子普通发票, 13 电子专用发票; empty for the digital
// kinds, which have no 发票代码.
func (k Kind) CodeType() string {
	switch k {
	case KindSpecial:
		return "13"
	case KindOrdinary:
		return "11"
	}
	return ""
}

// KindOfCode is the kind a 12-digit invoice code's type digits name; ok is false for a
// code of another length or type.
func KindOfCode(code string) (k Kind, ok bool) {
	if len(code) != 12 {
		return "", false
	}
	for _, k := range Kinds {
		if code[10:] == k.CodeType() {
			return k, true
		}
	}
	return "", false
}

// ZeroRate says why a line's tax rate is zero (docs/rules.md "Amounts and tax"). It is empty on lines with a
// non-zero rate.
type ZeroRate string

// The zero-rate flags and their codes on the device: export 0, exempt 1, not_taxable 2,
// zero_rate 3.
const (
	ZeroExport     ZeroRate = "export"      // 出口退税
	ZeroExempt     ZeroRate = "exempt"      // 免税
	ZeroNotTaxable ZeroRate = "not_taxable" // 不征税
	ZeroOrdinary   ZeroRate = "zero_rate"   // 普通零税率
)

// Code is the flag's numeric code as the device records it, or -1 for no flag.
func (z ZeroRate) Code() int {
	switch z {
	case ZeroExport:
		return 0
	case ZeroExempt:
		return 1
	case ZeroNotTaxable:
		return 2
	case ZeroOrdinary:
		return 3
	}
	return -1
}

// Party is a seller or a buyer as printed on the invoice.
type Party struct {
	Name         string `json:"name"`
	TaxID        string `json:"tax_id,omitempty"`        // 纳税人识别号
	AddressPhone string `json:"address_phone,omitempty"` // 地址、电话
	BankAccount  string `json:"bank_account,omitempty"`  // 开户行及账号
	Email        string `json:"email,omitempty"`         // where the PDF is delivered (buyer only)
}

// Line is one row of an invoice's item table: goods or a service, or the discount line
// that directly follows the line it discounts.
type Line struct {
	Name      string // the item's own name, without the *简称* prefix
	TaxCode   string // 19-digit tax classification code
	ShortName string // 简称 of TaxCode in the code table
	Spec      string // 规格型号
	Unit      string // 单位
	// Quantity and UnitPrice are zero when the line has none (an amount-only line or a
	// discount line). UnitPrice excludes tax: it is what the invoice prints. On a red
	// invoice Quantity is negative and UnitPrice stays positive.
	Quantity  decimal.Decimal
	UnitPrice decimal.Decimal
	// GrossUnitPrice is the tax-inclusive unit price an order gave, zero otherwise.
	GrossUnitPrice decimal.Decimal
	Amount         Money // 金额, before tax; negative on discount and red lines
	Rate           Rate
	Tax            Money // 税额
	ZeroRate       ZeroRate
	// Discount marks a discount line (折扣行); it applies to the line before it.
	Discount bool
	// Of is, on a red invoice, the 1-based goods line of the blue invoice this line
	// reverses; zero on blue invoices.
	Of int
}

// PrintedName is the name as printed: *简称*名称.
func (l Line) PrintedName() string { return "*" + l.ShortName + "*" + l.Name }

// HasQuantity reports whether the line carries a quantity and a unit price.
func (l Line) HasQuantity() bool { return !l.Quantity.IsZero() }

// RateText is what the rate column prints: 免税 and 不征税 for those zero-rate flags,
// the percentage otherwise.
func (l Line) RateText() string {
	switch l.ZeroRate {
	case ZeroExempt:
		return "免税"
	case ZeroNotTaxable:
		return "不征税"
	}
	return l.Rate.Percent()
}

// TaxText is what the tax column prints: *** for exempt and not-taxable lines.
func (l Line) TaxText() string {
	if l.ZeroRate == ZeroExempt || l.ZeroRate == ZeroNotTaxable {
		return "***"
	}
	return l.Tax.String()
}

// RedReason is why a red invoice reverses a blue one (docs/rules.md "Red invoices").
type RedReason int

// The red-invoice reasons.
const (
	ReasonError    RedReason = 1 // 开票有误
	ReasonReturn   RedReason = 2 // 销货退回
	ReasonStopped  RedReason = 3 // 服务中止
	ReasonDiscount RedReason = 4 // 销售折让
)

// Text is the reason's Chinese name.
func (r RedReason) Text() string {
	switch r {
	case ReasonError:
		return "开票有误"
	case ReasonReturn:
		return "销货退回"
	case ReasonStopped:
		return "服务中止"
	case ReasonDiscount:
		return "销售折让"
	}
	return ""
}

// RedLink ties a red invoice to the blue invoice it reverses.
type RedLink struct {
	Code   string    // 发票代码 of the blue invoice; empty for a 数电票
	Number string    // 发票号码 of the blue invoice: 8 digits, or 20 for a 数电票
	Reason RedReason // 冲红原因
	// Notice is the 16-digit 红字信息表编号, required to reverse a device's 专票; empty
	// on the digital channel.
	Notice string
	// Slip is the 20-digit 红字发票信息确认单编号 a digital red invoice is issued under
	// (docs/digital.md "Red invoices"); empty on the device channel.
	Slip string
}

// Issued holds what the issuing channel returns when it issues an invoice: the
// tax-control device, or the digital channel (docs/digital.md). The engine never
// computes these; it stores and prints them. A digital invoice (数电票) has no Code,
// Machine, CheckCode or Cipher, a 20-digit Number, and the enterprise's SM2 signature.
type Issued struct {
	Code      string    // 发票代码, 12 digits; empty for a 数电票
	Number    string    // 发票号码, 8 digits; 20 for a 数电票
	Machine   string    // 机器编号: the device serial, 12 digits; empty for a 数电票
	IssuedAt  time.Time // 开票日期, from the device clock (the workstation's for a 数电票)
	CheckCode string    // 校验码, 20 digits; empty for a 数电票
	Cipher    string    // 密码区, 108 characters of 0-9+-*/<>; empty for a 数电票
	// Signature is the device's signature over the invoice's core fields, or for a
	// 数电票 the enterprise's SM2 signature (its PKI certificate) over the same core.
	Signature []byte
}

// Invoice is one VAT electronic invoice: a draft after validation, then issued once the
// device has returned its Issued fields.
type Invoice struct {
	// RequestID makes issuing idempotent: the order ID, or for the parts of an order
	// split over the per-invoice limit, the order ID with "#k" appended.
	RequestID string
	OrderID   string
	Kind      Kind
	Seller    Party
	Buyer     Party
	// PriceIncludesTax records how the order gave its prices.
	PriceIncludesTax bool
	Lines            []Line
	Remark           string // the printed 备注, with the red-invoice phrase where there is one
	Payee            string // 收款人
	Reviewer         string // 复核
	Issuer           string // 开票人
	Red              *RedLink
	// TaxCodeVersion is the version of the code table the lines were checked against.
	TaxCodeVersion string
	Issued
}

// IsRed reports whether the invoice reverses another.
func (inv *Invoice) IsRed() bool { return inv.Red != nil }

// NeedsGoodsList reports whether the invoice's lines overflow its face (8 rows), so that
// the face shows (详见销货清单) and the lines go to a 销货清单 (docs/rules.md "Amounts and tax").
func (inv *Invoice) NeedsGoodsList() bool { return len(inv.Lines) > FaceLines }

// GoodsListPages is how many 销货清单 pages the invoice needs, 26 rows a page, or 0.
func (inv *Invoice) GoodsListPages() int {
	if !inv.NeedsGoodsList() {
		return 0
	}
	return (len(inv.Lines) + GoodsListRows - 1) / GoodsListRows
}

// Totals are an invoice's sums: 合计金额, 合计税额 and 价税合计.
type Totals struct {
	Amount Money
	Tax    Money
	Total  Money
}

// Totals adds up the invoice's lines.
func (inv *Invoice) Totals() Totals {
	var t Totals
	for i := range inv.Lines {
		t.Amount += inv.Lines[i].Amount
		t.Tax += inv.Lines[i].Tax
	}
	t.Total = t.Amount + t.Tax
	return t
}

// Limits are the device's capabilities that the rules depend on. A device reports its
// own; DefaultLimits are the simulator's.
type Limits struct {
	// InvoiceLimit is the 单张限额, compared with an invoice's total before tax.
	InvoiceLimit Money
	// LineTaxTolerance is how far a stated line tax may be from amount × rate:
	// 0.06 on 金税盘-class devices, 0.01 on others.
	LineTaxTolerance Money
	// RemarkBytes is the most GBK bytes the 备注 may hold.
	RemarkBytes int
}

// DefaultLimits are the simulator's defaults.
var DefaultLimits = Limits{
	InvoiceLimit:     9_999_999,
	LineTaxTolerance: 6,
	RemarkBytes:      230,
}

// The fixed limits of docs/rules.md "Amounts and tax" and "Texts".
const (
	InvoiceTaxTolerance Money = 127  // Σ(stated − computed tax) over an invoice
	AmountTolerance     Money = 1    // stated amount vs quantity × unit price
	MaxLines                  = 2000 // lines of one order, discount lines not counted
	FaceLines                 = 8    // lines the invoice face holds before a goods list
	GoodsListRows             = 26   // rows on one page of the goods list
)
