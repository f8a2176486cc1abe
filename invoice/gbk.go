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
//
// "GBK" is Windows code page 936 exactly, as the devices and the receiving systems use
// it (docs/rules.md "Texts"). x/text's GBK is the WHATWG one, which also maps 80
// characters that GB18030-2005 placed at codes where CP936 has private-use characters
// (㑇, 䶮, ⿰, ǹ, the radicals ⺁…); those codes are excluded here.
var (
	gbkOnce  sync.Once
	gbkTable [0x10000 / 64]uint64
)

// notCP936 reports whether the two-byte GBK code b is one where CP936 has a
// private-use character but x/text's GBK a character of GB18030-2005: 0xA8BF, 0xA989
// to 0xA995 and 0xFE50 to 0xFE9F.
func notCP936(b []byte) bool {
	if len(b) != 2 {
		return false
	}
	c := uint16(b[0])<<8 | uint16(b[1])
	return c == 0xA8BF || c >= 0xA989 && c <= 0xA995 || c >= 0xFE50 && c <= 0xFE9F
}

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
		if nd, _, err := enc.Transform(dst[:], src[:n], true); err == nil && !notCP936(dst[:nd]) {
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

// GBKLen returns the length of s in GBK bytes (1 for ASCII and for €, which CP936
// writes as the single byte 0x80; 2 otherwise) and, when s holds a character GBK lacks,
// the first such character with ok false.
func GBKLen(s string) (n int, bad rune, ok bool) {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return n, r, false // invalid UTF-8, not a literal U+FFFD
			}
		}
		if r < 0x80 || r == '€' {
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
