package ui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
)

// The scopes of a slip request, in the order the dialog offers them.
const (
	scopeWhole = iota
	scopeLines
	scopeAmount
	scopeQuick
)

var scopeLabels = []string{"全额红冲", "部分商品行", "部分金额", "快捷全额红冲（无需对方确认时）"}

// slipForm is what the request dialog read: the fields as the clerk left them.
type slipForm struct {
	number string
	scope  int
	lines  []int // the lines ticked (1-based)
	amount string
	reason int // index into redReasons; -1 when none is chosen
}

// request checks the form and makes the request; blue is the invoice when this
// workstation issued it (nil when the clerk, as buyer, typed another's number).
func (f slipForm) request(blue *invoice.Invoice) (SlipRequest, error) {
	num := strings.TrimSpace(f.number)
	if len(num) != 20 || strings.Trim(num, "0123456789") != "" {
		return SlipRequest{}, errors.New(lang.L("蓝字发票号码“{{.N}}”无效：数电票号码为20位数字", map[string]any{"N": num}))
	}
	if f.reason < 0 || f.reason >= len(redReasons) {
		return SlipRequest{}, errors.New(lang.L("请选择冲红原因"))
	}
	r := SlipRequest{Of: num, Reason: redReasons[f.reason]}
	switch f.scope {
	case scopeQuick:
		r.Quick = true
	case scopeLines:
		if len(f.lines) == 0 {
			return SlipRequest{}, errors.New(lang.L("请选择要冲红的商品行"))
		}
		r.Lines = f.lines
	case scopeAmount:
		text := strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(f.amount), "¥"), ",", "")
		a, err := invoice.ParseMoney(text)
		if err != nil || a <= 0 {
			return SlipRequest{}, errors.New(lang.L("红冲金额“{{.V}}”无效：应为大于 0 的金额，最多两位小数", map[string]any{"V": f.amount}))
		}
		if blue != nil && a > blue.Totals().Amount {
			return SlipRequest{}, errors.New(lang.L("红冲金额 ¥{{.V}} 超过蓝字发票的金额 ¥{{.Max}}（不含税）",
				map[string]any{"V": yuan(a, false), "Max": yuan(blue.Totals().Amount, false)}))
		}
		r.Amount = a
	}
	return r, nil
}

// askRequest opens the request for a slip: for blue, an invoice this workstation issued
// (its lines can be chosen), or for a number the clerk types (as the buyer of another
// enterprise's invoice: the whole of it, or an amount).
func (s *slipScreen) askRequest(blue *invoice.Invoice, scope string) {
	win := s.u.win
	number := newEntry()
	number.noLeadingSpace = true
	number.SetPlaceHolder(lang.L("20位数电票号码"))
	scopes := scopeLabels[:]
	if blue == nil {
		scopes = []string{scopeLabels[scopeWhole], scopeLabels[scopeAmount]}
	}
	labels := make([]string, len(scopes))
	for i, l := range scopes {
		labels[i] = lang.L(l)
	}
	scopeSel := newKeySelect(labels)
	amount := newEntry()
	amount.SetPlaceHolder("1000.00")
	reason := newKeySelect(nil)
	for _, rs := range redReasons {
		reason.Options = append(reason.Options, fmt.Sprintf("%d %s", rs, lang.L(rs.Text())))
	}
	reason.PlaceHolder = lang.L("请选择冲红原因（←→ 选择）")
	lines := container.NewVBox()
	var picks []*widget.Check
	if blue != nil {
		number.SetText(blue.Number)
		number.Disable()
		for i, ln := range blue.Lines {
			c := widget.NewCheck(fmt.Sprintf("%d. %s  ¥%s", i+1, ln.PrintedName(), yuan(ln.Amount, false)), nil)
			picks = append(picks, c)
			lines.Add(c)
		}
	}
	amountRow := widget.NewForm(widget.NewFormItem(lang.L("红冲金额（不含税）"), amount))
	problem := message("")
	problem.Importance = widget.DangerImportance
	chosen := func() int { // the scope chosen, as scopeWhole…scopeAmount
		for i, l := range scopeLabels {
			if lang.L(l) == scopeSel.Selected {
				return i
			}
		}
		return scopeWhole
	}
	scopeSel.OnChanged = func(string) {
		lines.Hide()
		amountRow.Hide()
		switch chosen() {
		case scopeLines:
			lines.Show()
		case scopeAmount:
			amountRow.Show()
		}
	}
	scopeSel.SetSelectedIndex(0)
	if scope == "lines" && blue != nil {
		scopeSel.SetSelected(lang.L(scopeLabels[scopeLines]))
	}
	// One ID for the dialog: submitting again after a lost answer makes no second slip.
	var id [8]byte
	_, _ = rand.Read(id[:])
	requestID := fmt.Sprintf("UI-SLIP-%s-%s", s.u.ws.Now().Format("20060102150405"), hex.EncodeToString(id[:]))
	var kd *keyDialog
	ok := newButton(lang.L("提交申请"), func() {
		f := slipForm{number: number.Text, scope: chosen(), amount: amount.Text, reason: reason.SelectedIndex()}
		for i, c := range picks {
			if c.Checked {
				f.lines = append(f.lines, i+1)
			}
		}
		req, err := f.request(blue)
		if err != nil {
			problem.SetText(clerkMessage(err))
			return
		}
		req.RequestID = requestID
		kd.d.Hide()
		s.request(req)
	})
	ok.Importance = widget.HighImportance
	reason.onEnter, scopeSel.onEnter = ok.OnTapped, ok.OnTapped
	for _, e := range []*entry{number, amount} {
		e.OnSubmitted = func(string) { ok.OnTapped() }
	}
	cancel := newButton(lang.L("取消"), nil)
	hint := lang.L("数电票的红字发票须凭红字发票信息确认单开具：提交后由对方在72小时内确认，确认后由销方开具红字发票。")
	form := widget.NewForm(widget.NewFormItem(lang.L("蓝字发票号码"), number), widget.NewFormItem(lang.L("冲红范围"), scopeSel),
		widget.NewFormItem(lang.L("冲红原因"), reason))
	focus := fyne.Focusable(number)
	if blue != nil {
		focus = scopeSel
	}
	kd = showKeyDialog(win, lang.L("申请红字确认单"), container.NewVBox(sizedMessage(hint), form, lines, amountRow, problem), focus, nil, cancel, ok)
	cancel.OnTapped = kd.d.Hide
}

// request sends a slip request in the background; the new slip is then selected among
// the outgoing ones.
func (s *slipScreen) request(r SlipRequest) {
	slips, win := s.u.ws.Slips, s.u.win
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		sl, err := slips.Request(ctx, r)
		cancel()
		onUI(func() {
			if err != nil {
				showError(win, errors.New(lang.L("申请失败：")+clerkMessage(err)))
				return
			}
			text := lang.L("已提交红字确认单 {{.ID}}：{{.State}}", map[string]any{"ID": sl.ID, "State": lang.L(slipStateText[sl.State])})
			if sl.State == SlipNoConfirm && sl.WeAreSeller() {
				text += lang.L("。无需对方确认，可以开具红字发票。")
			}
			s.u.tabs.Select(s.u.slipsTab)
			s.dir.SetSelectedIndex(dirOutgoing) // reloads
			s.reloadThen(sl.ID)
			showInfo(win, lang.L("已申请"), text)
		})
	}()
}
