package ui

import (
	"os"

	"fyne.io/fyne/v2/lang"
	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/ui/locale"
)

// Languages are those SetLanguage accepts: Chinese, the default, and English.
var Languages = []string{"zh", "en"}

// SetLanguage chooses the screens' language, "zh" or "en", for the screens built after
// it. Fyne's lang package reads the language from the environment whenever translations
// are added and has no other switch, so this sets LANGUAGE and loads the translations
// again.
func SetLanguage(code string) error {
	if code != "en" {
		code = "zh"
	}
	locale.FixC() // LANGUAGE counts only when the locale is not C
	os.Setenv("LANGUAGE", code)
	return lang.AddTranslationsFS(assets.Translations, "translations")
}

// localized translates a text that may be empty (an entry without a hint).
func localized(s string) string {
	if s == "" {
		return ""
	}
	return lang.L(s)
}
