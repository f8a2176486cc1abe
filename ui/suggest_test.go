package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/workstation"
	"github.com/shopspring/decimal"
)

// saveMasterData saves buyers and goods as the master-data screen or an import would.
func saveMasterData(t *testing.T, ws *Workstation) {
	t.Helper()
	err := ws.Service.PutBuyers(
		invoice.Party{Name: "厦门示例科技有限公司", TaxID: "91350200776049653A", AddressPhone: "厦门市湖里区 0592-1234567", Email: "ap@example.com"},
		invoice.Party{Name: "厦门西岸贸易有限公司", TaxID: "91350203M0001QAY9C"})
	if err != nil {
		t.Fatal(err)
	}
	err = ws.Service.PutGoods(workstation.Goods{Name: "软件开发服务", TaxCode: "3040201010000000000", ShortName: "信息技术服务",
		Rate: invoice.Rate6, Unit: "项", Price: decimal.RequireFromString("5000.00")})
	if err != nil {
		t.Fatal(err)
	}
}

// The clerk types part of a buyer's name and of a line's name, picks the saved ones, and
// the form is filled and valid once the quantity is typed.
func TestClerkPicksSavedBuyerAndGoods(t *testing.T) {
	ws := newWorkstation(t)
	saveMasterData(t, ws)
	u, w := newTestUI(t, ws)
	u.ShowIssue()
	f := u.issue
	test.Type(f.buyer["buyer.name"], "厦门")
	if len(f.buyerSuggest.items) != 2 || !f.buyerSuggest.box.Visible() {
		t.Fatalf("%d buyers offered for 厦门", len(f.buyerSuggest.items))
	}
	test.Type(f.buyer["buyer.name"], "示例")
	if len(f.buyerSuggest.items) != 1 {
		t.Fatalf("%d buyers offered for 厦门示例", len(f.buyerSuggest.items))
	}
	test.Tap(f.buyerSuggest.items[0])
	if f.buyer["buyer.tax_id"].Text != "91350200776049653A" || f.buyer["buyer.email"].Text != "ap@example.com" ||
		f.buyerSuggest.box.Visible() {
		t.Fatalf("buyer not filled: %q %q", f.buyer["buyer.tax_id"].Text, f.buyer["buyer.email"].Text)
	}

	l := f.lines[0]
	test.Type(l.entries["name"], "软件")
	if len(l.suggest.items) != 1 || !strings.Contains(l.suggest.items[0].Text, "*信息技术服务*软件开发服务") {
		t.Fatalf("goods offered: %d", len(l.suggest.items))
	}
	screenshot(t, w, "issue-suggest")
	test.Tap(l.suggest.items[0])
	if l.entries["tax_code"].Text != "3040201010000000000" || l.rate.Selected != "6%" || l.entries["unit_price"].Text != "5000" {
		t.Fatalf("line not filled: %q %q %q", l.entries["tax_code"].Text, l.rate.Selected, l.entries["unit_price"].Text)
	}
	test.Type(l.entries["quantity"], "2")
	if f.problems.Text != "" || f.total.Text != "价税合计 ¥10,600.00" {
		t.Fatalf("problems %q, total %q", f.problems.Text, f.total.Text)
	}
}

// Lines can be moved: the invoice prints them in the form's order.
func TestClerkReordersLines(t *testing.T) {
	ws := newWorkstation(t)
	u, _ := newTestUI(t, ws)
	f := u.issue
	f.lines[0].entries["name"].SetText("第一")
	second := f.addLine()
	second.entries["name"].SetText("第二")
	f.moveLine(second, -1)
	if got := f.order().Lines; got[0].Name != "第二" || got[1].Name != "第一" {
		t.Fatalf("after moving up: %q, %q", got[0].Name, got[1].Name)
	}
	f.moveLine(second, -1) // already first: nothing moves
	f.moveLine(second, +1)
	if got := f.order().Lines; got[0].Name != "第一" || f.linesBox.Objects[1] != second.row {
		t.Fatalf("after moving down: %q", got[0].Name)
	}
}

// Issue 15, item 6: the suggestions are chosen with the arrow keys and Enter.
func TestSuggestionsByKeyboard(t *testing.T) {
	ws := newWorkstation(t)
	saveMasterData(t, ws)
	u, w := newTestUI(t, ws)
	u.ShowIssue()
	f := u.issue
	focusIs(t, w, f.buyer["buyer.name"], "the buyer's name")
	typeText(w, "厦门")
	if len(f.buyerSuggest.items) != 2 {
		t.Fatalf("%d buyers offered", len(f.buyerSuggest.items))
	}
	key(w, fyne.KeyDown)
	key(w, fyne.KeyDown)
	key(w, fyne.KeyUp)
	key(w, fyne.KeyReturn)
	if f.buyer["buyer.tax_id"].Text != "91350200776049653A" || f.buyerSuggest.visible() {
		t.Fatalf("the first buyer must be chosen: %q", f.buyer["buyer.tax_id"].Text)
	}
	w.Canvas().Focus(f.lines[0].entries["name"])
	typeText(w, "软件")
	key(w, fyne.KeyDown)
	key(w, fyne.KeyReturn)
	if l := f.lines[0]; l.entries["tax_code"].Text != "3040201010000000000" || l.rate.Selected != "6%" {
		t.Fatalf("the goods must be chosen: %q %q", l.entries["tax_code"].Text, l.rate.Selected)
	}
	// Without a suggestion highlighted, Down goes to the line below (there is none yet:
	// the focus stays), Escape closes the list.
	typeText(w, "x")
	key(w, fyne.KeyEscape)
	focusIs(t, w, f.lines[0].entries["name"], "the name, after Escape")
}
