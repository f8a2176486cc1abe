package workstation

import (
	"os"
	"path/filepath"
)

// defaultDataDir is %LOCALAPPDATA%\Kaipiao: the store, the device key and the PDFs
// belong to this PC (the device is plugged in here), not in the roaming profile that
// os.UserConfigDir (%APPDATA%) names and that a domain may copy between PCs at each
// log-on. Versions before this one used %APPDATA%\kaipiao: a store found there is moved.
func defaultDataDir() string {
	local := os.Getenv("LOCALAPPDATA")
	if local == "" {
		return "kaipiao-data"
	}
	dir := filepath.Join(local, "Kaipiao")
	if roaming, err := os.UserConfigDir(); err == nil {
		return moveDataDir(filepath.Join(roaming, "kaipiao"), dir)
	}
	return dir
}
