//go:build !windows

package workstation

import (
	"os"
	"path/filepath"
)

// defaultDataDir is the user's configuration folder + /kaipiao (~/.config/kaipiao).
func defaultDataDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "kaipiao-data"
	}
	return filepath.Join(dir, "kaipiao")
}
