package invoice

import (
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// gbkTable is a bitmap of the Basic Multilingual Plane: bit r is set when rune r has a
// GBK encoding. Built once, it turns each check into a table look-up instead of a run of
// the x/text encoder, which matters when a 2,000-line order is validated on every key
// press. GBK has nothing outside the BMP.
var (
	gbkOnce  sync.Once
	gbkTable [0x10000 / 64]uint64
)

func buildGBKTable() {
	enc := simplifiedchinese.GBK.NewEncoder()
	var src [4]byte
	var dst [8]byte
	for r := rune(0); r < 0x10000; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue // surrogates are not characters
		}
		if r < 0x80 {
			gbkTable[r/64] |= 1 << (r % 64)
			continue
		}
		n := utf8.EncodeRune(src[:], r)
		enc.Reset()
		if _, _, err := enc.Transform(dst[:], src[:n], true); err == nil {
			gbkTable[r/64] |= 1 << (r % 64)
		}
	}
}

// InGBK reports whether r can be written in GBK, the tax system's character set.
func InGBK(r rune) bool {
	if r < 0 || r >= 0x10000 || r == utf8.RuneError {
		return false
	}
	gbkOnce.Do(buildGBKTable)
	return gbkTable[r/64]&(1<<(r%64)) != 0
}

// GBKLen returns the length of s in GBK bytes (1 for ASCII, 2 otherwise) and, when s
// holds a character GBK lacks, the first such character with ok false.
func GBKLen(s string) (n int, bad rune, ok bool) {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return n, r, false // invalid UTF-8, not a literal U+FFFD
			}
		}
		if r < 0x80 {
			n++
			continue
		}
		if !InGBK(r) {
			return n, r, false
		}
		n += 2
	}
	return n, 0, true
}
