package invoice

import "fmt"

// The identity fields an invoice carries from the device (docs/DESIGN.md, rules §1) are
// digits of fixed length. They become file names (PDFs, the zip export, the print path),
// bbolt keys and certificate lookups, so every boundary that takes them from outside —
// the device, a journal import, a platform request — checks them here first.

// ValidMachine reports whether s is a machine number (机器编号): 12 digits.
func ValidMachine(s string) bool { return isDigits(s, 12) }

// ValidTaxIDForm reports whether s has the form of a tax ID (纳税人识别号) that may name a
// file or a key: 15 to 20 upper-case letters and digits (a 统一社会信用代码 is 18). It
// checks no check character: CheckTaxID does, where a clerk types the ID.
func ValidTaxIDForm(s string) bool {
	if len(s) < 15 || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// ValidCode reports whether s is an invoice code (发票代码): 12 digits, or 10 for a
// legacy code.
func ValidCode(s string) bool { return isDigits(s, 12) || isDigits(s, 10) }

// ValidNumber reports whether s is an invoice number (发票号码): 8 digits.
func ValidNumber(s string) bool { return isDigits(s, 8) }

// CheckIdentity returns an error naming the field and the rule when an issued invoice's
// code, number or machine number is not of its form. An invoice not yet issued (no
// code, no number) passes. A 数电票 has no code and no machine number and a 20-digit
// number (docs/digital.md).
func CheckIdentity(code, number, machine string) error {
	if code == "" && number == "" && machine == "" {
		return nil
	}
	if code == "" && machine == "" {
		if !ValidDigitalNumber(number) {
			return fmt.Errorf("发票号码 %s: a digital invoice's number must be 20 digits", Quote(number))
		}
		return nil
	}
	switch {
	case !ValidCode(code):
		return fmt.Errorf("发票代码 %s: must be 12 (or 10) digits", Quote(code))
	case !ValidNumber(number):
		return fmt.Errorf("发票号码 %s: must be 8 digits", Quote(number))
	case machine != "" && !ValidMachine(machine):
		return fmt.Errorf("机器编号 %s: must be 12 digits", Quote(machine))
	}
	return nil
}

// maxEcho bounds how much of an input value an error message repeats: a 100 MB cell
// must not come back as a 100 MB message.
const maxEcho = 64

// Quote quotes s for an error message, cut to 64 bytes (on a rune boundary) with the
// full length noted, so that errors never echo huge inputs.
func Quote(s string) string {
	if len(s) <= maxEcho {
		return fmt.Sprintf("%q", s)
	}
	cut := maxEcho
	for cut > 0 && !runeStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q… (%d bytes)", s[:cut], len(s))
}

func runeStart(b byte) bool { return b&0xC0 != 0x80 }

// The longest an error's echoed value and its messages may be.
const (
	maxValue   = 256
	maxMessage = 1024
)

// clip cuts s to at most n bytes on a rune boundary, noting the full length.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !runeStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… (%d bytes)", len(s))
}
