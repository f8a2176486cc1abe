package ui

import (
	"context"
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

// slipScreen is the 红字确认单 screen: the slips this enterprise started and those the
// other party started, the selected one's details, and what can be done with it now —
// request, confirm, refuse, withdraw, issue its red invoice. The slips live at the
// platform: the screen reads them afresh on every visit and after every action.
type slipScreen struct {
	u       *UI
	content fyne.CanvasObject

	dir      *keySelect // outgoing or incoming
	table    *selectTable
	slips    []Slip
	selected *Slip
	detail   *widget.Label
	note     *widget.Label // why the actions are off for the selected slip
	status   *widget.Label // the list's own state: loading, the platform's error
	pass     int
	// afterAnswer: the reload after an answer puts the focus on what comes next, once
	// the message is closed (focusNext); loading: a reload is under way.
	afterAnswer, loading bool

	requestBtn, confirmBtn, refuseBtn, withdrawBtn, redBtn, reloadBtn *button
}

// slipColumns are the list's columns.
var slipColumns = []struct {
	title string
	width float32
	cell  func(s *Slip) string
}{
	{"确认单编号", 180, func(s *Slip) string { return s.ID }},
	{"蓝字发票号码", 180, func(s *Slip) string { return s.Blue }},
	{"对方", 200, func(s *Slip) string { return s.counterpart().Name }},
	{"发起方", 90, func(s *Slip) string { return starterText(s) }},
	{"金额", 100, func(s *Slip) string { return yuan(s.Amount, false) }},
	{"税额", 85, func(s *Slip) string { return yuan(s.Tax, false) }},
	{"原因", 130, func(s *Slip) string { return lang.L(s.Reason.Text()) }},
	{"状态", 200, func(s *Slip) string { return lang.L(slipStateText[s.State]) }},
	{"申请时间", 130, func(s *Slip) string { return s.Created.In(invoice.Beijing).Format("2006-01-02 15:04") }},
}

// counterpart is the other enterprise of the slip.
func (s *Slip) counterpart() invoice.Party {
	if s.WeAreSeller() {
		return s.Buyer
	}
	return s.Seller
}

func starterText(s *Slip) string {
	if s.BySeller {
		return lang.L("销方")
	}
	return lang.L("购方")
}

const (
	dirOutgoing = iota
	dirIncoming
)

func newSlipScreen(u *UI) *slipScreen {
	s := &slipScreen{u: u, detail: message(""), note: widget.NewLabel(""), status: widget.NewLabel("")}
	s.note.Importance = widget.WarningImportance
	s.status.Importance = widget.DangerImportance
	s.dir = newKeySelect([]string{lang.L("我方发起"), lang.L("对方发起（待我方处理）")})
	s.dir.SetSelectedIndex(dirOutgoing)
	s.dir.OnChanged = func(string) { s.reload() }
	s.table = newTable(func() int { return len(s.slips) }, len(slipColumns),
		func(r, c int) string { return slipColumns[c].cell(&s.slips[r]) },
		func(c int) (string, float32) { return slipColumns[c].title, slipColumns[c].width },
		func(r int) { s.show(r) })
	s.requestBtn = newButton(lang.L("申请红字确认单"), func() { s.askRequest(nil, "") })
	s.reloadBtn = newButton(lang.L("刷新"), s.reload)
	s.confirmBtn = newButton(lang.L("确认"), func() { s.askAnswer(SlipConfirm) })
	s.refuseBtn = newButton(lang.L("拒绝"), func() { s.askAnswer(SlipRefuse) })
	s.withdrawBtn = newButton(lang.L("撤销"), func() { s.askAnswer(SlipWithdraw) })
	s.redBtn = newButton(lang.L("开具红字发票"), s.askRed)
	s.redBtn.Importance = widget.HighImportance
	s.clearSelection()
	top := container.NewHBox(widget.NewLabel(lang.L("确认单")), sized(s.dir, 260), s.requestBtn, s.reloadBtn, s.status)
	split := container.NewVSplit(s.table, container.NewBorder(nil,
		container.NewHBox(s.confirmBtn, s.refuseBtn, s.withdrawBtn, s.redBtn, s.note), nil, nil, container.NewVScroll(s.detail)))
	split.Offset = 0.55
	s.content = container.NewBorder(top, nil, nil, nil, split)
	return s
}

// incoming says the list shows the slips the other party started.
func (s *slipScreen) incoming() bool { return s.dir.SelectedIndex() == dirIncoming }

// reload reads the slips in the background; the selected one stays selected, read afresh.
func (s *slipScreen) reload() { s.reloadThen("") }

// reloadThen reloads and selects the slip id (the selected one when id is empty).
func (s *slipScreen) reloadThen(id string) {
	if id == "" && s.selected != nil {
		id = s.selected.ID
	}
	s.pass++
	pass, incoming, slips := s.pass, s.incoming(), s.u.ws.Slips
	s.status.SetText(lang.L("正在读取…"))
	s.loading = true
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		list, err := slips.List(ctx, incoming)
		cancel()
		onUI(func() {
			if pass != s.pass {
				return // a later reload, or the other direction, is under way
			}
			if err != nil {
				s.status.SetText(lang.L("无法读取确认单：") + clerkMessage(err))
				return
			}
			s.status.SetText("")
			s.slips = list
			s.table.Refresh()
			s.clearSelection()
			for i := range s.slips {
				if s.slips[i].ID == id {
					s.selectRow(i)
					break
				}
			}
			s.loading = false
			if s.afterAnswer && s.u.win.Canvas().Overlays().Top() == nil {
				s.afterAnswer = false
				s.focusNext()
			}
		})
	}()
}

func (s *slipScreen) selectRow(i int) {
	s.table.Select(widget.TableCellID{Row: i, Col: 0})
	s.show(i)
}

func (s *slipScreen) clearSelection() {
	s.selected = nil
	s.table.UnselectAll()
	s.table.row = -1
	s.detail.SetText("")
	s.note.SetText("")
	for _, b := range []*button{s.confirmBtn, s.refuseBtn, s.withdrawBtn, s.redBtn} {
		b.Disable()
	}
}

// show puts the slip of row i in the details and enables what applies to it.
func (s *slipScreen) show(i int) {
	sl := s.slips[i]
	s.selected = &sl
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s   %s %s %s\n", lang.L("确认单编号"), sl.ID, lang.L("状态"), sl.State, lang.L(slipStateText[sl.State]))
	fmt.Fprintf(&b, "%s %s\n", lang.L("蓝字发票"), sl.Blue)
	fmt.Fprintf(&b, "%s %s %s\n%s %s %s\n", lang.L("销售方"), sl.Seller.Name, sl.Seller.TaxID, lang.L("购买方"), sl.Buyer.Name, sl.Buyer.TaxID)
	fmt.Fprintf(&b, "%s %s   %s %s   %s %s\n", lang.L("发起方"), starterText(&sl), lang.L("原因"), lang.L(sl.Reason.Text()), lang.L("范围"), scopeText(sl))
	fmt.Fprintf(&b, "%s ¥%s   %s ¥%s   %s ¥%s\n", lang.L("红冲金额"), yuan(sl.Amount, false), lang.L("税额"), yuan(sl.Tax, false),
		lang.L("价税合计"), yuan(sl.Amount+sl.Tax, false))
	fmt.Fprintf(&b, "%s %s", lang.L("申请时间"), sl.Created.In(invoice.Beijing).Format("2006-01-02 15:04"))
	if sl.State == SlipSellerAsked || sl.State == SlipBuyerAsked {
		b.WriteString(lang.L("（{{.At}} 前未确认即作废）", map[string]any{"At": slipDeadline(sl).In(invoice.Beijing).Format("2006-01-02 15:04")}))
	}
	if sl.Red != "" {
		fmt.Fprintf(&b, "\n%s %s", lang.L("红字发票"), sl.Red)
	}
	s.detail.SetText(b.String())
	can := slipActions(sl)
	for a, btn := range map[SlipAction]*button{SlipConfirm: s.confirmBtn, SlipRefuse: s.refuseBtn, SlipWithdraw: s.withdrawBtn, "red": s.redBtn} {
		if can[a] {
			btn.Enable()
		} else {
			btn.Disable()
		}
	}
	s.note.SetText(slipNote(sl))
}

// scopeText says what the slip reverses.
func scopeText(sl Slip) string {
	switch {
	case len(sl.Lines) > 0:
		nums := make([]string, len(sl.Lines))
		for i, n := range sl.Lines {
			nums[i] = fmt.Sprint(n)
		}
		return lang.L("第 {{.Lines}} 行", map[string]any{"Lines": strings.Join(nums, "、")})
	case sl.Whole:
		return lang.L("全额")
	}
	return lang.L("部分金额")
}

// voided says a slip is void (05…09): nothing can be done with it any more.
func (st SlipState) voided() bool { return st >= SlipBuyerRefused }

// slipActions is what this workstation may do with a slip now: the other party confirms
// or refuses one waiting for it; the one who started it withdraws it until its red
// invoice is issued; the seller issues the red invoice of a confirmed slip or of one that
// needs no confirmation, once.
func slipActions(sl Slip) map[SlipAction]bool {
	waiting := sl.State == SlipSellerAsked || sl.State == SlipBuyerAsked
	return map[SlipAction]bool{
		SlipConfirm:  sl.Incoming && waiting,
		SlipRefuse:   sl.Incoming && waiting,
		SlipWithdraw: !sl.Incoming && (waiting || sl.State == SlipConfirmed) && sl.Red == "",
		"red":        sl.WeAreSeller() && (sl.State == SlipNoConfirm || sl.State == SlipConfirmed) && sl.Red == "",
	}
}

// slipNote says why nothing, or only some things, can be done with the slip now.
func slipNote(sl Slip) string {
	switch {
	case sl.Red != "":
		return lang.L("已开具红字发票 {{.N}}", map[string]any{"N": sl.Red})
	case sl.State.voided():
		return lang.L("确认单已作废，不能再开具红字发票")
	case (sl.State == SlipSellerAsked || sl.State == SlipBuyerAsked) && !sl.Incoming:
		return lang.L("等待对方确认")
	case (sl.State == SlipConfirmed || sl.State == SlipNoConfirm) && !sl.WeAreSeller():
		return lang.L("由销方开具红字发票")
	}
	return ""
}

// askAnswer confirms the answer with the clerk, then gives it in the background.
func (s *slipScreen) askAnswer(a SlipAction) {
	if s.selected == nil {
		return
	}
	sl := *s.selected
	title, text, yes := lang.L("确认红字确认单"), lang.L("确认红字确认单 {{.ID}}？确认后销方可开具红字发票。", map[string]any{"ID": sl.ID}), lang.L("确认")
	switch a {
	case SlipRefuse:
		title, text, yes = lang.L("拒绝红字确认单"), lang.L("拒绝红字确认单 {{.ID}}？拒绝后该确认单作废。", map[string]any{"ID": sl.ID}), lang.L("拒绝")
	case SlipWithdraw:
		title, text, yes = lang.L("撤销红字确认单"), lang.L("撤销红字确认单 {{.ID}}？撤销后该确认单作废。", map[string]any{"ID": sl.ID}), lang.L("撤销")
	}
	showConfirm(s.u.win, title, text, yes, nil, func() { s.answer(sl.ID, a) })
}

func (s *slipScreen) answer(id string, a SlipAction) {
	slips, win := s.u.ws.Slips, s.u.win
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		got, err := slips.Answer(ctx, id, a)
		cancel()
		onUI(func() {
			var kd *keyDialog
			if err != nil {
				kd = showError(win, errors.New(lang.L("操作失败：")+clerkMessage(err)))
			} else {
				kd = showInfo(win, lang.L("已完成"), lang.L("红字确认单 {{.ID}}：{{.State}}", map[string]any{"ID": got.ID, "State": lang.L(slipStateText[got.State])}))
			}
			s.told(kd)
			s.reloadThen(id)
		})
	}()
}

// told makes the message's closing hand the focus to what comes next (focusNext).
func (s *slipScreen) told(kd *keyDialog) {
	s.afterAnswer = true
	// After the dialog is gone: while it closes, the window hands the focus back to
	// what had it before the dialog (the answer's button, disabled by now).
	kd.onClosed = func() {
		onUI(func() {
			s.focusNext()
			if !s.loading { // else the reload's end moves the focus once more
				s.afterAnswer = false
			}
		})
	}
}

// focusNext puts the focus where the clerk goes after an answer: on 开具红字发票 when the
// slip now allows it, else on the list.
func (s *slipScreen) focusNext() {
	if !s.redBtn.Disabled() {
		s.u.win.Canvas().Focus(s.redBtn)
		return
	}
	s.u.win.Canvas().Focus(s.table)
}

// askRed confirms, then issues the red invoice of the selected slip.
func (s *slipScreen) askRed() {
	if s.selected == nil {
		return
	}
	sl := *s.selected
	text := lang.L("按红字确认单 {{.ID}} 开具红字发票，冲减蓝字发票 {{.Blue}} 价税合计 ¥{{.Total}}？",
		map[string]any{"ID": sl.ID, "Blue": sl.Blue, "Total": yuan(sl.Amount+sl.Tax, false)})
	showConfirm(s.u.win, lang.L("开具红字发票"), text, lang.L("开具"), nil, func() { s.issueRed(sl.ID) })
}

func (s *slipScreen) issueRed(id string) {
	slips, win := s.u.ws.Slips, s.u.win
	s.redBtn.Disable()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		red, err := slips.IssueRed(ctx, id)
		cancel()
		onUI(func() {
			if err != nil {
				s.told(showError(win, errors.New(lang.L("红冲失败：")+clerkMessage(err))))
			} else {
				s.told(showInfo(win, lang.L("红冲成功"), lang.L("红字发票 {{.N}}，价税合计 ¥{{.Total}}",
					map[string]any{"N": invoiceName(red.Code, red.Number), "Total": yuan(red.Totals().Total, false)})))
				s.u.ws.Service.SyncNow() // the platform learns the slip is used
			}
			s.reloadThen(id)
		})
	}()
}

// requestSlip opens the slip request for a digital invoice of the list: a 数电票 is
// reversed only through a confirmation slip (scope "whole" or "lines" preselected).
func (u *UI) requestSlip(blue *invoice.Invoice, scope string) {
	if u.slips == nil {
		showError(u.win, errors.New(lang.L("数电票须凭红字确认单冲红，而本程序未连接服务平台的红字确认单：请管理员配置服务平台")))
		return
	}
	u.slips.askRequest(blue, scope)
}

// codeCell is the invoice list's code column: a 数电票 has no code.
func codeCell(inv *invoice.Invoice) string {
	if isDigital(inv) {
		return lang.L("数电")
	}
	return inv.Code
}

// digitalHeading is the first line of a digital invoice's details: its title and number,
// and for a red one the blue invoice and the slip it reverses.
func digitalHeading(inv *invoice.Invoice) string {
	s := lang.L(inv.Kind.Title()) + "  " + lang.L("号码") + " " + inv.Number
	if inv.IsRed() {
		s += "  " + lang.L("（红字，对应 {{.Blue}}，确认单 {{.Slip}}）", map[string]any{"Blue": inv.Red.Number, "Slip": redSlip(inv.Red)})
	}
	return s + "\n"
}

// slipDeadline is when an unanswered slip becomes void: the platform's deadline, else
// 72 hours after it was made.
func slipDeadline(sl Slip) time.Time {
	if !sl.Deadline.IsZero() {
		return sl.Deadline
	}
	return sl.Created.Add(72 * time.Hour)
}

// redSlip is the slip a digital red invoice names.
func redSlip(r *invoice.RedLink) string { return r.Slip }
