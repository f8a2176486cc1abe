package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/kaipiao/kaipiao/invoice"
)

// issueBlue issues a two-line blue invoice: 10 units of goods at 100.00 and a service.
func issueBlue(t *testing.T, ws *Workstation) *invoice.Invoice {
	t.Helper()
	outs, err := engineOf(t, ws).Issue(context.Background(), &invoice.Order{OrderID: "B-1", Buyer: invoice.OrderBuyer{Name: "厦门示例科技有限公司"},
		Lines: []invoice.OrderLine{
			{Name: "工作站", TaxCode: "1090509010000000000", Unit: "台", Quantity: "10", UnitPrice: "100.00", TaxRate: "0.13"},
			{Name: "安装服务", TaxCode: "3040201010000000000", Amount: "200.00", TaxRate: "0.06"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	return outs[0].Invoice
}

// The clerk returns 3 of 10 units (销货退回); the dialog then shows 7 left, refuses more
// than that, and the blue invoice lists its red one.
func TestClerkReversesPartOfAnInvoice(t *testing.T) {
	ws := newWorkstation(t)
	u, w := newTestUI(t, ws)
	blue := issueBlue(t, ws)
	u.ShowInvoices()
	eventually(t, "the list", func() bool { return len(u.list.records) == 1 })
	u.list.table.Select(widgetCell(0))
	if u.list.partBtn.Disabled() || u.list.redsBtn.Disabled() {
		t.Fatal("a blue invoice must offer partial red and its reds")
	}
	if got := u.list.showReds(); got != "尚未开具红字发票" {
		t.Fatalf("reds of a fresh invoice: %q", got)
	}

	rd := u.list.showPartialRed()
	if len(rd.rows) != 2 || !strings.Contains(rd.rows[0].pick.Text, "剩余 10台  ¥1,000.00") {
		t.Fatalf("rows: %d, first %q", len(rd.rows), rd.rows[0].pick.Text)
	}
	if !rd.rows[1].quantity.Disabled() {
		t.Error("an amount-only line has no quantity to reverse")
	}
	test.Tap(rd.ok)
	if rd.problem.Text != "请勾选要冲红的商品行" {
		t.Fatalf("nothing chosen: %q", rd.problem.Text)
	}
	rd.rows[0].pick.SetChecked(true)
	test.Type(rd.rows[0].quantity, "3")
	rd.reason.SetSelected("2 销货退回")
	screenshot(t, w, "red-partial")
	test.Tap(rd.ok)
	eventually(t, "the red invoice", func() bool { n, _ := dbOf(t, ws).Count(); return n == 2 })
	reds, _ := dbOf(t, ws).RedsOf(blue.Code, blue.Number)
	if len(reds) != 1 || reds[0].Red.Reason != invoice.ReasonReturn || reds[0].Totals().Amount != -30000 {
		t.Fatalf("reds %+v", reds)
	}

	// What remains is shown, and more than that is refused in the dialog itself.
	eventually(t, "the list reloaded", func() bool { return len(u.list.records) == 2 })
	eventually(t, "the red selected", func() bool { return u.list.selected != nil && u.list.selected.Invoice.IsRed() })
	for i, r := range u.list.records {
		if !r.Invoice.IsRed() {
			u.list.table.Select(widgetCell(i))
		}
	}
	rd = u.list.showPartialRed()
	if !strings.Contains(rd.rows[0].pick.Text, "剩余 7台  ¥700.00") {
		t.Fatalf("after returning 3: %q", rd.rows[0].pick.Text)
	}
	rd.rows[0].pick.SetChecked(true)
	test.Type(rd.rows[0].quantity, "8")
	test.Tap(rd.ok)
	eventually(t, "the refusal", func() bool { return strings.HasPrefix(rd.problem.Text, "红冲失败") })
	if !strings.Contains(rd.problem.Text, "尚可冲红的数量7") {
		t.Errorf("the refusal must say what is left: %q", rd.problem.Text)
	}
	if n, _ := dbOf(t, ws).Count(); n != 2 {
		t.Fatalf("reversing more than is left issued an invoice: %d", n)
	}
	rd.d.Hide()
	if got := u.list.showReds(); !strings.Contains(got, reds[0].Number) || !strings.Contains(got, "销货退回") ||
		!strings.Contains(got, "共 1 张") {
		t.Fatalf("its reds: %q", got)
	}
	screenshot(t, w, "red-list")
}
