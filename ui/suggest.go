package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/workstation"
)

// maxSuggestions keeps the list short enough to read at a glance.
const maxSuggestions = 6

// suggestBox lists, right under the field being typed, the saved buyers or goods that
// match; a tap fills the form. It lives in the form rather than in a pop-up because an
// overlay takes the keyboard focus away from the entry the clerk is typing in.
type suggestBox struct {
	box   *fyne.Container
	items []*widget.Button // as shown, for tests
	sel   int              // the highlighted item, which Enter picks; -1 for none
	// relayout lays the screen out again: the box changes height, and the containers
	// around it do not notice on every driver.
	relayout func()
}

func newSuggestBox(relayout func()) *suggestBox {
	s := &suggestBox{box: container.NewVBox(), relayout: relayout, sel: -1}
	s.box.Hide()
	return s
}

// show lists the suggestions, or hides the box when there are none.
func (s *suggestBox) show(labels []string, pick func(i int)) {
	s.box.RemoveAll()
	s.items = nil
	s.sel = -1
	for i, text := range labels {
		if i == maxSuggestions {
			break
		}
		b := widget.NewButton(text, func() { s.hide(); pick(i) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		s.items = append(s.items, b)
		s.box.Add(b)
	}
	if len(s.items) == 0 {
		s.hide()
		return
	}
	s.box.Show()
	s.relayout()
}

func (s *suggestBox) hide() {
	if !s.box.Visible() {
		return
	}
	s.box.RemoveAll()
	s.items = nil
	s.sel = -1
	s.box.Hide()
	s.relayout()
}

// offerBuyers suggests saved buyers as the clerk types the buyer's name.
func (f *issueForm) offerBuyers(text string) {
	text = strings.TrimSpace(text)
	if f.filling || text == "" {
		f.buyerSuggest.hide()
		return
	}
	parties := f.u.ws.Service.SuggestBuyers(text)
	var labels []string
	for _, p := range parties {
		if p.Name == text {
			f.buyerSuggest.hide() // already chosen or typed in full
			return
		}
		labels = append(labels, strings.TrimSpace(p.Name+"  "+p.TaxID))
	}
	f.buyerSuggest.show(labels, func(i int) { f.fillBuyer(parties[i]) })
}

// fillBuyer puts a saved buyer into the form.
func (f *issueForm) fillBuyer(p invoice.Party) {
	f.filling = true
	for path, v := range map[string]string{"buyer.name": p.Name, "buyer.tax_id": p.TaxID,
		"buyer.address_phone": p.AddressPhone, "buyer.bank_account": p.BankAccount, "buyer.email": p.Email} {
		f.buyer[path].SetText(v)
	}
	f.filling = false
	f.refresh()
}

// offerGoods suggests saved goods as the clerk types a line's name.
func (f *issueForm) offerGoods(l *lineRow, text string) {
	text = strings.TrimSpace(text)
	if f.filling || text == "" {
		l.suggest.hide()
		return
	}
	goods := f.u.ws.Service.SuggestGoods(text)
	var labels []string
	for _, g := range goods {
		if g.Name == text {
			l.suggest.hide()
			return
		}
		label := fmt.Sprintf("*%s*%s  %s  %s", g.ShortName, g.Name, g.TaxCode, g.Rate.Percent())
		if price := goodsPrice(g); price != "" {
			label += fmt.Sprintf("  ¥%s/%s", price, g.Unit)
		}
		labels = append(labels, label)
	}
	l.suggest.show(labels, func(i int) { f.fillGoods(l, goods[i]) })
}

// fillGoods puts saved goods into a line, leaving the quantity and amount to the clerk.
func (f *issueForm) fillGoods(l *lineRow, g workstation.Goods) {
	f.filling = true
	for key, v := range map[string]string{"name": g.Name, "tax_code": g.TaxCode, "unit": g.Unit, "spec": g.Spec,
		"unit_price": goodsPrice(g)} {
		l.entries[key].SetText(v)
	}
	l.rate.SetSelected(g.Rate.Percent())
	zero := ""
	for text, code := range zeroRateChoices {
		if code == string(g.ZeroRate) {
			zero = localized(text)
		}
	}
	l.zeroRate.SetSelected(zero)
	f.filling = false
	f.refresh()
}

// moveLine moves a line up (-1) or down (+1); the invoice prints its lines in this order.
func (f *issueForm) moveLine(l *lineRow, delta int) {
	for i, x := range f.lines {
		j := i + delta
		if x != l || j < 0 || j >= len(f.lines) {
			continue
		}
		f.lines[i], f.lines[j] = f.lines[j], f.lines[i]
		f.linesBox.RemoveAll()
		for _, r := range f.lines {
			f.linesBox.Add(r.row)
		}
		f.refresh()
		return
	}
}

func (s *suggestBox) visible() bool { return s.box.Visible() && len(s.items) > 0 }

// key lets the keyboard choose: Down and Up highlight the next or previous suggestion,
// Enter picks the highlighted one, Escape closes the list. It reports whether it used
// the key.
func (s *suggestBox) key(ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeyDown:
		s.highlight(min(s.sel+1, len(s.items)-1))
	case fyne.KeyUp:
		s.highlight(max(s.sel-1, -1))
	case fyne.KeyReturn, fyne.KeyEnter:
		if s.sel < 0 {
			return false
		}
		s.items[s.sel].OnTapped()
	case fyne.KeyEscape:
		s.hide()
	default:
		return false
	}
	return true
}

func (s *suggestBox) highlight(i int) {
	s.sel = i
	for j, b := range s.items {
		if j == i {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.LowImportance
		}
		b.Refresh()
	}
}

// goodsPrice is a saved unit price before tax as the form shows it; empty when none is saved.
func goodsPrice(g workstation.Goods) string {
	if g.Price.IsZero() {
		return ""
	}
	return g.Price.String()
}
