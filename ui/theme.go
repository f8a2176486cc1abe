package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/kaipiao/kaipiao/assets"
)

// kaipiaoTheme is Fyne's default theme with a CJK font: Fyne's own fonts have no Chinese
// glyphs. The font is the invoice's (Noto Serif SC cut to GBK, a TrueType file, not a
// .ttc, which Fyne 2.7 cannot load), so the screen shows exactly what can be printed.
type kaipiaoTheme struct {
	font    fyne.Resource
	forced  bool              // a variant was chosen, rather than the system's
	variant fyne.ThemeVariant // the chosen variant
}

// NewTheme returns the workstation's theme; dark forces the dark variant, light the
// light one, and neither follows the system.
func NewTheme(dark, light bool) fyne.Theme {
	t := &kaipiaoTheme{font: fyne.NewStaticResource("NotoSerifSC-GBK.ttf", assets.SerifFont())}
	switch {
	case dark:
		t.forced, t.variant = true, theme.VariantDark
	case light:
		t.forced, t.variant = true, theme.VariantLight
	}
	return t
}

func (t *kaipiaoTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.forced {
		v = t.variant
	}
	// A focus the clerk can see on every control: Fyne's default tint is too faint on
	// a primary button to tell which one Enter will press.
	if n == theme.ColorNameFocus {
		if v == theme.VariantDark {
			return color.NRGBA{R: 0xff, G: 0xc1, B: 0x07, A: 0x70}
		}
		return color.NRGBA{R: 0xe6, G: 0x7e, B: 0x00, A: 0x66}
	}
	return theme.DefaultTheme().Color(n, v)
}

func (t *kaipiaoTheme) Font(fyne.TextStyle) fyne.Resource { return t.font }

func (t *kaipiaoTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (t *kaipiaoTheme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }
