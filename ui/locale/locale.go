// Package locale keeps Fyne from tripping over the C locale. Fyne picks its language
// from LC_ALL, LC_MESSAGES or LANG when its lang package initialises, and logs "Error
// parsing user locale C" for C.UTF-8, the default of containers and services. This
// package has no imports but os, so Go's initialisation order (by import path among the
// packages ready) runs it before fyne.io/fyne/v2/lang, whose dependencies it lacks; it
// replaces a C or POSIX locale with Chinese, the workstation's language.
package locale

import (
	"os"
	"strings"
)

// Chinese is the locale that replaces C and POSIX.
const Chinese = "zh_CN.UTF-8"

func init() { FixC() }

// FixC replaces a C, C.UTF-8 or POSIX locale, or none, with Chinese in the variable that
// decides it. It reports whether it changed anything.
func FixC() bool {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		l := os.Getenv(v)
		if l == "" {
			continue
		}
		if l == "C" || l == "POSIX" || strings.HasPrefix(l, "C.") {
			os.Setenv(v, Chinese)
			return true
		}
		return false
	}
	os.Setenv("LANG", Chinese)
	return true
}
