package ui

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/orderfile"
	"github.com/kaipiao/kaipiao/workstation"
)

func newTestUI(t *testing.T, ws *Workstation) (*UI, fyne.Window) {
	t.Helper()
	app := test.NewTempApp(t)
	app.Settings().SetTheme(NewTheme(false, true))
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 820))
	return New(w, ws), w
}

// newStartWindow is a window for Start on ws, as nobody has logged in yet: the first
// run or the log-in.
func newStartWindow(t *testing.T, ws *Workstation) fyne.Window {
	t.Helper()
	ws.Role = ""
	app := test.NewTempApp(t)
	app.Settings().SetTheme(NewTheme(false, true))
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1000, 700))
	return w
}

// uiQueue is the UI goroutine of the tests: what the screens' background work hands to
// onUI waits here until the test's goroutine runs it (settle). Fyne's test driver would
// run it at once on the background goroutine, while the test reads and types into the
// same widgets: a dialog could be up before its OK button or its onClosed was set.
var uiQueue struct {
	sync.Mutex
	fns []func()
}

func init() {
	onUI = func(f func()) {
		uiQueue.Lock()
		uiQueue.fns = append(uiQueue.fns, f)
		uiQueue.Unlock()
	}
}

// settle runs, on the test's goroutine, what the background work has handed to the UI
// so far, in order.
func settle() {
	for {
		uiQueue.Lock()
		fns := uiQueue.fns
		uiQueue.fns = nil
		uiQueue.Unlock()
		if len(fns) == 0 {
			return
		}
		for _, f := range fns {
			f()
		}
	}
}

// eventually waits for cond, for work the UI hands to a goroutine, running what that
// work hands back to the UI (settle) before each look.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for settle(); !cond(); settle() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// screenshot writes the window to docs/screens/NAME.png when KAIPIAO_SCREENSHOTS is set
// (make screenshots).
func screenshot(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	if os.Getenv("KAIPIAO_SCREENSHOTS") == "" {
		return
	}
	// The test driver lays a container out again only when its size changes: a banner
	// shown after the window was laid out would overlap the tabs in the picture (the GL
	// window lays out on every show). A resize back and forth lays out the whole tree.
	size := w.Canvas().Size()
	w.Resize(size.AddWidthHeight(1, 1))
	w.Resize(size)
	img := w.Canvas().Capture()
	f, err := os.Create(filepath.Join("..", "docs", "screens", name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

func TestClerkIssuesFindsAndReversesAnInvoice(t *testing.T) {
	ws := newWorkstation(t)
	u, w := newTestUI(t, ws)
	f := u.issue
	u.ShowIssue()

	// The clerk types the buyer with a mistyped credit code: the error shows at once.
	test.Type(f.buyer["buyer.name"], "厦门示例科技有限公司")
	test.Type(f.buyer["buyer.tax_id"], "91350203M0001QAY9B")
	l := f.lines[0]
	test.Type(l.entries["name"], "软件开发服务")
	test.Type(l.entries["tax_code"], "3040201010000000000")
	test.Type(l.entries["quantity"], "1")
	test.Type(l.entries["unit_price"], "10000")
	l.rate.SetSelected("6%")
	test.Type(l.entries["discount"], "500.00")
	if f.problems.Text != "" {
		t.Fatalf("errors shown before the clerk left a field or asked to issue: %q", f.problems.Text)
	}
	if f.reveal() || !strings.Contains(f.problems.Text, "校验位") {
		t.Fatalf("a bad credit code must be shown and block issuing: %q", f.problems.Text)
	}
	if f.fieldErr[f.buyer["buyer.tax_id"]] == nil {
		t.Error("the tax ID field itself must carry the error")
	}
	screenshot(t, w, "issue-errors")

	// Fixed: the totals and the amount in words appear, and issuing is possible.
	f.buyer["buyer.tax_id"].SetText("91350200776049653A")
	if f.problems.Text != "" || f.checked == nil {
		t.Fatalf("still refused: %q", f.problems.Text)
	}
	if f.total.Text != "价税合计 ¥10,070.00" || f.words.Text != "（大写）壹万零柒拾圆整" {
		t.Fatalf("totals %q %q", f.total.Text, f.words.Text)
	}
	screenshot(t, w, "issue-form")

	// Ctrl+Enter asks, Enter issues in the background; the invoice lands in the store.
	press(w, fyne.KeyReturn)
	key(w, fyne.KeyReturn)
	eventually(t, "the invoice in the store", func() bool { n, _ := dbOf(t, ws).Count(); return n == 1 })

	// The invoice list finds it by buyer; the clerk reverses it in full.
	u.ShowInvoices()
	test.Type(u.list.buyer, "厦门示例")
	eventually(t, "the list", func() bool { return len(u.list.records) == 1 })
	blue := u.list.records[0]
	u.list.table.Select(widgetCell(0))
	if !strings.Contains(u.list.detail.Text, blue.Invoice.Number) || u.list.redBtn.Disabled() {
		t.Fatalf("detail %q", u.list.detail.Text)
	}
	dismissDialogs(w) // the clerk has read "开票成功"
	screenshot(t, w, "invoices")
	u.list.red(blue, invoice.ReasonError)
	eventually(t, "the red invoice", func() bool { n, _ := dbOf(t, ws).Count(); return n == 2 })
	reds, _ := dbOf(t, ws).RedsOf(blue.Invoice.Code, blue.Invoice.Number)
	if len(reds) != 1 || reds[0].Totals().Total != -blue.Invoice.Totals().Total {
		t.Fatalf("reds %+v", reds)
	}
	eventually(t, "both in the list", func() bool { return len(u.list.records) == 2 })

	// The home screen counts them and shows the device.
	u.tabs.SelectIndex(0)
	eventually(t, "the home screen", func() bool { return strings.Contains(u.home.today.Text, "蓝字 1 张，红字 1 张") })
	eventually(t, "the device state", func() bool { return strings.Contains(u.home.device.Text, "已连接") })
	eventually(t, "the offline time", func() bool { return strings.Contains(u.home.offlineTimeText.Text, "锁定开票") })
	if v := u.home.offlineTime.Value; v < 0 || v > 0.1 {
		t.Errorf("minutes after issuing, the offline time used is %v of 72 hours", v)
	}
	if !strings.Contains(u.home.queue.Text, "待上传 2 张") {
		t.Errorf("queue %q", u.home.queue.Text)
	}
	screenshot(t, w, "home")
}

// dismissDialogs closes what is open over the window, as the clerk's OK would.
func dismissDialogs(w fyne.Window) {
	for o := w.Canvas().Overlays().Top(); o != nil; o = w.Canvas().Overlays().Top() {
		w.Canvas().Overlays().Remove(o)
	}
}

// press types Ctrl+key into the window's shortcuts.
func press(w fyne.Window, key fyne.KeyName) {
	w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault})
}

// widgetCell is the first column of a row of the invoice table.
func widgetCell(row int) widget.TableCellID { return widget.TableCellID{Row: row, Col: 0} }

func TestNewInvoiceShortcutClearsTheForm(t *testing.T) {
	ws := newWorkstation(t)
	u, w := newTestUI(t, ws)
	test.Type(u.issue.buyer["buyer.name"], "某某")
	before := u.issue.orderID
	u.ShowInvoices()
	press(w, fyne.KeyN)
	if u.tabs.Selected() != u.issueTab || u.issue.buyer["buyer.name"].Text != "" || u.issue.orderID == before {
		t.Fatalf("Ctrl+N: tab %d, buyer %q", u.tabs.SelectedIndex(), u.issue.buyer["buyer.name"].Text)
	}
}

func TestSplitShownBeforeIssuing(t *testing.T) {
	ws := newWorkstation(t)
	u, _ := newTestUI(t, ws)
	f := u.issue
	test.Type(f.buyer["buyer.name"], "厦门示例科技有限公司")
	l := f.lines[0]
	test.Type(l.entries["name"], "工作站")
	test.Type(l.entries["tax_code"], "1090509010000000000")
	test.Type(l.entries["quantity"], "100")
	test.Type(l.entries["unit_price"], "2500")
	if !strings.Contains(f.split.Text, "拆分为 3 张") {
		t.Fatalf("split %q", f.split.Text)
	}
}

// The preview is the PDF's own layout; the saved PDF is the invoice.
func TestPreviewAndSavePDF(t *testing.T) {
	ws := newWorkstation(t)
	u, w := newTestUI(t, ws)
	u.ShowIssue()
	f := u.issue
	test.Type(f.buyer["buyer.name"], "厦门示例科技有限公司")
	l := f.lines[0]
	test.Type(l.entries["name"], "软件开发服务")
	test.Type(l.entries["tax_code"], "3040201010000000000")
	test.Type(l.entries["amount"], "1000.00")
	l.rate.SetSelected("6%")
	if f.previewBtn.Disabled() {
		t.Fatalf("preview is off for a valid form: %q", f.problems.Text)
	}
	pages, err := previewPages(draftForPreview(f.checked.Parts[0]))
	if err != nil {
		t.Fatal(err)
	}
	if size := pages.(*container.Scroll).Content.MinSize(); size.Width < 1000 || size.Height < 550 {
		t.Errorf("the preview is %v; the invoice is 240 × 140 mm, about 1090 × 630 pixels", size)
	}
	f.preview()
	screenshot(t, w, "issue-preview")
	dismissDialogs(w)

	press(w, fyne.KeyReturn)
	key(w, fyne.KeyReturn)
	eventually(t, "issued", func() bool { n, _ := dbOf(t, ws).Count(); return n == 1 })
	page, _ := dbOf(t, ws).List(workstation.Query{})
	file := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := savePDF(ws, page.Records[0].Invoice, file); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %v", err)
	}
}

// The first run sets up the administrator and the seller; then everyone logs in, and a
// clerk is refused the settings.
func TestFirstRunLogInAndRoles(t *testing.T) {
	ws := newWorkstation(t)
	w := newStartWindow(t, ws)
	var u *UI
	Start(w, ws, func(built *UI) { u = built })

	// The set-up screen: a mismatched password and a bad credit code are refused.
	form := findForm(t, w.Content())
	entries := formEntries(form)
	test.Type(entries["密码"], "secret-pass")
	test.Type(entries["再次输入"], "secret-pasS")
	entries["销售方名称"].SetText("厦门开票示范科技有限公司")
	entries["纳税人识别号"].SetText("91350200776049653A")
	tapButton(t, w.Content(), "完成设置")
	if has, _ := dbOf(t, ws).HasOperators(); has {
		t.Fatal("a mismatched password must not create the administrator")
	}
	entries["再次输入"].SetText("secret-pass")
	entries["服务平台"].SetText("https://platform.example.com")
	tapButton(t, w.Content(), "完成设置")
	if has, _ := dbOf(t, ws).HasOperators(); !has {
		t.Fatal("the administrator was not created")
	}
	if c, _ := dbOf(t, ws).Connection(); c.Device != "sim" || c.Platform != "https://platform.example.com" {
		t.Fatalf("the first run saves the device and the platform: %+v", c)
	}
	screenshot(t, w, "login")

	// Log in: a wrong password is refused, the right one opens the screens with settings.
	entries = formEntries(findForm(t, w.Content()))
	entries["操作员"].SetText("管理员")
	entries["密码"].SetText("wrong-pass")
	tapButton(t, w.Content(), "登录")
	if u != nil {
		t.Fatal("a wrong password logged in")
	}
	entries["密码"].SetText("secret-pass")
	tapButton(t, w.Content(), "登录")
	if u == nil || u.ShowSettings() != nil || engineOf(t, ws).Operator != "管理员" {
		t.Fatalf("the administrator must reach the settings: %+v", u)
	}
	u.settings.verifyAudit()
	if !strings.Contains(u.settings.audit.Text, "哈希链校验通过") || !strings.Contains(u.settings.audit.Text, "login") {
		t.Errorf("audit: %q", u.settings.audit.Text)
	}
	screenshot(t, w, "settings")

	// The administrator adds a clerk; the clerk logs in and is refused the settings.
	if err := dbOf(t, ws).CreateOperator("张三", workstation.RoleClerk, "clerk-pass", "管理员"); err != nil {
		t.Fatal(err)
	}
	u = nil
	Start(w, ws, func(built *UI) { u = built })
	entries = formEntries(findForm(t, w.Content()))
	entries["操作员"].SetText("张三")
	entries["密码"].SetText("clerk-pass")
	tapButton(t, w.Content(), "登录")
	if u == nil || ws.Role != workstation.RoleClerk {
		t.Fatal("the clerk could not log in")
	}
	if err := u.ShowSettings(); err == nil || u.settingsTab != nil {
		t.Fatalf("a clerk must not reach the settings: %v, %d tabs", err, len(u.tabs.Items))
	}
}

// findForm finds the first form in a tree of objects.
func findForm(t *testing.T, o fyne.CanvasObject) *widget.Form {
	t.Helper()
	var found *widget.Form
	walk(o, func(c fyne.CanvasObject) {
		if f, ok := c.(*widget.Form); ok && found == nil {
			found = f
		}
	})
	if found == nil {
		t.Fatal("no form on the screen")
	}
	return found
}

func formEntries(f *widget.Form) map[string]*widget.Entry {
	out := map[string]*widget.Entry{}
	for _, it := range f.Items {
		if e, ok := it.Widget.(*widget.Entry); ok {
			out[it.Text] = e
		}
		if e, ok := it.Widget.(*entry); ok {
			out[it.Text] = &e.Entry
		}
	}
	return out
}

func tapButton(t *testing.T, o fyne.CanvasObject, label string) {
	t.Helper()
	var found *widget.Button
	walk(o, func(c fyne.CanvasObject) {
		if b, ok := c.(*widget.Button); ok && b.Text == label {
			found = b
		}
		if b, ok := c.(*button); ok && b.Text == label {
			found = &b.Button
		}
	})
	if found == nil {
		t.Fatalf("no button %q", label)
	}
	test.Tap(found)
}

func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	f(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, child := range c.Objects {
			walk(child, f)
		}
	case *container.Scroll:
		walk(c.Content, f)
	case *widget.Card:
		if c.Content != nil {
			walk(c.Content, f)
		}
	case *widget.Form:
		for _, it := range c.Items {
			walk(it.Widget, f)
		}
	}
}

// Orders imported from a table are checked row by row before anything is issued; the
// valid ones are issued as one batch with a progress bar.
func TestInboxImportsChecksAndIssuesABatch(t *testing.T) {
	ws := newWorkstation(t)
	u, w := newTestUI(t, ws)
	u.ShowInbox()
	b := u.inbox
	data, err := os.ReadFile("../docs/examples/08-orders-gbk.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.importData("08-orders-gbk.csv", data); err != nil {
		t.Fatal(err)
	}
	bad := "订单号,购买方名称,项目名称,税收分类编码,金额,税率\nX-1,示例公司,服务,304020101,100.00,0.06\n"
	if err := b.importData("bad.csv", []byte(bad)); err != nil {
		t.Fatal(err)
	}
	if len(b.entries) != 3 || b.entries[2].errs == nil {
		t.Fatalf("entries %d", len(b.entries))
	}
	b.showDetail(b.entries[2])
	if !strings.Contains(b.detail.Text, "row:2/税收分类编码") {
		t.Errorf("the error must name its row and column: %q", b.detail.Text)
	}
	if !strings.Contains(b.summary.Text, "待开具 2，有错误 1") {
		t.Errorf("summary %q", b.summary.Text)
	}
	screenshot(t, w, "inbox")
	test.Tap(b.issueBtn)
	eventually(t, "the batch", func() bool { n, _ := dbOf(t, ws).Count(); return n == 2 && b.stop == nil })
	if b.progress.Value != 1 || b.entries[0].status() != "已开具 1 张" || b.entries[2].status() != "1 处错误" {
		t.Fatalf("progress %v, statuses %q %q", b.progress.Value, b.entries[0].status(), b.entries[2].status())
	}
}

func TestInboxBatchCanBeCancelledBetweenInvoices(t *testing.T) {
	ws := newWorkstation(t)
	u, _ := newTestUI(t, ws)
	b := u.inbox
	var rows []string
	rows = append(rows, "order_id,buyer_name,name,tax_code,amount,tax_rate")
	for i := 0; i < 300; i++ {
		rows = append(rows, fmt.Sprintf("C-%03d,示例公司,服务,3040201010000000000,100.00,0.06", i))
	}
	if err := b.importData("many.csv", []byte(strings.Join(rows, "\n"))); err != nil {
		t.Fatal(err)
	}
	test.Tap(b.issueBtn)
	eventually(t, "some invoices", func() bool { n, _ := dbOf(t, ws).Count(); return n >= 5 })
	test.Tap(b.cancel)
	eventually(t, "the batch to stop", func() bool { return b.stop == nil })
	n, _ := dbOf(t, ws).Count()
	if n == 0 || n >= 300 {
		t.Fatalf("%d issued: the cancel must stop the batch between invoices", n)
	}
	issued := 0
	for _, e := range b.entries {
		if len(e.issued) > 0 {
			issued++
		}
	}
	if issued != n {
		t.Fatalf("the inbox shows %d issued, the store holds %d", issued, n)
	}
	if open, _ := dbOf(t, ws).OpenIntents(); len(open) != 0 {
		t.Fatalf("%d intents left open by the cancel", len(open))
	}
}

// Invoices the platform refused are shown with a way to send them again.
func TestHomeRetriesDeadLetters(t *testing.T) {
	ws := newWorkstation(t)
	u, _ := newTestUI(t, ws)
	outs, err := engineOf(t, ws).Issue(context.Background(), &invoice.Order{OrderID: "D-1", Buyer: invoice.OrderBuyer{Name: "示例公司"},
		Lines: []invoice.OrderLine{{Name: "服务", TaxCode: "3040201010000000000", Amount: "10.00", TaxRate: "0.06"}}})
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := dbOf(t, ws).ByRequest(outs[0].Invoice.RequestID)
	if err := dbOf(t, ws).DeadLetter(rec.ID, "certificate expired"); err != nil {
		t.Fatal(err)
	}
	u.Refresh()
	eventually(t, "the retry button", func() bool { return u.home.retry.Visible() })
	if !strings.Contains(u.home.queue.Text, "失败 1 张") {
		t.Fatalf("queue %q", u.home.queue.Text)
	}
	test.Tap(u.home.retry)
	eventually(t, "back in the outbox", func() bool { q, d, _ := dbOf(t, ws).PendingCount(); return q == 1 && d == 0 })
	eventually(t, "the button hidden", func() bool { return !u.home.retry.Visible() })
}

// The invoice list narrows by issue date, number and sync state as well as by buyer.
func TestInvoiceListFilters(t *testing.T) {
	ws := newWorkstation(t)
	u, _ := newTestUI(t, ws)
	for i := 0; i < 3; i++ {
		if _, err := engineOf(t, ws).Issue(context.Background(), &invoice.Order{OrderID: fmt.Sprintf("F-%d", i),
			Buyer: invoice.OrderBuyer{Name: "示例公司"}, Lines: []invoice.OrderLine{{Name: "服务",
				TaxCode: "3040201010000000000", Amount: "10.00", TaxRate: "0.06"}}}); err != nil {
			t.Fatal(err)
		}
	}
	l := u.list
	u.ShowInvoices()
	eventually(t, "three invoices", func() bool { return len(l.records) == 3 })
	num := l.records[1].Invoice.Number
	l.number.SetText(num)
	if len(l.records) != 1 || l.records[0].Invoice.Number != num {
		t.Fatalf("by number %s: %d", num, len(l.records))
	}
	l.number.SetText("")
	today := l.records[0].Invoice.IssuedAt.Format("2006-01-02")
	l.from.SetText(today)
	l.to.SetText(today)
	if len(l.records) != 3 {
		t.Fatalf("today: %d", len(l.records))
	}
	l.from.SetText("2001-01-01")
	l.to.SetText("2001-12-31")
	if len(l.records) != 0 {
		t.Fatalf("2001: %d", len(l.records))
	}
	l.to.SetText("2001-13")
	if l.filterErr.Text == "" {
		t.Error("a malformed date must be pointed out")
	}
	l.from.SetText("")
	l.to.SetText("")
	l.syncState.SetSelectedIndex(3) // 失败
	if len(l.records) != 0 {
		t.Fatalf("failed: %d", len(l.records))
	}
	l.syncState.SetSelectedIndex(1) // 待上传
	if len(l.records) != 3 {
		t.Fatalf("queued: %d", len(l.records))
	}
}

// The administrator sets where the buyers' PDFs are mailed from; a bad port is refused
// and the password, once saved, is never shown again.
func TestMailSettings(t *testing.T) {
	ws := newWorkstation(t)
	u, _ := newTestUI(t, ws)
	s := u.settings
	f := s.mailFields
	f["host"].SetText("smtp.example.com")
	f["port"].SetText("99999")
	f["from"].SetText("invoices@example.com")
	f["password"].SetText("s3cret")
	test.Tap(s.mailSave)
	if m, _ := dbOf(t, ws).MailSettings(); m.Host != "" {
		t.Fatal("a bad port must not be saved")
	}
	f["port"].SetText("587")
	test.Tap(s.mailSave)
	m, _ := dbOf(t, ws).MailSettings()
	if m.Host != "smtp.example.com" || m.Port != 587 || m.Password != "s3cret" || f["password"].Text != "" {
		t.Fatalf("saved %+v, password field %q", m, f["password"].Text)
	}
	// Saving again without typing a password keeps the saved one.
	f["from"].SetText("fapiao@example.com")
	test.Tap(s.mailSave)
	if m, _ := dbOf(t, ws).MailSettings(); m.Password != "s3cret" || m.From != "fapiao@example.com" {
		t.Fatalf("resaved %+v", m)
	}
}

// The administrator chooses the device among the discovered ports and the platform's
// address; they are saved for the next start.
func TestConnectionSettings(t *testing.T) {
	ws := newWorkstation(t)
	fake(ws).ports = func() []PortChoice {
		return []PortChoice{{Address: "/dev/serial/by-id/usb-Aisino_TC-1234", Label: "/dev/ttyUSB0 (USB 1a86:7523 税控盘 1234)"}}
	}
	pki := 0
	fake(ws).demo = func() (invoice.Said, error) {
		pki++
		return invoice.Said{Key: "pki.demo", Args: invoice.Args{"n": "3", "dir": "platform-pki"}}, nil
	}
	u, _ := newTestUI(t, ws)
	c := u.settings.conn
	if len(c.device.Options) != 2 || c.device.SelectedIndex() != 0 {
		t.Fatalf("options %v, selected %d", c.device.Options, c.device.SelectedIndex())
	}
	c.device.SetSelectedIndex(1)
	c.platform.SetText("https://127.0.0.1:8443")
	tapButton(t, u.settings.content, "保存")
	saved, _ := dbOf(t, ws).Connection()
	if saved.Device != "/dev/serial/by-id/usb-Aisino_TC-1234" || saved.Platform != "https://127.0.0.1:8443" {
		t.Fatalf("saved %+v", saved)
	}
	tapButton(t, u.settings.content, "生成演示证书")
	if pki != 1 || !strings.Contains(u.settings.status.Text, "演示证书") {
		t.Fatalf("demo PKI: %d, %q", pki, u.settings.status.Text)
	}
	// A new screen shows what was saved.
	if again := newConnectionForm(ws); again.device.SelectedIndex() != 1 || again.platform.Text != "https://127.0.0.1:8443" {
		t.Fatalf("reopened: %d %q", again.device.SelectedIndex(), again.platform.Text)
	}
}

// The clerk sets up a column mapping from an ERP's own export: headers that are column
// names already are matched, the others chosen; the mapping is saved and imports through.
func TestClerkSetsUpAColumnMapping(t *testing.T) {
	ws := newWorkstation(t)
	u, _ := newTestUI(t, ws)
	b := u.inbox
	table := "单号,客户,品名,税收分类编码,金额,税率,内部备注\nE-1,示例公司,服务,3040201010000000000,100.00,0.06,x\n"
	ed, err := b.editMapping("erp.csv", []byte(table))
	if err != nil {
		t.Fatal(err)
	}
	if ed.choices[3].SelectedIndex() == 0 || ed.choices[0].SelectedIndex() != 0 {
		t.Fatalf("税收分类编码 is a column name and 单号 is not: %d %d", ed.choices[3].SelectedIndex(), ed.choices[0].SelectedIndex())
	}
	pick := func(i int, en string) {
		for k, c := range orderfile.TableColumns() {
			if c.EN == en {
				ed.choices[i].SetSelectedIndex(k + 1)
			}
		}
	}
	pick(0, "order_id")
	pick(1, "buyer_name")
	pick(2, "name")
	if err := ed.save(); err == nil {
		t.Fatal("a mapping without a name must be refused")
	}
	ed.name.SetText("ERP")
	pick(2, "buyer_name") // two headers onto one column
	if err := ed.save(); err == nil {
		t.Fatal("two headers mapped onto one column must be refused")
	}
	pick(2, "name")
	if err := ed.save(); err != nil {
		t.Fatal(err)
	}
	if b.mapping.Selected != "ERP" {
		t.Fatalf("the new mapping is chosen: %q", b.mapping.Selected)
	}
	if err := b.importData("erp.csv", []byte(table)); err != nil {
		t.Fatal(err)
	}
	if len(b.entries) != 1 || b.entries[0].errs != nil || b.entries[0].order.OrderID != "E-1" {
		t.Fatalf("imported through the mapping: %+v", b.entries)
	}
}
