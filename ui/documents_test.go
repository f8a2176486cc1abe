//go:build !windows

package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// A file dialog opens in the clerk's Documents folder; once a folder has been used, in
// that one. The dialog's breadcrumb shows the folder it opened in.
func TestFileDialogsStartInDocuments(t *testing.T) {
	a := test.NewTempApp(t)
	docs := filepath.Join(t.TempDir(), "MyDocuments")
	if err := os.Mkdir(docs, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_DOCUMENTS_DIR", docs)
	opensIn := func() map[string]bool {
		w := test.NewWindow(nil)
		w.Resize(fyne.NewSize(1000, 700))
		defer w.Close()
		inDocuments(dialog.NewFileOpen(func(fyne.URIReadCloser, error) {}, w)).Show()
		crumbs := map[string]bool{}
		for _, o := range w.Canvas().Overlays().List() {
			walkAll(o, func(o fyne.CanvasObject) {
				if b, ok := o.(*widget.Button); ok {
					crumbs[b.Text] = true
				}
			})
		}
		return crumbs
	}
	if crumbs := opensIn(); !crumbs["MyDocuments"] {
		t.Fatalf("the dialog did not open in %s: its buttons are %v", docs, crumbs)
	}
	used := filepath.Join(t.TempDir(), "LastUsed")
	if err := os.Mkdir(used, 0o700); err != nil {
		t.Fatal(err)
	}
	a.Preferences().SetString(lastFolderKey, storage.NewFileURI(used).String())
	if crumbs := opensIn(); !crumbs["LastUsed"] || crumbs["MyDocuments"] {
		t.Fatalf("the dialog did not open in the folder last used, %s: its buttons are %v", used, crumbs)
	}
}
