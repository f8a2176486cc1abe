package pdf

import (
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
)

// printable reports whether s is text the order rules let through to an invoice: GBK,
// no control characters (but newlines where allowed), at most max GBK bytes.
func printable(s string, max int, newlines bool) bool {
	for _, r := range s {
		if r < 0x20 && !(newlines && r == '\n') || r == 0x7f {
			return false
		}
	}
	n, _, ok := invoice.GBKLen(s)
	return ok && n <= max
}

// Whatever text passes the order rules prints, with any amount: no character is missing
// from the fonts, no field leaves its cell or runs into another.
func FuzzLayoutPrintsAnyValidText(f *testing.F) {
	f.Add("软件开发服务", "V2.0", "厦门示例科技有限公司", "合同号 HT-2026-001\n第二行", int64(1_000_000))
	f.Add(strings.Repeat("鑫", 40), strings.Repeat("W", 36), strings.Repeat("龘", 50), strings.Repeat("≒", 115), int64(-987_654_321_099))
	f.Add("ⅰⅱ㈠①㊣€ǹ䶮⿰", "Ω·—", "ぁァБб", "\n\n\n", int64(5))
	f.Fuzz(func(t *testing.T, name, spec, buyer, remark string, amount int64) {
		if !printable(name, 80, false) || !printable(spec, 36, false) ||
			!printable(buyer, 100, false) || !printable(remark, 230, true) {
			return
		}
		blue, err := samples()
		if err != nil {
			t.Fatal(err)
		}
		inv := *blue[0].inv
		inv.Lines = append([]invoice.Line(nil), inv.Lines...)
		inv.Lines[0].Name, inv.Lines[0].Spec = name, spec
		// Any amount up to ±99 亿 (far past any device's per-invoice limit).
		inv.Lines[0].Amount = invoice.Money(amount % 1_000_000_000_000)
		inv.Buyer.Name, inv.Remark = buyer, remark
		d, err := Layout(&inv, Options{Seal: true})
		if err != nil {
			t.Fatalf("valid text does not print: %v", err)
		}
		for _, b := range overflows(d.Pages[0]) {
			t.Error(b)
		}
	})
}
