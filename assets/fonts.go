package assets

import _ "embed"

// The invoice fonts. See fonts/README.md for where they come from, their licences and
// what they cover.
var (
	//go:embed fonts/NotoSerifSC-GBK.ttf
	serifFont []byte
	//go:embed fonts/KaipiaoSymbols.ttf
	symbolFont []byte
)

// SerifFont returns Noto Serif SC Regular cut down to GBK (plus ⓧ and ¥): a TrueType
// (glyf) font, SIL Open Font License 1.1. It covers every GBK character but ≒.
// Callers must not modify the slice.
func SerifFont() []byte { return serifFont }

// SymbolFont returns the fallback for the one GBK character the serif font lacks (≒
// U+2252): a one-glyph cut of DejaVu Serif renamed Kaipiao Symbols (Bitstream Vera
// licence, which requires the renaming). Callers must not modify the slice.
func SymbolFont() []byte { return symbolFont }
