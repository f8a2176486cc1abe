//go:build !windows

package ui

import (
	"os"
	"path/filepath"
)

// documentsDir is XDG_DOCUMENTS_DIR, else ~/Documents ("" when there is none; then the
// dialog opens where Fyne chooses).
func documentsDir() string {
	if d := os.Getenv("XDG_DOCUMENTS_DIR"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, "Documents")
}
