package ui

import (
	"strings"

	"fyne.io/fyne/v2/lang"
)

// What scripts/gui-nodevice.sh drives in the real window through main's hidden
// --selftest-nodevice: the invoice list, a preview, a PDF export and whether issuing is
// offered, as the clerk would see them. Each runs on the UI goroutine (fyne.Do).

// Banner returns the banner's text, empty when it is hidden.
func (u *UI) Banner() string {
	if !u.banner.content.Visible() {
		return ""
	}
	return strings.ReplaceAll(u.banner.text.Text+" "+u.banner.hint.Text, "\n", " ")
}

// CanIssue reports whether the issue form's button and the inbox's batch are offered:
// not while the device is away.
func (u *UI) CanIssue() bool { return u.deviceReady() }

// ListedInvoices shows the invoice list and returns how many invoices it lists.
func (u *UI) ListedInvoices() int {
	u.ShowInvoices()
	u.list.reload()
	return len(u.list.records)
}

// PreviewFirst selects the newest invoice of the list and opens its preview.
func (u *UI) PreviewFirst() bool {
	if len(u.list.records) == 0 {
		return false
	}
	u.list.show(u.list.records[0])
	showPreview(u.win, lang.L("发票预览"), u.list.selected.Invoice, nil)
	return true
}

// ExportPDFs writes the listed invoices' PDFs into a zip (or folder) at path, as the
// list's export does, and returns how many.
func (u *UI) ExportPDFs(path string) (int, error) { return u.list.exportCount(path, exportPDF) }
