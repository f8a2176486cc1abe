package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
)

// Without its device the window says what is wrong, on which port and what to do, on
// every screen; issuing and the device panel are disabled with the reason; the invoice
// list, preview and PDF export work. Once the device is back, all is offered again.
func TestNoDeviceBannerOnEveryScreen(t *testing.T) {
	ws := newWorkstation(t)
	blue := issueBlue(t, ws)
	absent := LinkState{Port: "/dev/ttyNOPE", Problem: "未找到税控设备：端口 /dev/ttyNOPE 不存在",
		Hint: "请插好税控设备的USB线；设备换了USB口时，请在“设置”中重新选择端口。"}
	fake(ws).link = func() LinkState { return absent }
	retried := 0
	fake(ws).retry = func() { retried++ }
	fake(ws).choose = func(string) {}
	u, w := newTestUI(t, ws)

	if b := u.Banner(); !strings.Contains(b, "/dev/ttyNOPE") || !strings.Contains(b, "USB") {
		t.Fatalf("banner %q: want the problem, the port and what to do", b)
	}
	for _, tab := range u.tabs.Items {
		u.tabs.Select(tab)
		if !u.banner.content.Visible() {
			t.Fatalf("no banner on %q", tab.Text)
		}
	}
	if u.CanIssue() || !u.issue.issueBtn.Disabled() || !u.inbox.issueBtn.Disabled() {
		t.Fatal("issuing is offered without the device")
	}
	if !u.device.absent.Visible() || !u.device.report.Disabled() || !u.device.clear.Disabled() || !u.device.pinBtn.Disabled() {
		t.Fatal("the device panel is usable without the device")
	}
	if !strings.Contains(u.device.absent.Text, "/dev/ttyNOPE") {
		t.Errorf("the device panel's reason %q", u.device.absent.Text)
	}
	// What does not need the device works.
	if n := u.ListedInvoices(); n != 1 {
		t.Fatalf("the invoice list shows %d invoices", n)
	}
	screenshot(t, w, "nodevice-banner")
	if !u.PreviewFirst() {
		t.Fatal("no preview")
	}
	dismissDialogs(w)
	dir := filepath.Join(t.TempDir(), "pdfs")
	if n, err := u.ExportPDFs(dir); err != nil || n != 1 {
		t.Fatalf("PDF export: %d, %v", n, err)
	}
	files, _ := os.ReadDir(dir)
	if len(files) != 1 || !strings.Contains(files[0].Name(), blue.Number) {
		t.Fatalf("exported %v", files)
	}
	tapButton(t, u.banner.content, "重试")
	if retried != 1 {
		t.Fatal("重试 did not ask the link to retry")
	}

	// The device is back: the banner goes, issuing and the panel come back.
	u.SetLink(LinkState{Connected: true, Port: "/dev/ttyUSB0"})
	if u.Banner() != "" || !u.CanIssue() {
		t.Fatalf("after the reconnection: banner %q, can issue %v", u.Banner(), u.CanIssue())
	}
	eventually(t, "the device panel read again", func() bool { return !u.device.absent.Visible() && !u.device.pinBtn.Disabled() })
}

// A partly issued order is listed above the invoices with "issue the rest", which
// completes it and clears the mark.
func TestPartlyIssuedOrderIsShownAndCompleted(t *testing.T) {
	ws := newWorkstation(t)
	u, w := newTestUI(t, ws)
	o := &invoice.Order{OrderID: "PART-1", Buyer: invoice.OrderBuyer{Name: "厦门某某贸易有限公司"},
		Lines: []invoice.OrderLine{{Name: "服务器", TaxCode: "1090509010000000000", Unit: "台", Quantity: "2",
			UnitPrice: "90000", TaxRate: "0.13"}}}
	if err := dbOf(t, ws).MarkPartlyIssued(invoice.PartlyIssued{OrderID: o.OrderID, Order: o, Parts: 2, Issued: 0,
		Reason: "税控设备已断开"}, "张三"); err != nil {
		t.Fatal(err)
	}
	u.ListedInvoices()
	if !u.list.partial.content.Visible() {
		t.Fatal("the partly issued order is not shown")
	}
	screenshot(t, w, "partly-issued")
	tapButton(t, u.list.partial.content, "开具剩余")
	eventually(t, "the rest issued", func() bool {
		left, _ := dbOf(t, ws).PartlyIssuedOrders()
		return len(left) == 0
	})
	recs, err := dbOf(t, ws).ByOrder("PART-1")
	if err != nil || len(recs) != 2 {
		t.Fatalf("order PART-1 has %d invoices, %v", len(recs), err)
	}
	eventually(t, "the strip cleared", func() bool { return !u.list.partial.content.Visible() })
	dismissDialogs(w)
}
