package pdf

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
)

// Invoice text is validated as GBK (rules.md §4), so every GBK character must print.
func TestFontsDrawEveryGBKCharacter(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	count := 0
	for r := rune(0x20); r < 0x10000; r++ {
		if r == 0x7f || !invoice.InGBK(r) {
			continue
		}
		count++
		if !fs.has(r) {
			missing = append(missing, fmt.Sprintf("%U %c", r, r))
		}
	}
	if count < 21_000 {
		t.Fatalf("only %d GBK characters enumerated; the check proves nothing", count)
	}
	if len(missing) > 0 {
		t.Fatalf("%d of %d GBK characters have no glyph: %s", len(missing), count, strings.Join(missing, ", "))
	}
	for _, r := range "ⓧ¥￥（）：、" {
		if !fs.has(r) {
			t.Errorf("the form's own character %q has no glyph", r)
		}
	}
}

func TestACharacterNoFontHasIsAnErrorNotABlank(t *testing.T) {
	inv := mustSamples(t)[0].inv
	bad := *inv
	bad.Buyer.Name = "示例公司\U0001F600" // an emoji: outside GBK, outside the fonts
	_, err := Render(&bad, Options{})
	if !errors.Is(err, ErrMissingGlyph) {
		t.Fatalf("got %v, want ErrMissingGlyph", err)
	}
	if !strings.Contains(err.Error(), "U+1F600") {
		t.Errorf("the error does not name the character: %v", err)
	}
	if _, err := Preview(&bad, Options{}, 50); !errors.Is(err, ErrMissingGlyph) {
		t.Errorf("preview: got %v, want ErrMissingGlyph", err)
	}
}
