package ui

import (
	"errors"
	"os"
	"runtime"
	"strings"

	"fyne.io/fyne/v2/lang"
	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/ui/locale"
)

// SetLanguage chooses the screens' language, "zh" (the default) or "en", for the screens
// built after it. Fyne's lang package picks the translation closest to the system's
// locales whenever translations are added, and has no other switch. On Unix the locales
// come from the environment, so this sets LANGUAGE (replacing a C locale first: LANGUAGE
// counts only when the locale is not C) and Fyne's own texts follow too. Windows and
// macOS ask the system instead, so there the chosen file is also registered under the
// system's locale, which the matcher then picks (untested here: no Windows machine).
func SetLanguage(code string) error {
	if code != "en" {
		code = "zh"
	}
	msgLang = invoice.LangOf(code)
	locale.FixC()
	os.Setenv("LANGUAGE", code)
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		return err
	}
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		return nil
	}
	file := "translations/en.json"
	if code == "zh" {
		file = "translations/zh_Hans.json"
	}
	data, err := assets.Translations.ReadFile(file)
	if err != nil {
		return err
	}
	return lang.AddTranslationsForLocale(data, lang.SystemLocale())
}

// msgLang is the language of the message catalogue's texts on the screens (rule errors,
// refusals): the language SetLanguage chose.
var msgLang = invoice.Chinese

// say is the catalogue's message key in the screens' language (docs/errors.md,
// "Messages"): the screens word errors through the catalogue, as kaipiaoctl does.
func say(key string, args invoice.Args) string { return invoice.Say(msgLang, key, args) }

// clerkMessage is an error as the clerk reads it, in the screens' language: every rule
// error's message, or the catalogue's wording of a refusal, with its detail.
func clerkMessage(err error) string { return invoice.Explain(msgLang, err) }

// sayAll words the catalogue's messages in the screens' language, as one line.
func sayAll(msgs []invoice.Said) string {
	sep := "；"
	if msgLang == invoice.English {
		sep = "; "
	}
	texts := make([]string, len(msgs))
	for i, m := range msgs {
		texts[i] = m.Text(msgLang)
	}
	return strings.Join(texts, sep)
}

// failed is "what failed: why" in the screens' language: key's message with the error,
// as the clerk reads it, for its {err}.
func failed(key string, err error) error {
	return errors.New(say(key, invoice.Args{"err": clerkMessage(err)}))
}

// localized translates a text that may be empty (an entry without a hint).
func localized(s string) string {
	if s == "" {
		return ""
	}
	return lang.L(s)
}
