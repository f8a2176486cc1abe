package ui

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// lastFolderKey is where Fyne's file dialogs remember the last folder the clerk used.
const lastFolderKey = "fyne:fileDialogLastFolder"

// inDocuments makes a file dialog start in the user's Documents folder (on Windows the
// known folder, which may be redirected, e.g. to OneDrive), where a clerk keeps and looks
// for files, rather than in the profile folder Fyne would open. Once the clerk has used
// a folder, Fyne's memory of it wins. It returns d.
func inDocuments(d *dialog.FileDialog) *dialog.FileDialog {
	if a := fyne.CurrentApp(); a != nil && a.Preferences().String(lastFolderKey) != "" {
		return d
	}
	dir := documentsDir()
	if dir == "" {
		return d
	}
	if _, err := os.Stat(dir); err != nil {
		return d
	}
	if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		d.SetLocation(l)
	}
	return d
}
