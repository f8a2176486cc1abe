package invoice

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// The table of docs/rules.md "Capital numerals", and the cases of each zero rule.
func TestWordsRulesTable(t *testing.T) {
	cases := []struct {
		amount string
		words  string
	}{
		{"0.00", "零圆整"},
		{"0.05", "伍分"},
		{"0.50", "伍角整"},
		{"1.00", "壹圆整"},
		{"10.07", "壹拾圆零柒分"},
		{"6408.00", "陆仟肆佰零捌圆整"},
		{"107000.00", "壹拾万柒仟圆整"},
		{"420001.00", "肆拾贰万零壹圆整"},
		{"17657.07", "壹万柒仟陆佰伍拾柒圆零柒分"},
		{"1299.99", "壹仟贰佰玖拾玖圆玖角玖分"},
		{"36582.50", "叁万陆仟伍佰捌拾贰圆伍角整"},
		{"100000000.00", "壹亿圆整"},
		{"1000000001.01", "壹拾亿零壹圆零壹分"},
		{"-113.00", "(负数)壹佰壹拾叁圆整"},
		// The rules' worked examples of the zero between sections.
		{"100000001.00", "壹亿零壹圆整"},
		{"1000001000.00", "壹拾亿零壹仟圆整"},
		// From the example orders.
		{"10070.00", "壹万零柒拾圆整"},
		{"11401.70", "壹万壹仟肆佰零壹圆柒角整"},
		{"1357.33", "壹仟叁佰伍拾柒圆叁角叁分"},
	}
	for _, c := range cases {
		t.Run(c.amount, func(t *testing.T) {
			if got := Words(money(t, c.amount)); got != c.words {
				t.Errorf("Words(%s) = %s, want %s", c.amount, got, c.words)
			}
		})
	}
}

func TestWordsZeroRules(t *testing.T) {
	cases := []struct{ amount, words, rule string }{
		{"1001.00", "壹仟零壹圆整", "zeros inside a section collapse to one 零"},
		{"1010.00", "壹仟零壹拾圆整", "a zero inside, trailing zero dropped"},
		{"10001000.00", "壹仟万壹仟圆整", "no 零 when the next section is 1000 or more"},
		{"10000100.00", "壹仟万零壹佰圆整", "one 零 when the next section is below 1000"},
		{"1200000000000.00", "壹万贰仟亿圆整", "sections above 亿 are written recursively"},
		{"0.55", "伍角伍分", "nothing follows 分"},
		{"5.05", "伍圆零伍分", "角 zero with 分 and 圆: 零 before 分"},
		{"5.50", "伍圆伍角整", "整 after 角"},
		{"-0.05", "(负数)伍分", "a red amount under one yuan"},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			if got := Words(money(t, c.amount)); got != c.words {
				t.Errorf("Words(%s) = %s, want %s", c.amount, got, c.words)
			}
		})
	}
}

func ExampleWords() {
	for _, s := range []string{"10070.00", "0.05", "1000000001.01", "-113.00"} {
		m, _ := ParseMoney(s)
		fmt.Println(s, Words(m))
	}
	// Output:
	// 10070.00 壹万零柒拾圆整
	// 0.05 伍分
	// 1000000001.01 壹拾亿零壹圆零壹分
	// -113.00 (负数)壹佰壹拾叁圆整
}

// The extremes of Money are worded, not a panic: -MinInt64 does not fit in an int64, so
// the split into yuan and fen works on the magnitude as unsigned.
func TestWordsExtremes(t *testing.T) {
	lo, hi := Words(Money(math.MinInt64)), Words(Money(math.MaxInt64))
	if !strings.HasPrefix(lo, "(负数)") || !strings.HasSuffix(lo, "零捌分") {
		t.Errorf("Words(MinInt64) = %s", lo)
	}
	if !strings.HasSuffix(hi, "零柒分") || strings.TrimPrefix(lo, "(负数)")[:12] != hi[:12] {
		t.Errorf("Words(MaxInt64) = %s, Words(MinInt64) = %s", hi, lo)
	}
}
