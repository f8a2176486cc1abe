package pdf

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/shopspring/decimal"
)

func ExampleRegionOf() {
	fmt.Println(RegionOf("035020026011")) // 厦门: a city with its own tax bureau
	fmt.Println(RegionOf("035010026011")) // elsewhere in Fujian
	fmt.Println(RegionOf("044030026011")) // 深圳
	fmt.Printf("%q\n", RegionOf("099990026011"))
	// Output:
	// 厦门
	// 福建
	// 深圳
	// ""
}

func TestQuantityAndPricePrintWithoutTrailingZerosAndEveryDigitTheyHold(t *testing.T) {
	for in, want := range map[string]string{
		"1": "1", "2.50": "2.5", "3.33333333": "3.33333333", "0.00000001": "0.00000001",
		"0.00008849558": "0.00008849558", // a price that needs more than 8 places (docs/rules.md)
		"120.50000000":  "120.5", "-2": "-2", "0": "", "1000000": "1000000",
	} {
		if got := decimalText(decimal.RequireFromString(in)); got != want {
			t.Errorf("%s prints %q, want %q", in, got, want)
		}
	}
}

func TestCheckCodePrintsInGroupsOfFive(t *testing.T) {
	if got := checkCodeText("17602940807063740560"); got != "17602 94080 70637 40560" {
		t.Fatalf("got %q", got)
	}
}

func TestCipherPrintsAsFourLinesOf27(t *testing.T) {
	cipher := strings.Repeat("0123456789+-*/<>", 7)[:108]
	lines := cipherLines(cipher)
	if len(lines) != 4 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		if len(l) != 27 || l != cipher[27*i:27*i+27] {
			t.Errorf("line %d is %q", i, l)
		}
	}
}

func TestTitleNamesTheRegionAndKind(t *testing.T) {
	if got := title("厦门", invoice.KindOrdinary); got != "厦门增值税电子普通发票" {
		t.Errorf("got %s", got)
	}
	if got := title("", invoice.KindOrdinary); got != "增值税电子普通发票" {
		t.Errorf("without a region: got %s", got)
	}
}

func TestDateAndAmountsPrintAsOnTheInvoice(t *testing.T) {
	inv := mustSamples(t)[1].inv // red
	if got := dateText(inv); got != "2026年11月26日" {
		t.Errorf("date %s", got)
	}
	if got := yuan(inv.Totals().Total); got != "¥-11401.70" {
		t.Errorf("red total %s", got)
	}
}
