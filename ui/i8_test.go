package ui

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/export"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/workstation"
	"github.com/xuri/excelize/v2"
)

// A table in an ERP's own headers is imported through a saved column mapping, and one
// buyer's orders merged into one.
func TestInboxImportsThroughAMappingAndMerges(t *testing.T) {
	ws := newWorkstation(t)
	if err := dbOf(t, ws).SetColumnMapping("ERP", map[string]string{"单据号": "订单号", "客户名称": "购买方名称",
		"客户税号": "购买方纳税人识别号", "品名": "项目名称", "编码": "税收分类编码"}, "张三"); err != nil {
		t.Fatal(err)
	}
	u, w := newTestUI(t, ws)
	u.ShowInbox()
	b := u.inbox
	if len(b.mapping.Options) != 2 {
		t.Fatalf("options %q", b.mapping.Options)
	}
	b.mapping.SetSelected("ERP")
	b.merge.SetChecked(true)
	erp := "单据号,客户名称,客户税号,品名,编码,金额,税率\n" +
		"E-1,厦门示例科技有限公司,91350200776049653A,软件开发服务,3040201010000000000,100.00,6%\n" +
		"E-2,厦门示例科技有限公司,91350200776049653A,软件维护服务,3040201010000000000,50.00,6%\n" +
		"E-3,福州另一家公司,91350200776049653A,软件开发服务,3040201010000000000,10.00,6%\n"
	if err := b.importData("erp.csv", []byte(erp)); err != nil {
		t.Fatal(err)
	}
	if len(b.entries) != 2 || len(b.entries[0].order.Lines) != 2 || b.entries[0].order.OrderID != "E-1" {
		t.Fatalf("entries %d", len(b.entries))
	}
	for _, e := range b.entries {
		if e.errs != nil {
			t.Errorf("%s: %v", e.order.OrderID, e.errs)
		}
	}
	screenshot(t, w, "inbox-mapping")
	path := filepath.Join(t.TempDir(), "模板.xlsx")
	if err := saveTemplate(path); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := os.Stat(path + ".tmp"); err == nil {
		t.Error("temporary file left behind")
	}
}

func issueFor(t *testing.T, ws *Workstation, id, buyer, email string) {
	t.Helper()
	if _, err := engineOf(t, ws).Issue(context.Background(), &invoice.Order{OrderID: id,
		Buyer: invoice.OrderBuyer{Name: buyer, Email: email}, Lines: []invoice.OrderLine{{Name: "服务",
			TaxCode: "3040201010000000000", Amount: "10.00", TaxRate: "0.06"}}}); err != nil {
		t.Fatal(err)
	}
}

// The list's filtered invoices, all pages, go to Excel, CSV and a zip of their PDFs.
func TestInvoiceListExports(t *testing.T) {
	ws := newWorkstation(t)
	u, w := newTestUI(t, ws)
	issueFor(t, ws, "X-1", "示例公司", "")
	issueFor(t, ws, "X-2", "示例公司", "")
	issueFor(t, ws, "X-3", "另一家公司", "")
	l := u.list
	u.ShowInvoices()
	l.buyer.SetText("示例")
	eventually(t, "two invoices", func() bool { return len(l.records) == 2 })
	screenshot(t, w, "invoices-export")
	dir := t.TempDir()
	for _, kind := range []string{exportXLSX, exportCSV, exportPDF} {
		path := filepath.Join(dir, "list."+kind)
		if kind == exportPDF {
			path = filepath.Join(dir, "pdfs.zip")
		}
		n, err := l.exportCount(path, kind)
		if err != nil || n != 2 {
			t.Fatalf("%s: %d, %v", kind, n, err)
		}
	}
	if err := l.exportTo(filepath.Join(dir, "folder"), exportPDF); err != nil {
		t.Fatal(err)
	}
	if files, _ := os.ReadDir(filepath.Join(dir, "folder")); len(files) != 2 {
		t.Errorf("folder holds %d files", len(files))
	}
	csvData, err := os.ReadFile(filepath.Join(dir, "list.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range l.records {
		if !strings.Contains(string(csvData), r.Invoice.Number) {
			t.Errorf("csv lacks %s", r.Invoice.Number)
		}
	}
	if strings.Contains(string(csvData), "另一家公司") {
		t.Error("csv holds an invoice the filter leaves out")
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "list.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetList()[0])
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var sheet strings.Builder
	for _, row := range rows {
		sheet.WriteString(strings.Join(row, ",") + "\n")
	}
	for _, r := range l.records {
		if !strings.Contains(sheet.String(), r.Invoice.Number) {
			t.Errorf("xlsx lacks %s:\n%s", r.Invoice.Number, sheet.String())
		}
	}
	z, err := zip.OpenReader(filepath.Join(dir, "pdfs.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	names := map[string]bool{}
	for _, f := range z.File {
		names[f.Name] = true
	}
	for _, r := range l.records {
		if !names[mustPDFName(t, r.Invoice)] {
			t.Errorf("zip lacks %s: %v", mustPDFName(t, r.Invoice), names)
		}
	}
	if len(z.File) != 2 {
		t.Errorf("zip holds %d files", len(z.File))
	}
}

// The detail shows an invoice's e-mail; 发送邮件 queues it to the address the clerk gives,
// the buyer's by default.
func TestInvoiceMail(t *testing.T) {
	ws := newWorkstation(t)
	u, w := newTestUI(t, ws)
	issueFor(t, ws, "M-1", "示例公司", "")
	l := u.list
	u.ShowInvoices()
	eventually(t, "the invoice", func() bool { return len(l.records) == 1 })
	l.show(l.records[0])
	if !strings.Contains(l.detail.Text, "邮件：未发送") {
		t.Fatalf("detail %q", l.detail.Text)
	}
	mailBtn := l.actions[len(l.actions)-1]
	if mailBtn.Text != "发送邮件" || mailBtn.Disabled() {
		t.Fatalf("button %q", mailBtn.Text)
	}
	test.Tap(mailBtn)
	if l.mailForm == nil {
		t.Fatal("no address asked")
	}
	screenshot(t, w, "invoice-mail")
	l.mailForm.Hide()
	if err := l.queueMail(l.records[0], "not an address"); err == nil {
		t.Error("a bad address must be refused")
	}
	if err := l.queueMail(l.records[0], "finance@example.com"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(l.detail.Text, "邮件：待发送至 finance@example.com") {
		t.Fatalf("detail %q", l.detail.Text)
	}
	st, err := dbOf(t, ws).MailStatusOf(l.records[0].ID)
	if err != nil || st.State != workstation.MailQueued || st.To != "finance@example.com" {
		t.Fatalf("status %+v, %v", st, err)
	}
}

// The administrator edits, deletes, exports and imports buyers and goods.
func TestMasterDataEditDeleteImport(t *testing.T) {
	ws := newWorkstation(t)
	if err := dbOf(t, ws).PutBuyers("张三", invoice.Party{Name: "示例公司", TaxID: testSeller},
		invoice.Party{Name: "另一家公司"}); err != nil {
		t.Fatal(err)
	}
	u, w := newTestUI(t, ws)
	m := u.master
	u.tabs.Select(u.masterTab)
	if len(m.buyers) != 2 {
		t.Fatalf("buyers %d", len(m.buyers))
	}
	row := 0
	if m.buyers[0].Name != "示例公司" {
		row = 1
	}
	m.buyerTable.Select(widget.TableCellID{Row: row})
	if m.buyerSel != row || m.buyerAction[0].Disabled() {
		t.Fatal("selecting a buyer enables its actions")
	}
	test.Tap(m.buyerAction[0])
	if m.form == nil {
		t.Fatal("no form")
	}
	m.fields["邮箱"].SetText("finance@example.com")
	m.fields["购买方名称"].SetText("示例有限公司")
	screenshot(t, w, "masterdata-edit")
	m.form.Submit()
	var found bool
	for _, p := range m.buyers {
		if p.Name == "示例公司" {
			t.Error("the old name stays after a rename")
		}
		found = found || p.Name == "示例有限公司" && p.Email == "finance@example.com" && p.TaxID == testSeller
	}
	if !found || len(m.buyers) != 2 {
		t.Fatalf("buyers %+v", m.buyers)
	}
	m.buyerTable.Select(widget.TableCellID{Row: 0})
	if err := m.deleteSelected(true); err != nil || len(m.buyers) != 1 {
		t.Fatalf("delete: %v, %d", err, len(m.buyers))
	}
	// Goods: a new item through the form, a bad rate refused.
	m.askGoods(-1)
	for k, v := range map[string]string{"商品名称": "软件开发服务", "税收分类编码": "3040201010000000000", "税率": "6%",
		"单位": "项", "单价（不含税）": "1000.50"} {
		m.fields[k].SetText(v)
	}
	m.form.Submit()
	if len(m.goods) != 1 || m.goods[0].Price.String() != "1000.5" || m.goods[0].ShortName == "" {
		t.Fatalf("goods %+v", m.goods)
	}
	// Export both and import them into a second workstation.
	dir := t.TempDir()
	if err := m.exportTo(true, filepath.Join(dir, "b.xlsx")); err != nil {
		t.Fatal(err)
	}
	if err := m.exportTo(false, filepath.Join(dir, "g.xlsx")); err != nil {
		t.Fatal(err)
	}
	ws2 := newWorkstation(t)
	u2, _ := newTestUI(t, ws2)
	for i, f := range []string{"b.xlsx", "g.xlsx"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if n, err := u2.master.importData(i == 0, data); err != nil || n != 1 {
			t.Fatalf("%s: %d, %v", f, n, err)
		}
	}
	if len(u2.master.buyers) != 1 || len(u2.master.goods) != 1 || u2.master.goods[0].Rate.Percent() != "6%" {
		t.Fatalf("imported %+v %+v", u2.master.buyers, u2.master.goods)
	}
	if _, err := u2.master.importData(false, []byte("not a workbook")); err == nil {
		t.Error("a bad file must be refused")
	}
}

// The month's figures by rate, and, once the device has made the month's 抄报, the
// comparison with it.
func TestMonthlyStatistics(t *testing.T) {
	clock := &sim.Clock{}
	ws := newWorkstationAt(t, clock)
	issueFor(t, ws, "S-1", "示例公司", "")
	issueFor(t, ws, "S-2", "示例公司", "")
	u, w := newTestUI(t, ws)
	s := u.stats
	month := time.Now().In(invoice.Beijing).Format("200601")
	if s.month.Text != month {
		t.Fatalf("month %q", s.month.Text)
	}
	u.tabs.Select(u.statsTab)
	if !strings.Contains(s.summary.Text, "蓝字 2 张，金额 ¥20.00，税额 ¥1.20，价税合计 ¥21.20") || len(s.rates) != 1 ||
		s.rates[0].Rate != "6%" || s.rates[0].BlueCount != 2 {
		t.Fatalf("summary %q, rates %+v", s.summary.Text, s.rates)
	}
	// The month is still open: the device has no 抄报 to compare with yet.
	test.Tap(s.check)
	eventually(t, "the comparison", func() bool { return !s.check.Disabled() && !strings.HasPrefix(s.compared.Text, "正在") })
	if !strings.Contains(s.compared.Text, "尚未抄报") {
		t.Fatalf("compared %q", s.compared.Text)
	}
	clock.Advance(32 * 24 * time.Hour)
	if _, err := ws.Device.Report(context.Background(), "ui-report-"+month, month); err != nil {
		t.Fatal(err)
	}
	test.Tap(s.check)
	eventually(t, "the comparison", func() bool { return !s.check.Disabled() && !strings.HasPrefix(s.compared.Text, "正在") })
	if s.compared.Text != "与税控设备抄报一致：蓝字 2 张，红字 0 张。" {
		t.Fatalf("compared %q", s.compared.Text)
	}
	screenshot(t, w, "statistics")
	s.month.SetText("2026-11")
	s.refresh()
	if !strings.Contains(s.summary.Text, "YYYYMM") {
		t.Errorf("a malformed month: %q", s.summary.Text)
	}
}

func TestMailText(t *testing.T) {
	at := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		st   workstation.MailStatus
		want string
	}{
		{workstation.MailStatus{}, "邮件：未发送"},
		{workstation.MailStatus{State: workstation.MailSent, To: "a@b.cn", SentAt: at}, "邮件：已于 2026-11-26 10:00 发送至 a@b.cn"},
		{workstation.MailStatus{State: workstation.MailFailed, To: "a@b.cn", Error: "550 no such user"}, "邮件：发送至 a@b.cn 失败：550 no such user"},
		{workstation.MailStatus{State: workstation.MailQueued, To: "a@b.cn", Attempts: 2, NextAt: at, Error: "421 busy"},
			"邮件：待发送至 a@b.cn（已尝试 2 次，下次 11-26 10:00）：421 busy"},
	} {
		if got := mailText(c.st); got != c.want {
			t.Errorf("%+v: %q, want %q", c.st, got, c.want)
		}
	}
}

func mustPDFName(t *testing.T, inv *invoice.Invoice) string {
	t.Helper()
	name, err := export.PDFName(inv)
	if err != nil {
		t.Fatal(err)
	}
	return name
}
