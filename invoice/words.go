package invoice

import "strings"

var (
	cnDigits = []rune("零壹贰叁肆伍陆柒捌玖")
	cnUnits  = []string{"", "拾", "佰", "仟"}
)

// Words writes an amount in capital numerals as printed in 价税合计（大写）(docs/rules.md "Capital numerals"):
// 10070.00 is 壹万零柒拾圆整, 0.05 is 伍分. A negative amount, on a red invoice, is
// prefixed with (负数).
func Words(m Money) string {
	var b strings.Builder
	if m < 0 {
		b.WriteString("(负数)")
	}
	yuan, jiao, fen := m.Yuan(), m.Fen()/10, m.Fen()%10
	if yuan > 0 {
		writeInteger(&b, yuan)
		b.WriteString("圆")
	}
	switch {
	case jiao == 0 && fen == 0:
		if yuan == 0 {
			b.WriteString("零圆")
		}
		b.WriteString("整")
	case fen == 0:
		b.WriteRune(cnDigits[jiao])
		b.WriteString("角整")
	default:
		if jiao > 0 {
			b.WriteRune(cnDigits[jiao])
			b.WriteString("角")
		} else if yuan > 0 {
			b.WriteString("零")
		}
		b.WriteRune(cnDigits[fen])
		b.WriteString("分")
	}
	return b.String()
}

// writeInteger writes n > 0 in sections of four digits: 亿 above 万 above units, the
// part above 亿 written recursively so that 壹万贰仟亿 works too.
func writeInteger(b *strings.Builder, n int64) {
	const yi, wan = 100_000_000, 10_000
	if n >= yi {
		writeInteger(b, n/yi)
		b.WriteString("亿")
		writeRest(b, n%yi, yi)
		return
	}
	if n >= wan {
		writeSection(b, n/wan)
		b.WriteString("万")
		writeRest(b, n%wan, wan)
		return
	}
	writeSection(b, n)
}

// writeRest writes the lower part after a section unit. One 零 stands for the zeros
// between: needed when the lower part does not fill its leading digit, i.e. when the
// next non-zero section is below 1000 or a whole section between is zero.
func writeRest(b *strings.Builder, rest, unit int64) {
	if rest == 0 {
		return
	}
	if rest < unit/10 {
		b.WriteString("零")
	}
	writeInteger(b, rest)
}

// writeSection writes 1 ≤ n ≤ 9999: zeros inside collapse to one 零, trailing zeros
// are dropped.
func writeSection(b *strings.Builder, n int64) {
	digits := [4]int64{n / 1000, n / 100 % 10, n / 10 % 10, n % 10}
	started, zero := false, false
	for i, d := range digits {
		if d == 0 {
			zero = started
			continue
		}
		if zero {
			b.WriteString("零")
			zero = false
		}
		b.WriteRune(cnDigits[d])
		b.WriteString(cnUnits[3-i])
		started = true
	}
}
