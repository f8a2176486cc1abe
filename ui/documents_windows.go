package ui

import "golang.org/x/sys/windows"

// documentsDir is the user's Documents known folder ("" when it cannot be found).
func documentsDir() string {
	dir, err := windows.KnownFolderPath(windows.FOLDERID_Documents, 0)
	if err != nil {
		return ""
	}
	return dir
}
