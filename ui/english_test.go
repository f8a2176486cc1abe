package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/export"
	"github.com/kaipiao/kaipiao/invoice"
)

// english runs the rest of the test with the screens in English.
func english(t *testing.T) {
	t.Helper()
	if err := SetLanguage("en"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = SetLanguage("zh") })
}

// capitals is a total in capital numerals (invoice.Words): the invoice's own wording of
// its amount, shown as printed in the English window too.
var capitals = regexp.MustCompile(`(\(负数\))?[零壹贰叁肆伍陆柒捌玖拾佰仟万亿圆角分]+[整角分]`)

// shownTexts collects every text o shows: labels, buttons, checks, rich text, entries
// with their placeholders, the options of selects and radio groups (shown once opened),
// and whatever else a widget draws, through its renderer.
func shownTexts(o fyne.CanvasObject, out *[]string) {
	if o == nil || !o.Visible() {
		return
	}
	add := func(s ...string) { *out = append(*out, s...) }
	addEntry := func(e *widget.Entry) { add(e.Text, e.PlaceHolder) }
	addSelect := func(s *widget.Select) { add(s.Selected, s.PlaceHolder); add(s.Options...) }
	switch x := o.(type) {
	case *canvas.Text:
		add(x.Text)
		return
	case *widget.Label:
		add(x.Text)
		return
	case *widget.Button:
		add(x.Text)
		return
	case *button:
		add(x.Text)
		return
	case *widget.Check:
		add(x.Text)
		return
	case *widget.RichText:
		add(x.String())
		return
	case *widget.Hyperlink:
		add(x.Text)
		return
	case *widget.Entry:
		addEntry(x)
		return
	case *entry:
		addEntry(&x.Entry)
		return
	case *widget.Select:
		addSelect(x)
		return
	case *keySelect:
		addSelect(&x.Select)
		return
	case *gridSelect:
		addSelect(&x.Select)
		return
	case *widget.RadioGroup:
		add(x.Options...)
		return
	case *widget.Card:
		add(x.Title, x.Subtitle)
	case *fyne.Container:
		for _, c := range x.Objects {
			shownTexts(c, out)
		}
		return
	case *container.AppTabs:
		for _, it := range x.Items {
			add(it.Text)
		}
	}
	if w, ok := o.(fyne.Widget); ok {
		for _, c := range test.WidgetRenderer(w).Objects() {
			shownTexts(c, out)
		}
	}
}

// chineseShown lists the texts of the window and of what is open over it (dialogs,
// pop-ups) that still hold Chinese once the data the test put in (company names,
// goods, …) and totals in capitals are taken out.
func chineseShown(w fyne.Window, data []string) []string {
	var texts []string
	shownTexts(w.Canvas().Content(), &texts)
	for _, o := range w.Canvas().Overlays().List() {
		shownTexts(o, &texts)
	}
	// The longest first: a name may hold a shorter one.
	data = append([]string(nil), data...)
	for i := range data {
		for j := i + 1; j < len(data); j++ {
			if len(data[j]) > len(data[i]) {
				data[i], data[j] = data[j], data[i]
			}
		}
	}
	var bad []string
	seen := map[string]bool{}
	for _, s := range texts {
		left := capitals.ReplaceAllString(s, "")
		for _, d := range data {
			if d != "" {
				left = strings.ReplaceAll(left, d, "")
			}
		}
		if strings.IndexFunc(left, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 && !seen[s] {
			seen[s] = true
			bad = append(bad, s)
		}
	}
	return bad
}

// requireEnglish fails the test with every Chinese text the window shows at where.
func requireEnglish(t *testing.T, w fyne.Window, where string, data []string) {
	t.Helper()
	settle()
	if os.Getenv("KAIPIAO_SHOWN_TEXTS") != "" { // to see what the walk reads
		var texts []string
		shownTexts(w.Canvas().Content(), &texts)
		for _, o := range w.Canvas().Overlays().List() {
			shownTexts(o, &texts)
		}
		t.Logf("%s: %q", where, texts)
	}
	if bad := chineseShown(w, data); len(bad) > 0 {
		t.Errorf("%s shows Chinese in the English window:\n  %s", where, strings.Join(bad, "\n  "))
	}
}

// An English-reading administrator reads English everywhere the program speaks:
// statuses, dialogs, confirmations, placeholders, options, summaries with numbers. What
// stays Chinese is data: the names and goods the test put in, and the invoice's total
// in capitals.
func TestEnglishWindowShowsNoChinese(t *testing.T) {
	english(t)
	clock := &sim.Clock{}
	ws := newWorkstationAt(t, clock)
	ws.Printing = noPrinters{}                     // the dialog says so
	fake(ws).demo = func() (invoice.Said, error) { // as the service says it, without the signing's wait
		return invoice.Said{Key: "pki.demo", Args: invoice.Args{"n": "3", "dir": "platform-pki"}}, nil
	}
	issueFor(t, ws, "E-1", "示例公司", "")
	issueFor(t, ws, "E-2", "示例公司", "")
	u, w := newTestUI(t, ws)
	// The data: the seller and operator of newWorkstation, the buyers and goods below.
	data := []string{"厦门开票示范科技有限公司", "厦门市思明区", "中国银行厦门分行", "张三", "李四",
		"示例公司", "另一家公司", "软件开发服务", "服务", "信息技术服务", "项"}
	seen := func(where string) { t.Helper(); requireEnglish(t, w, where, data) }
	eventually(t, "the home screen", func() bool { return u.home.today.Text != "" })
	seen("the home screen")

	// Issue: the form with a line, its confirmation, the preview, the invoice issued.
	u.ShowIssue()
	f := u.issue
	test.Type(f.buyer["buyer.name"], "示例公司")
	f.lines[0].entries["name"].SetText("服务")
	f.lines[0].entries["tax_code"].SetText("3040201010000000000")
	f.lines[0].entries["amount"].SetText("100.00")
	f.lines[0].rate.SetSelected("6%")
	seen("the issue form")
	f.preview()
	seen("the preview before issuing")
	escape(w.Canvas())
	f.askIssue()
	seen("the confirmation before issuing")
	escape(w.Canvas())
	f.submit()
	eventually(t, "the invoice issued", func() bool { n, _ := dbOf(t, ws).Count(); return n == 3 })
	seen("the invoice issued")
	dismissDialogs(w)

	// Orders: an inbox with a valid order, an order split over the limit, and an error.
	u.ShowInbox()
	b := u.inbox
	orders := "订单号,购买方名称,项目名称,税收分类编码,金额,税率\n" +
		"O-1,示例公司,服务,3040201010000000000,100.00,0.06\n" +
		"O-2,另一家公司,服务,3040201010000000000,18000000.00,0.06\n" +
		"O-3,示例公司,服务,304020101,100.00,0.06\n"
	if err := b.importData("orders.csv", []byte(orders)); err != nil {
		t.Fatal(err)
	}
	if len(b.entries) != 3 || b.entries[2].errs == nil || len(b.entries[1].checked.Parts) < 2 {
		t.Fatalf("the inbox: %d entries", len(b.entries))
	}
	b.showDetail(b.entries[2])
	data = append(data, "row:4/税收分类编码") // the column as the file names it
	seen("the inbox before issuing")
	screenshot(t, w, "english-inbox")
	test.Tap(b.issueBtn)
	eventually(t, "the batch", func() bool { return b.stop == nil && len(b.entries[0].issued) > 0 })
	b.showDetail(b.entries[1]) // refused: over the offline limit
	seen("the inbox after issuing")
	dismissDialogs(w)
	if _, err := b.editMapping("erp.csv", []byte("Doc,Customer,Item,Code,Amount,Rate\nE-1,示例公司,服务,3040201010000000000,100.00,6%\n")); err != nil {
		t.Fatal(err)
	}
	seen("the column mapping editor")
	dismissDialogs(w)

	// Invoices: the details, the red confirmation, a red issued, an export.
	u.ShowInvoices()
	l := u.list
	eventually(t, "the list", func() bool { return len(l.records) > 3 })
	for i, r := range l.records {
		if r.Invoice.Buyer.Name == "示例公司" && len(r.Invoice.Lines) == 1 {
			l.table.Select(widgetCell(i))
			break
		}
	}
	seen("an invoice's details")
	screenshot(t, w, "english-invoices")
	l.confirmRed()
	seen("the red confirmation")
	escape(w.Canvas())
	l.red(l.selected, invoice.ReasonError)
	eventually(t, "the red invoice", func() bool { return l.selected != nil && l.selected.Invoice.IsRed() })
	seen("the red invoice issued")
	dismissDialogs(w)
	l.export(filepath.Join(t.TempDir(), "list.csv"), exportCSV)
	seen("the export done")
	dismissDialogs(w)
	l.showReds()
	seen("an invoice's reds")
	dismissDialogs(w)
	for i, r := range l.records { // the first invoice: blue, two lines' worth of nothing reversed
		if r.Invoice.Number == "00000001" {
			l.table.Select(widgetCell(i))
		}
	}
	rd := l.showPartialRed()
	seen("the partial red dialog")
	test.Tap(rd.ok)
	seen("the partial red dialog, nothing chosen")
	dismissDialogs(w)
	l.showPrint(false)
	eventually(t, "the print dialog", func() bool { return len(w.Canvas().Overlays().List()) > 0 })
	seen("the print dialog")
	dismissDialogs(w)
	l.askMail()
	seen("the e-mail dialog")
	dismissDialogs(w)

	// Monthly statistics: the summary, then the comparison with the device's 抄报.
	u.tabs.Select(u.statsTab)
	s := u.stats
	seen("the monthly statistics")
	clock.Advance(32 * 24 * time.Hour)
	month := s.month.Text
	if _, err := ws.Device.Report(t.Context(), "ui-report-"+month, month); err != nil {
		t.Fatal(err)
	}
	test.Tap(s.check)
	eventually(t, "the comparison", func() bool { return !s.check.Disabled() })
	seen("the comparison with the device")
	screenshot(t, w, "english-statistics")
	if got := compareText(1, 0, []export.Mismatch{{Field: "count", Label: "蓝字发票张数", Store: "2", Device: "1"}}); strings.ContainsFunc(got, isHan) {
		t.Errorf("a mismatch in the English window: %q", got)
	}

	// Settings: an operator added, the seller saved, the audit log.
	if err := u.ShowSettings(); err != nil {
		t.Fatal(err)
	}
	form := u.settings.content
	var opForm *widget.Form
	walk(form, func(o fyne.CanvasObject) {
		if f, ok := o.(*widget.Form); ok && len(f.Items) == 3 {
			opForm = f
		}
	})
	if opForm == nil {
		t.Fatal("no operator form")
	}
	opForm.Items[0].Widget.(*entry).SetText("李四")
	opForm.Items[1].Widget.(*entry).SetText("secret-pass")
	tapButton(t, form, "Add operator")
	if !strings.Contains(u.settings.status.Text, "李四") {
		t.Fatalf("the operator was not added: %q", u.settings.status.Text)
	}
	seen("an operator added")
	u.settings.saveSeller()
	seen("the seller saved")
	u.settings.verifyAudit()
	seen("the audit log")
	u.settings.showImport()
	seen("a certificate's import")
	dismissDialogs(w)
	tapButton(t, form, "Make demo certificates")
	if !strings.Contains(u.settings.status.Text, "platform-pki") {
		t.Fatalf("the demo certificates: %q", u.settings.status.Text)
	}
	seen("the demo certificates made")
	screenshot(t, w, "english-settings")

	// Buyers and goods: the edit form, the delete confirmation, an import.
	if err := dbOf(t, ws).PutBuyers("张三", invoice.Party{Name: "示例公司", TaxID: testSeller}); err != nil {
		t.Fatal(err)
	}
	u.tabs.Select(u.masterTab)
	m := u.master
	m.buyerTable.Select(widget.TableCellID{Row: 0})
	seen("buyers and goods")
	m.askBuyer(0)
	seen("a buyer's form")
	dismissDialogs(w)
	m.reload()
	m.buyerTable.Select(widget.TableCellID{Row: 0})
	m.confirmDelete(true)
	seen("the delete confirmation")
	dismissDialogs(w)

	// The device panel and its confirmations.
	if err := u.ShowDevice(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the device panel", func() bool { return u.device.stock.Text != "" })
	seen("the device panel")
	u.tabs.SelectIndex(0)
	eventually(t, "the home screen locked", func() bool { return u.home.locks.Text != "" })
	seen("the home screen, locked")
	screenshot(t, w, "english-home")
}

// The first run and the log-in, in English: the administrator's name offered is English.
func TestEnglishFirstRunShowsNoChinese(t *testing.T) {
	english(t)
	ws := newWorkstation(t)
	w := newStartWindow(t, ws)
	Start(w, ws, func(*UI) {})
	data := []string{"厦门开票示范科技有限公司", "厦门市思明区", "中国银行厦门分行"}
	requireEnglish(t, w, "the first run", data)
	entries := formEntries(findForm(t, w.Content()))
	if entries["Administrator"] == nil || entries["Administrator"].Text != "Administrator" {
		t.Errorf("the administrator offered: %v", entries)
	}
	entries["Password"].SetText("secret-pass")
	entries["Repeat"].SetText("secret-pass")
	tapButton(t, w.Content(), "Finish set-up")
	if name := formEntries(findForm(t, w.Content()))["Operator"]; name == nil || name.Text != "Administrator" {
		t.Fatal("the log-in did not follow the first run")
	}
	requireEnglish(t, w, "the log-in", data)
}

// The digital channel in English: its home card, the slips, a slip's request.
func TestEnglishDigitalWindowShowsNoChinese(t *testing.T) {
	english(t)
	ws, _, slips := newDigitalWorkstation(t)
	slips.incoming("26357000000000000003", false, 500_00, SlipBuyerAsked)
	u, w := newTestUISized(t, ws)
	data := []string{"厦门开票示范科技有限公司", "厦门市思明区", "中国银行厦门分行", "张三", "福州数电示例贸易有限公司"}
	eventually(t, "the card", func() bool { return u.home.digital.numbers.Text != "" })
	requireEnglish(t, w, "the digital home screen", data)
	u.ShowSlips(true)
	eventually(t, "the slips", func() bool { return len(u.slips.slips) == 1 })
	u.slips.table.Select(widgetCell(0))
	requireEnglish(t, w, "the slips", data)
	u.slips.askRequest(nil, "whole")
	requireEnglish(t, w, "a slip's request", data)
	dismissDialogs(w)
	u.tabs.SelectIndex(0)
	u.home.digital.askFetch()
	requireEnglish(t, w, "the fetch dialog", data)
	dismissDialogs(w)
	u.home.digital.askReturn()
	requireEnglish(t, w, "the return dialog", data)
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// Without its device, the English window says what is wrong and what to do in English,
// on the banner and the device panel; the device panel's confirmations too.
func TestEnglishNoDeviceShowsNoChinese(t *testing.T) {
	english(t)
	ws := newWorkstation(t)
	data := []string{"厦门开票示范科技有限公司", "厦门市思明区", "中国银行厦门分行", "张三"}
	u, w := newTestUI(t, ws)
	if err := u.ShowDevice(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the device panel", func() bool { return u.device.stock.Text != "" })
	test.Tap(u.device.report)
	requireEnglish(t, w, "the monthly report's confirmation", data)
	escape(w.Canvas())
	test.Tap(u.device.pinBtn)
	eventually(t, "the PIN's answer", func() bool { return u.device.pinResult.Text != "" })
	requireEnglish(t, w, "a PIN change refused", data)

	port := "/dev/ttyNOPE"
	u.SetLink(LinkState{Port: port, Problem: "未找到税控设备：端口 " + port + " 不存在", Key: "link.no_port",
		Args: invoice.Args{"port": port}})
	if !strings.Contains(u.Banner(), port) {
		t.Fatalf("banner %q", u.Banner())
	}
	requireEnglish(t, w, "the banner without the device", data)
}
