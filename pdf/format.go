package pdf

import (
	"strings"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/shopspring/decimal"
)

// decimalText prints a quantity or unit price as the invoice holds it, without trailing
// zeros: up to 8 decimals, more where a price needs them to give its line's amount
// (docs/rules.md "Printed unit price"); zero prints as nothing, as a line without quantity
// shows blank.
func decimalText(d decimal.Decimal) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// yuan prints an amount with the currency sign, a red invoice's minus after it: ¥-113.00.
func yuan(m invoice.Money) string { return "¥" + m.String() }

// dateText is the printed 开票日期: 2026年11月26日.
func dateText(inv *invoice.Invoice) string {
	if inv.IssuedAt.IsZero() {
		return ""
	}
	return inv.IssuedAt.In(invoice.Beijing).Format("2006年01月02日")
}

// checkCodeText prints the 20-digit 校验码 in groups of five, as real invoices do, so a
// person can read it out: 12345 67890 12345 67890.
func checkCodeText(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%5 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cipherLines cuts the 108-character 密码区 into its 4 printed lines of 27 (docs/rules.md "Invoice code").
// A cipher of another length is still printed, 27 to a line.
func cipherLines(s string) []string {
	var out []string
	for len(s) > 27 {
		out = append(out, s[:27])
		s = s[27:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// title is the invoice's printed title, e.g. 厦门增值税电子普通发票.
func title(region string, k invoice.Kind) string {
	return region + "增值税" + k.Title()
}

// remarkText is the remark as printed: the red invoice's reference to the blue one
// breaks before 号码 rather than inside the 12-digit code, so that both numbers read
// whole beside the seal.
func remarkText(s string) string {
	const code, number = "对应正数发票代码:", "号码:"
	if !strings.HasPrefix(s, code) {
		return s
	}
	first, rest, _ := strings.Cut(s, "\n")
	if i := strings.Index(first, number); i > 0 {
		first = first[:i] + "\n" + first[i:]
	}
	if rest != "" {
		return first + "\n" + rest
	}
	return first
}
