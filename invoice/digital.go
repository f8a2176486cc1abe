package invoice

import (
	"strings"
)

// The digital channel's numbers (docs/digital.md "Invoice numbers"): 20 digits, YY +
// 2-digit region + a channel digit + a 15-digit sequence, unique nationally, with no
// 发票代码 beside them.

// DigitalNumberLen is the length of a 数电票's number.
const DigitalNumberLen = 20

// ValidDigitalNumber reports whether s is a 数电票 number: 20 digits. The region is not
// restricted to a list (docs/digital.md: 计划单列市 have codes of their own).
func ValidDigitalNumber(s string) bool { return isDigits(s, DigitalNumberLen) }

// Ref names an invoice the way the CLI and messages do: CODE:NUMBER for the device's
// invoices, the bare 20-digit number for a 数电票.
func Ref(code, number string) string {
	if code == "" {
		return number
	}
	return code + ":" + number
}

// ParseRef reads an invoice's name: CODE:NUMBER (12- or 10-digit code, 8-digit number),
// or a bare 20-digit number naming a 数电票 (code ""). The error names the value and the
// forms accepted (the catalogue's ref.format).
func ParseRef(s string) (code, number string, err error) {
	s = strings.TrimSpace(s)
	if c, n, ok := strings.Cut(s, ":"); ok {
		if ValidCode(c) && ValidNumber(n) {
			return c, n, nil
		}
		if c == "" && ValidDigitalNumber(n) {
			return "", n, nil
		}
	} else if ValidDigitalNumber(s) {
		return "", s, nil
	}
	return "", "", NewProblem(nil, "ref.format", Args{"value": clip(s, maxEcho), "quoted": Quote(s)}, nil)
}

// NumberPlus is the number i places after n, of n's width: the next numbers of a
// segment or roll. n must be digits; numbers of 20 digits do not fit an int64, so the
// sum is carried digit by digit. ok is false when n is not digits or the sum overflows
// its width.
func NumberPlus(n string, i int) (string, bool) {
	if n == "" || i < 0 || !isDigits(n, len(n)) {
		return "", false
	}
	b := []byte(n)
	carry := i
	for k := len(b) - 1; k >= 0 && carry > 0; k-- {
		d := int(b[k]-'0') + carry
		b[k] = byte('0' + d%10)
		carry = d / 10
	}
	if carry > 0 {
		return "", false
	}
	return string(b), true
}
