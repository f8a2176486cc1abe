package ui

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/export"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/workstation"
)

// Export kinds of the invoice list.
const (
	exportXLSX = "xlsx"
	exportCSV  = "csv"
	exportPDF  = "pdf" // a folder, or a .zip when the path ends so
	exportOFD  = "ofd" // likewise
)

// allRecords is every invoice the list's filter selects, all pages, newest first.
func (l *invoiceList) allRecords() ([]*workstation.Record, error) {
	q := l.query()
	q.Limit = 500
	return l.u.ws.Service.ListAll(q)
}

// exportTo writes the filtered invoices, all pages, to path: an Excel or CSV list (kind
// xlsx, csv), or their PDFs (kind pdf) into a folder or a .zip.
func (l *invoiceList) exportTo(path, kind string) error {
	_, err := l.exportCount(path, kind)
	return err
}

// exportCount is exportTo, returning how many invoices it wrote.
func (l *invoiceList) exportCount(path, kind string) (int, error) {
	recs, err := l.allRecords()
	if err != nil {
		return 0, err
	}
	if len(recs) == 0 {
		return 0, errors.New(say("export.none", nil))
	}
	switch kind {
	case exportXLSX, exportCSV:
		var buf bytes.Buffer
		if kind == exportXLSX {
			err = export.WriteListXLSX(&buf, recs, invoice.Beijing)
		} else {
			err = export.WriteListCSV(&buf, recs, invoice.Beijing)
		}
		if err != nil {
			return 0, err
		}
		return len(recs), writeFileAtomic(path, buf.Bytes())
	case exportPDF:
		_, err := export.WritePDFs(path, recs, renderer(l.u.ws))
		return len(recs), err
	case exportOFD:
		_, err := export.WriteOFDs(path, recs, ofdRenderer(l.u.ws))
		return len(recs), err
	}
	return 0, fmt.Errorf("unknown export kind %q", kind)
}

// renderer is the service's PDF renderer: signed with the seller's seal where the
// workstation has one.
func renderer(ws *Workstation) export.Render { return ws.Service.RenderPDF }

// ofdRenderer is the service's OFD renderer: sealed where the workstation has a seal.
func ofdRenderer(ws *Workstation) export.Render { return ws.Service.RenderOFD }

// exportButtons are the list's export buttons: Excel, CSV, PDF, OFD.
func (l *invoiceList) exportButtons() []fyne.CanvasObject {
	return []fyne.CanvasObject{
		widget.NewButton(lang.L("导出Excel"), func() { l.askExportFile(exportXLSX) }),
		widget.NewButton(lang.L("导出CSV"), func() { l.askExportFile(exportCSV) }),
		widget.NewButton(lang.L("导出PDF"), func() { l.askExportLayouts(exportPDF) }),
		widget.NewButton(lang.L("导出OFD"), func() { l.askExportLayouts(exportOFD) }),
	}
}

// askExportFile asks where the list goes and writes it.
func (l *invoiceList) askExportFile(kind string) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		l.export(path, kind)
	}, l.u.win)
	// The file names stay Chinese in the English window too: they are what a Chinese tax
	// office or accountant expects to receive.
	d.SetFileName(l.u.ws.Now().In(invoice.Beijing).Format("发票清单_20060102") + "." + kind)
	d.SetFilter(storage.NewExtensionFileFilter([]string{"." + kind}))
	inDocuments(d).Show()
}

// askExportLayouts asks whether the PDFs (or OFDs, kind) go into a .zip or a folder,
// then where.
func (l *invoiceList) askExportLayouts(kind string) {
	name := strings.ToUpper(kind)
	title, label := lang.L("导出PDF"), lang.L("筛选出的发票的PDF导出到：")
	if kind == exportOFD {
		title, label = lang.L("导出OFD"), lang.L("筛选出的发票的OFD导出到：")
	}
	var choice dialog.Dialog
	zipBtn := widget.NewButton(lang.L("压缩包 (.zip)"), func() {
		choice.Hide()
		d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil || w == nil {
				return
			}
			path := w.URI().Path()
			w.Close()
			if !strings.HasSuffix(strings.ToLower(path), ".zip") {
				path += ".zip"
			}
			l.export(path, kind)
		}, l.u.win)
		d.SetFileName(l.u.ws.Now().In(invoice.Beijing).Format("发票"+name+"_20060102") + ".zip") // Chinese, as above
		d.SetFilter(storage.NewExtensionFileFilter([]string{".zip"}))
		inDocuments(d).Show()
	})
	folderBtn := widget.NewButton(lang.L("文件夹"), func() {
		choice.Hide()
		inDocuments(dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
			if err != nil || dir == nil {
				return
			}
			l.export(dir.Path(), kind)
		}, l.u.win)).Show()
	})
	choice = dialog.NewCustom(title, lang.L("取消"), container.NewVBox(
		widget.NewLabel(label), container.NewHBox(zipBtn, folderBtn)), l.u.win)
	choice.Show()
}

// export writes the export and tells the clerk where it went.
func (l *invoiceList) export(path, kind string) {
	n, err := l.exportCount(path, kind)
	if err != nil {
		showError(l.u.win, failed("export.failed", err))
		return
	}
	showInfo(l.u.win, lang.L("已导出"), lang.L("{{.N}} 张发票 → {{.Path}}", map[string]any{"N": n, "Path": path}))
}
