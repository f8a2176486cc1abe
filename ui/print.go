package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"log"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf"
	"github.com/kaipiao/kaipiao/printing"
	"github.com/kaipiao/kaipiao/workstation"
)

// Preferences that remember the clerk's last printer and paper on this computer
// (printers are the computer's, not the data folder's). Copies start at 1 each time: a
// remembered 5 would print five of the next invoice unasked.
const (
	prefPrinter = "print.printer"
	prefPaper   = "print.paper"
)

// printPreviewDPI draws the first sheet small enough for the dialog.
const printPreviewDPI = 60

// printDialog is the print dialog: printer, paper, copies, which invoices, a preview of
// the first sheet; then the progress of the job and its summary.
type printDialog struct {
	u        *UI
	recs     []*workstation.Record
	picked   []bool
	printers []printing.Printer
	loadErr  error // why there are no printers to choose, if the spooler said

	printer  *widget.Select
	paper    *widget.RadioGroup
	copies   *entry
	list     *widget.List
	count    *widget.Label
	preview  *canvas.Image
	progress *widget.ProgressBar
	stage    string        // what the progress bar says: nothing before a print
	status   *widget.Label // the error, or the summary, in the dialog itself
	ok       *widget.Button
	d        *dialog.CustomDialog
	// done is told the result (nil on failure) when a print ends; for tests.
	done func(*printing.Result, error)
}

// spooler is the workstation's print system: the system's own unless a test gives one.
func (u *UI) spooler() printing.Spooler {
	if u.ws.Printing != nil {
		return u.ws.Printing
	}
	return printing.System()
}

// printButton is the invoice list's 批量打印: every invoice the filter shows, checked.
func (l *invoiceList) printButton() fyne.CanvasObject {
	return widget.NewButton(lang.L("批量打印"), func() { l.showPrint(true) })
}

// showPrint opens the print dialog on the invoices the list's filter shows (all pages),
// with every one checked (all) or only the selected one.
func (l *invoiceList) showPrint(all bool) *printDialog {
	recs, err := l.allRecords()
	if err != nil {
		showError(l.u.win, err)
		return nil
	}
	if len(recs) == 0 {
		showInfo(l.u.win, lang.L("打印"), lang.L("没有符合条件的发票"))
		return nil
	}
	p := &printDialog{u: l.u, recs: recs, picked: make([]bool, len(recs))}
	for i, r := range recs {
		p.picked[i] = all || (l.selected != nil && r.ID == l.selected.ID)
	}
	p.build()
	return p
}

func (p *printDialog) build() {
	u := p.u
	prefs := fyne.CurrentApp().Preferences()
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord
	p.printer = widget.NewSelect(nil, nil)
	p.loadPrinters(prefs.String(prefPrinter))

	labels := make([]string, len(printing.Papers))
	for i, q := range printing.Papers {
		labels[i] = lang.L(q.Label())
	}
	p.paper = widget.NewRadioGroup(labels, func(string) { p.redraw() })
	p.paper.Required = true
	p.paper.SetSelected(labels[0])
	for i, q := range printing.Papers {
		if string(q) == prefs.String(prefPaper) {
			p.paper.SetSelected(labels[i])
		}
	}
	p.copies = newEntry()
	p.copies.SetText("1")
	p.copies.Validator = func(s string) error {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err != nil || n < 1 || n > printing.MaxCopies {
			return errors.New(say("print.copies", invoice.Args{"max": fmt.Sprint(printing.MaxCopies)}))
		}
		return nil
	}

	p.count = widget.NewLabel("")
	p.list = widget.NewList(func() int { return len(p.recs) },
		func() fyne.CanvasObject { return widget.NewCheck("", nil) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*widget.Check)
			r := p.recs[i].Invoice
			c.OnChanged = nil
			c.SetText(fmt.Sprintf("%s  %s  ¥%s", invoiceName(r.Code, r.Number), r.Buyer.Name, r.Totals().Total))
			c.SetChecked(p.picked[i])
			c.OnChanged = func(on bool) { p.picked[i] = on; p.redraw() }
		})
	pickAll := func(on bool) {
		for i := range p.picked {
			p.picked[i] = on
		}
		p.list.Refresh()
		p.redraw()
	}
	// Scroll the list to the first checked invoice: a selection deep in the list.
	for i, on := range p.picked {
		if on {
			p.list.ScrollTo(i)
			break
		}
	}

	p.preview = canvas.NewImageFromImage(nil)
	p.preview.FillMode = canvas.ImageFillContain
	p.preview.SetMinSize(fyne.NewSize(440, 300))
	p.progress = widget.NewProgressBar()
	p.progress.TextFormatter = func() string { return p.stage }
	p.progress.Hide() // an empty bar before a print reads as something stuck
	p.ok = widget.NewButton(lang.L("打印"), p.start)
	p.ok.Importance = widget.HighImportance

	form := widget.NewForm(
		widget.NewFormItem(lang.L("打印机"), p.printer),
		widget.NewFormItem(lang.L("纸张"), p.paper),
		widget.NewFormItem(lang.L("份数"), p.copies),
	)
	invoices := container.NewBorder(
		container.NewHBox(widget.NewLabel(lang.L("发票")), p.count,
			widget.NewButton(lang.L("全选"), func() { pickAll(true) }), widget.NewButton(lang.L("全不选"), func() { pickAll(false) })),
		nil, nil, nil, p.list)
	right := container.NewBorder(widget.NewLabel(lang.L("第一页预览")), nil, nil, nil,
		container.NewStack(canvas.NewRectangle(color.Gray{Y: 0xe8}), container.NewPadded(p.preview)))
	body := container.NewBorder(nil, container.NewVBox(p.progress, p.status), nil, nil,
		container.NewHSplit(container.NewBorder(form, nil, nil, nil, invoices), right))
	cancel := widget.NewButton(lang.L("取消"), func() { p.d.Hide() })
	p.d = dialog.NewCustomWithoutButtons(lang.L("打印发票"), body, u.win)
	p.d.SetButtons([]fyne.CanvasObject{cancel, p.ok})
	p.d.Resize(fyne.NewSize(1100, 640))
	p.redraw()
	p.d.Show()
}

// loadPrinters fills the printer choice, the default first, and selects the one used
// last if it is still there, else the default.
func (p *printDialog) loadPrinters(last string) {
	ps, err := p.u.spooler().Printers(context.Background())
	if err != nil {
		log.Printf("printers: %v", err)
		p.status.SetText(printing.Text(msgLang, err))
	}
	p.printers, p.loadErr = ps, err
	names := make([]string, len(ps))
	sel := 0
	for i, q := range ps {
		names[i] = printerLabel(q)
		if q.Name == last {
			sel = i
		}
	}
	p.printer.SetOptions(names)
	if len(ps) > 0 {
		p.printer.SetSelectedIndex(sel)
	} else if err == nil {
		p.status.SetText(printing.Text(msgLang, &printing.Error{Err: printing.ErrNoPrinters}))
	}
}

// printerLabel is a printer as the clerk chooses it: its name, whether it is the
// default, and what is wrong with it.
func printerLabel(q printing.Printer) string {
	s := q.Name
	if q.Default {
		s += lang.L("（默认）")
	}
	switch q.State {
	case printing.StateStopped:
		s += lang.L("（已暂停）")
	case printing.StateRejecting:
		s += lang.L("（不接收任务）")
	case printing.StateOffline:
		s += lang.L("（脱机）")
	}
	return s
}

// chosen is what the dialog asks for: the checked invoices, in the list's order.
func (p *printDialog) chosen() []*invoice.Invoice {
	var out []*invoice.Invoice
	for i, on := range p.picked {
		if on {
			out = append(out, p.recs[i].Invoice)
		}
	}
	return out
}

func (p *printDialog) paperChoice() printing.Paper {
	for _, q := range printing.Papers {
		if lang.L(q.Label()) == p.paper.Selected {
			return q
		}
	}
	return printing.PaperInvoice
}

// redraw counts the checked invoices and draws the first sheet on the chosen paper.
func (p *printDialog) redraw() {
	if p.count == nil || p.preview == nil {
		return // still building
	}
	invs := p.chosen()
	p.count.SetText(lang.L("已选 {{.N}} 张 / 共 {{.Total}} 张", map[string]any{"N": len(invs), "Total": len(p.recs)}))
	if len(invs) == 0 {
		p.preview.Image = nil
		p.preview.Refresh()
		return
	}
	sheets, err := printing.Sheets(invs[:1], p.paperChoice(), nil)
	if err == nil {
		img, err2 := pdf.DrawPage(&sheets[0], printPreviewDPI)
		if err = err2; err == nil {
			p.preview.Image = img
			p.preview.Refresh()
		}
	}
	if err != nil {
		p.status.SetText(say("preview.failed", invoice.Args{"err": clerkMessage(err)}))
	}
}

// start sends the checked invoices as one job, with the progress shown and the dialog's
// controls held until the spooler answers.
func (p *printDialog) start() {
	invs := p.chosen()
	if len(invs) == 0 {
		p.status.SetText(lang.L("请勾选要打印的发票"))
		return
	}
	if err := p.copies.Validate(); err != nil {
		p.status.SetText(clerkMessage(err))
		return
	}
	copies, _ := strconv.Atoi(strings.TrimSpace(p.copies.Text))
	i := p.printer.SelectedIndex()
	if i < 0 || i >= len(p.printers) {
		err := p.loadErr
		if err == nil {
			err = &printing.Error{Err: printing.ErrNoPrinters}
		}
		p.status.SetText(printing.Text(msgLang, err))
		return
	}
	req := printing.Request{Invoices: invs, Printer: p.printers[i].Name, Paper: p.paperChoice(), Copies: copies}
	p.ok.Disable()
	p.status.SetText(lang.L("正在排版……"))
	p.progress.SetValue(0)
	p.progress.Show()
	req.Progress = func(done, total int) {
		// Laying out is most of the work; the last step is the spooler's.
		onUI(func() {
			p.stage = lang.L("排版 {{.Done}} / {{.Total}} 张", map[string]any{"Done": done, "Total": total})
			p.progress.SetValue(float64(done) / float64(total+1))
		})
	}
	spooler := p.u.spooler()
	go func() {
		res, err := printing.Print(context.Background(), spooler, req)
		if err == nil {
			if aerr := p.u.ws.Service.RecordPrint(res); aerr != nil {
				log.Printf("print: job %s was printed but not recorded in the audit log: %v", res.Job, aerr)
			}
		} else {
			log.Printf("print %d invoices on %q: %v", len(invs), req.Printer, err)
		}
		onUI(func() { p.finish(req, res, err) })
	}()
}

// finish shows how the print ended: the summary (pages, printer, job), or the clerk's
// words for what went wrong, with the dialog left open to choose another printer.
func (p *printDialog) finish(req printing.Request, res *printing.Result, err error) {
	p.ok.Enable()
	if err != nil {
		p.stage = ""
		p.progress.SetValue(0)
		p.progress.Hide()
		p.status.Importance = widget.DangerImportance
		p.status.SetText(printing.Text(msgLang, err))
		p.loadPrinters(req.Printer)
	} else {
		p.stage = lang.L("打印机已接收")
		p.progress.SetValue(1)
		prefs := fyne.CurrentApp().Preferences()
		prefs.SetString(prefPrinter, res.Printer)
		prefs.SetString(prefPaper, string(res.Paper))
		p.status.Importance = widget.SuccessImportance
		p.status.SetText(printSummary(res))
	}
	if p.done != nil {
		p.done(res, err)
	}
}

// printSummary is what the clerk reads after a print the spooler accepted.
func printSummary(r *printing.Result) string {
	return lang.L("已发送 {{.Pages}} 页到打印机 {{.Printer}}（{{.N}} 张发票 × {{.Copies}} 份，任务 {{.Job}}）",
		map[string]any{"Pages": r.Pages, "Printer": r.Printer, "N": len(r.Invoices), "Copies": r.Copies, "Job": r.Job})
}
