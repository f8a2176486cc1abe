package assets

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"sync"
)

// The invoice fonts. See fonts/README.md for where they come from, their licences and
// what they cover. The serif font is stored gzipped: 6.1 MB instead of 10.4 in every
// program (what keeps kaipiao.exe small, see docs/windows.md); it is unpacked once, on
// first use (about 0.1 s).
var (
	//go:embed fonts/NotoSerifSC-GBK.ttf.gz
	serifFontGz []byte
	//go:embed fonts/KaipiaoSymbols.ttf
	symbolFont []byte

	serifOnce sync.Once
	serifFont []byte
)

// SerifFont returns Noto Serif SC Regular cut down to GBK (plus ⓧ and ¥): a TrueType
// (glyf) font, SIL Open Font License 1.1. It covers every GBK character but ≒.
// Callers must not modify the slice.
func SerifFont() []byte {
	serifOnce.Do(func() { serifFont = gunzip(serifFontGz) })
	return serifFont
}

// gunzip unpacks embedded data. The data is part of the program, checked by the tests
// that use the font: a failure is a broken build, not a condition to handle.
func gunzip(gz []byte) []byte {
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		panic("assets: embedded gzip data: " + err.Error())
	}
	b, err := io.ReadAll(r)
	if err != nil {
		panic("assets: embedded gzip data: " + err.Error())
	}
	return b
}

// SymbolFont returns the fallback for the one GBK character the serif font lacks (≒
// U+2252): a one-glyph cut of DejaVu Serif renamed Kaipiao Symbols (Bitstream Vera
// licence, which requires the renaming). Callers must not modify the slice.
func SymbolFont() []byte { return symbolFont }
