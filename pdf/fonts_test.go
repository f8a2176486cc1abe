package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
)

// Invoice text is validated as GBK (docs/rules.md "Texts"), so every GBK character must print.
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

// ≒ is the one GBK character Noto Serif SC lacks; the symbol face draws it, embedded as
// a second subset, and it still extracts as text.
func TestFallbackFaceDrawsWhatTheSerifLacks(t *testing.T) {
	s := mustSamples(t)[0]
	inv := *s.inv
	inv.Remark = "单价≒市场价"
	_, path := signed(t, sample{"fallback", &inv})
	fonts := mustTool(t, "pdffonts", path)
	rows := pdffontsRow.FindAllStringSubmatch(fonts, -1)
	if len(rows) != 2 || rows[1][2] != "KaipiaoSymbols" || rows[1][3] != "yes" || rows[1][4] != "yes" {
		t.Fatalf("want the serif and the symbol face, both embedded subsets:\n%s", fonts)
	}
	if text := mustTool(t, "pdftotext", path, "-"); !strings.Contains(text, "单价≒市场价") {
		t.Errorf("pdftotext does not find the remark with ≒:\n%s", text)
	}
}

// gopdf's SplitText never returns when the width is below one glyph; wrap must put
// one character on each line instead.
func TestWrapNarrowerThanAGlyphStillEnds(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	b := &builder{fs: fs, page: &Page{}}
	got := b.wrap("发票ab", 0.1, 9)
	if strings.Join(got, "|") != "发|票|a|b" {
		t.Fatalf("got %q", got)
	}
}

func TestConcurrentRendersShareTheFontsSafely(t *testing.T) {
	ss := mustSamples(t)
	want := make([][]byte, len(ss))
	for i, s := range ss {
		var err error
		if want[i], err = Render(s.inv, Options{Seal: true}); err != nil {
			t.Fatal(err)
		}
	}
	errs := make(chan error, 4*len(ss))
	for range 4 {
		for i, s := range ss {
			go func() {
				got, err := Render(s.inv, Options{Seal: true})
				if err == nil && !bytes.Equal(got, want[i]) {
					err = fmt.Errorf("%s: concurrent render differs", s.name)
				}
				errs <- err
			}()
		}
	}
	for range 4 * len(ss) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
