package ui

import (
	"github.com/kaipiao/kaipiao/orderfile"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// openFile asks the clerk for a file with one of the extensions, reads it whole and hands
// its name and bytes to use; an error reading it, or from use, is shown in a dialog.
func openFile(win fyne.Window, exts []string, use func(name string, data []byte) error) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		// Bounded: an order file or master-data workbook over orderfile.MaxFileBytes is
		// refused unread.
		data, err := orderfile.ReadAll(r.URI().Name(), r)
		if err == nil {
			err = use(r.URI().Name(), data)
		}
		if err != nil {
			showError(win, err)
		}
	}, win)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	inDocuments(d).Show()
}
