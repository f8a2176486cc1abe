package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/orderfile"
)

// inbox is the orders waiting to be invoiced: imported from a file, or pulled from the
// platform. Every order is checked at once, so the clerk sees each row's errors before
// anything is issued; the valid ones are issued as one batch, with a progress bar that
// can be cancelled between invoices.
type inbox struct {
	u       *UI
	content fyne.CanvasObject

	entries  []*inboxEntry
	table    *selectTable
	detail   *widget.Label
	summary  *widget.Label
	progress *gauge
	issueBtn *widget.Button
	cancel   *widget.Button
	stop     context.CancelFunc // cancels the running batch; nil when none runs
	// mapping is the saved column mapping the import uses (the first choice: the file's
	// own headers); merge joins one buyer's orders into one invoice.
	mapping *widget.Select
	merge   *widget.Check
	// batchDone, when set, runs on the UI goroutine after each batch ends (IssueInbox).
	batchDone func()
}

// inboxEntry is one order and what became of it.
type inboxEntry struct {
	order   *invoice.Order
	source  string
	checked *invoice.Checked
	errs    invoice.Errors
	issued  []invoice.Outcome
	failed  error
}

func (e *inboxEntry) status() string {
	switch {
	case len(e.issued) > 0:
		if e.issued[0].Replayed {
			return lang.L("已开具（重复订单）")
		}
		return lang.L("已开具 {{.N}} 张", map[string]any{"N": len(e.issued)})
	case e.failed != nil:
		return lang.L("未开具")
	case e.errs != nil:
		return lang.L("{{.N}} 处错误", map[string]any{"N": len(e.errs)})
	case e.checked != nil && len(e.checked.Parts) > 1:
		return lang.L("待开具（拆分 {{.N}} 张）", map[string]any{"N": len(e.checked.Parts)})
	}
	return lang.L("待开具")
}

var inboxColumns = []struct {
	title string
	width float32
	cell  func(e *inboxEntry) string
}{
	{"订单号", 180, func(e *inboxEntry) string { return e.order.OrderID }},
	{"来源", 140, func(e *inboxEntry) string { return e.source }},
	{"购买方", 240, func(e *inboxEntry) string { return e.order.Buyer.Name }},
	{"行数", 60, func(e *inboxEntry) string { return fmt.Sprint(len(e.order.Lines)) }},
	{"价税合计", 120, func(e *inboxEntry) string {
		if e.checked == nil {
			return "—"
		}
		return yuan(e.checked.Invoice.Totals().Total, false)
	}},
	{"状态", 180, func(e *inboxEntry) string { return e.status() }},
}

func newInbox(u *UI) *inbox {
	b := &inbox{u: u, detail: widget.NewLabel(""), summary: widget.NewLabel(""), progress: newGauge()}
	b.detail.Wrapping = fyne.TextWrapWord
	b.detail.Importance = widget.DangerImportance
	b.table = newTable(func() int { return len(b.entries) }, len(inboxColumns),
		func(r, c int) string { return inboxColumns[c].cell(b.entries[r]) },
		func(c int) (string, float32) { return inboxColumns[c].title, inboxColumns[c].width },
		func(r int) { b.showDetail(b.entries[r]) })
	importBtn := widget.NewButton(lang.L("导入订单 (Excel/CSV/JSON)"), b.askImport)
	pullBtn := widget.NewButton(lang.L("平台订单"), b.loadPulled)
	b.issueBtn = widget.NewButton(lang.L("批量开具"), b.issueAll)
	b.issueBtn.Importance = widget.HighImportance
	b.cancel = widget.NewButton(lang.L("取消"), func() {
		if b.stop != nil {
			b.stop()
		}
	})
	b.cancel.Disable()
	b.issueBtn.Disable()
	// The orders above, the selected one's errors below, the split movable by the clerk.
	split := container.NewVSplit(b.table, container.NewBorder(
		container.NewVBox(b.summary, b.progress, container.NewHBox(b.issueBtn, b.cancel)), nil, nil, nil,
		container.NewVScroll(b.detail)))
	split.Offset = 0.65
	b.mapping = widget.NewSelect(nil, nil)
	// Fyne sizes a select by its placeholder, never shown here (a choice is always made):
	// the first choice, when wider, so that "The file's own headers" shows whole.
	if first := lang.L("文件原表头"); textWidth(first) > textWidth(b.mapping.PlaceHolder) {
		b.mapping.PlaceHolder = first
	}
	b.reloadMappings()
	b.merge = widget.NewCheck(lang.L("按购买方合并"), nil)
	templateBtn := widget.NewButton(lang.L("下载模板"), b.askTemplate)
	editMapping := widget.NewButton(lang.L("设置列对应"), b.askMappingFile)
	b.content = container.NewBorder(container.NewHBox(importBtn, widget.NewLabel(lang.L("列对应")), b.mapping, editMapping, b.merge,
		templateBtn, pullBtn), nil, nil, nil, split)
	return b
}

// askImport lets the clerk choose a file of orders.
func (b *inbox) askImport() {
	openFile(b.u.win, []string{".xlsx", ".csv", ".json"}, b.importData)
}

// reloadMappings reads the saved column mappings' names for the select, keeping the
// clerk's choice when it is still there.
func (b *inbox) reloadMappings() {
	names, _ := b.u.ws.Service.ColumnMappings()
	old := b.mapping.Selected
	b.mapping.SetOptions(append([]string{lang.L("文件原表头")}, names...))
	if old != "" && slices.Contains(b.mapping.Options, old) {
		b.mapping.SetSelected(old)
	} else {
		b.mapping.SetSelectedIndex(0)
	}
}

// askTemplate saves the order template where the clerk chooses.
func (b *inbox) askTemplate() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		if err := saveTemplate(path); err != nil {
			showError(b.u.win, failed("template.failed", err))
			return
		}
		showInfo(b.u.win, lang.L("已保存"), path)
	}, b.u.win)
	d.SetFileName(lang.L("开票订单模板") + ".xlsx")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".xlsx"}))
	inDocuments(d).Show()
}

// saveTemplate writes orderfile.Template to path.
func saveTemplate(path string) error {
	data, err := orderfile.Template()
	if err != nil {
		return err
	}
	return writeFileAtomic(path, data)
}

// writeFileAtomic writes data to a temporary file beside path and renames it, so a
// failure leaves no half file.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// importData reads a file of orders into the inbox and checks every one: the headers
// translated by the chosen column mapping, one buyer's orders merged when asked.
func (b *inbox) importData(name string, data []byte) error {
	var m orderfile.Mapping
	if i := b.mapping.SelectedIndex(); i > 0 {
		saved, err := b.u.ws.Service.ColumnMapping(b.mapping.Selected)
		if err != nil {
			return errors.New(say("mapping.read_failed", invoice.Args{"name": b.mapping.Selected, "err": clerkMessage(err)}))
		}
		m = saved
	}
	orders, err := orderfile.DecodeMapped(name, data, m)
	if err == nil && b.merge.Checked {
		orders = orderfile.MergeByBuyer(orders)
	}
	if err != nil {
		return errors.New(say("import.failed", invoice.Args{"file": name, "err": clerkMessage(err)}))
	}
	b.add(orders, name)
	return nil
}

// loadPulled adds the orders pulled from the platform.
func (b *inbox) loadPulled() {
	pulled, err := b.u.ws.Service.PulledOrders()
	if err != nil {
		showError(b.u.win, err)
		return
	}
	var orders []*invoice.Order
	for _, p := range pulled {
		decoded, err := orderfile.DecodeOrders(p.Order)
		if err != nil {
			continue
		}
		orders = append(orders, decoded...)
	}
	b.add(orders, lang.L("服务平台"))
}

func (b *inbox) add(orders []*invoice.Order, source string) {
	ws := b.u.ws
	cfg := ws.Service.Rules()
	for _, o := range orders {
		e := &inboxEntry{order: o, source: source}
		e.checked, e.errs = invoice.Check(o, cfg)
		b.entries = append(b.entries, e)
	}
	b.refresh()
}

func (b *inbox) refresh() {
	ready, bad, done := 0, 0, 0
	for _, e := range b.entries {
		switch {
		case len(e.issued) > 0:
			done++
		case e.errs != nil:
			bad++
		default:
			ready++
		}
	}
	b.summary.SetText(lang.L("共 {{.N}} 个订单：待开具 {{.Ready}}，有错误 {{.Bad}}，已开具 {{.Done}}", map[string]any{
		"N": len(b.entries), "Ready": ready, "Bad": bad, "Done": done}))
	if ready > 0 && b.stop == nil && b.u.deviceReady() {
		b.issueBtn.Enable()
	} else {
		b.issueBtn.Disable()
	}
	b.table.Refresh()
}

// showDetail lists an order's errors with their place (row and column for a table).
func (b *inbox) showDetail(e *inboxEntry) {
	var lines []string
	for _, fe := range e.errs {
		lines = append(lines, lang.L("{{.Field}}：{{.Message}}", map[string]any{"Field": fe.Field, "Message": fe.Text(msgLang)}))
	}
	if e.failed != nil {
		lines = append(lines, clerkMessage(e.failed))
	}
	b.detail.SetText(strings.Join(lines, "\n"))
}

// issueAll issues every valid order not yet issued, in the background. The progress bar
// moves as each order's invoices are stored; 取消 stops between invoices.
func (b *inbox) issueAll() {
	var todo []*inboxEntry
	var orders []*invoice.Order
	for _, e := range b.entries {
		if e.errs == nil && len(e.issued) == 0 {
			e.failed = nil
			todo = append(todo, e)
			orders = append(orders, e.order)
		}
	}
	if len(todo) == 0 || !b.u.deviceReady() {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.stop = cancel
	b.issueBtn.Disable()
	b.cancel.Enable()
	b.progress.SetValue(0)
	byOrder := make(map[*invoice.Order]*inboxEntry, len(todo))
	for _, e := range todo {
		byOrder[e.order] = e
	}
	// Results are handed to the UI goroutine in bunches, at most ten a second: one
	// fyne.Do per invoice would queue hundreds of table refreshes ahead of the clerk's
	// clicks (scripts/gui-latency.sh measures it).
	var (
		mu        sync.Mutex
		pending   []invoice.BatchResult
		scheduled bool
		done      int
	)
	apply := func() {
		mu.Lock()
		rs := pending
		pending, scheduled = nil, false
		mu.Unlock()
		for _, r := range rs {
			e := byOrder[r.Order]
			e.issued, e.failed = r.Outcomes, r.Err
			done++
		}
		b.progress.SetValue(float64(done) / float64(len(todo)))
		b.table.Refresh()
	}
	go func() {
		err := b.u.ws.Service.IssueBatch(ctx, orders, func(r invoice.BatchResult) {
			mu.Lock()
			pending = append(pending, r)
			post := !scheduled
			scheduled = true
			mu.Unlock()
			if post {
				time.AfterFunc(100*time.Millisecond, func() { onUI(apply) })
			}
		})
		onUI(func() {
			apply()
			cancel()
			b.stop = nil
			b.cancel.Disable()
			b.refresh()
			if err != nil && !errors.Is(err, context.Canceled) {
				showError(b.u.win, failed("batch.stopped", err))
			}
			b.u.ws.Service.SyncNow()
			b.u.home.refresh()
			if b.batchDone != nil {
				b.batchDone()
			}
		})
	}()
}
