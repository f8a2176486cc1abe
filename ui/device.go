package ui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
)

// DevicePanel is what the administrator's device panel asks of the tax-control device.
// The service's Panel (workstation.DevicePanel) converts the device's answers; nil hides the panel.
type DevicePanel interface {
	Status(ctx context.Context) (DeviceStatus, error)
	Stock(ctx context.Context) ([]DeviceRoll, error)
	Offline(ctx context.Context) (DeviceOffline, error)
	// Report makes the monthly summary (抄报) of the open period; Clear closes it (清卡).
	// The request ID makes a repeat return the first answer instead of acting twice.
	Report(ctx context.Context, requestID, period string) (DeviceReport, error)
	Clear(ctx context.Context, requestID, period string) (DeviceStatus, error)
	ChangePIN(ctx context.Context, requestID, oldPIN, newPIN string) error
}

// deviceScreen is the administrator's view of the device: invoice stock, the offline
// counters and when they lock issuing, the monthly report and clear, and the PIN.
type deviceScreen struct {
	u       *UI
	dev     DevicePanel
	content fyne.CanvasObject

	identity, stock, offline, period *widget.Label
	locks, result                    *widget.Label
	report, clear                    *widget.Button
	oldPIN, newPIN, again            *entry
	pinBtn                           *widget.Button
	pinResult                        *widget.Label

	st DeviceStatus // as last read; the period the buttons act on
	// pass numbers the reads: one overtaken by a later one (the read at start and the
	// tab's, say, around an invoice issued) shows nothing, so the stock never goes back.
	pass int

	absent *widget.Label // why the panel is disabled, while the device is not connected
}

func newDeviceScreen(u *UI) *deviceScreen {
	s := &deviceScreen{u: u, dev: u.ws.Device, identity: widget.NewLabel(""), stock: widget.NewLabel(""),
		offline: widget.NewLabel(""), period: widget.NewLabel(""), locks: widget.NewLabel(""), result: widget.NewLabel(""),
		oldPIN: newPasswordEntry(), newPIN: newPasswordEntry(), again: newPasswordEntry(),
		pinResult: widget.NewLabel(""), absent: widget.NewLabel("")}
	s.absent.Importance, s.absent.Wrapping = widget.DangerImportance, fyne.TextWrapWord
	s.absent.Hide()
	s.locks.Importance = widget.DangerImportance
	for _, l := range []*widget.Label{s.locks, s.result, s.offline, s.pinResult} {
		l.Wrapping = fyne.TextWrapWord
	}
	s.report = widget.NewButton(lang.L("抄报"), func() { s.confirm(lang.L("抄报"), "对本期（{{.Period}}）进行抄报？", s.doReport) })
	s.clear = widget.NewButton(lang.L("清卡"), func() {
		s.confirm(lang.L("清卡"), "对本期（{{.Period}}）进行清卡？清卡后开始新的开票期。", s.doClear)
	})
	s.pinBtn = widget.NewButton(lang.L("修改设备口令"), s.changePIN)
	pinForm := widget.NewForm(widget.NewFormItem(lang.L("原口令"), s.oldPIN), widget.NewFormItem(lang.L("新口令"), s.newPIN),
		widget.NewFormItem(lang.L("再次输入"), s.again))
	s.content = container.NewVScroll(container.NewVBox(
		s.absent,
		widget.NewCard(lang.L("税控设备"), "", container.NewVBox(s.identity, s.locks)),
		widget.NewCard(lang.L("发票库存"), "", s.stock),
		widget.NewCard(lang.L("离线开票"), "", s.offline),
		widget.NewCard(lang.L("抄报与清卡"), "", container.NewVBox(s.period, container.NewHBox(s.report, s.clear), s.result)),
		widget.NewCard(lang.L("设备口令"), "", container.NewVBox(pinForm, container.NewHBox(s.pinBtn), s.pinResult)),
		container.NewHBox(widget.NewButton(lang.L("刷新"), s.refresh)),
	))
	return s
}

// errDeviceNotAdmin refuses a clerk the device panel: 抄报, 清卡 and the PIN are the
// administrator's.
var errDeviceNotAdmin = invoice.NewSentinel("access.device")

// deviceMessage is a device error as the clerk reads it: the device's reason, which
// the device's error (device.Error, which ui does not import) words in either language.
func deviceMessage(err error) string { return clerkMessage(err) }

// refresh reads the device in the background and shows what it found.
// setLink disables the panel, saying why, while the device is not connected.
func (s *deviceScreen) setLink(st LinkState, changed bool) {
	if st.Connected {
		s.absent.Hide()
		if changed { // back: read the device again, which enables what it allows
			s.pinBtn.Enable()
			s.refresh()
		}
		return
	}
	s.absent.SetText(fmt.Sprintf(lang.L("税控设备不可用：%s。设备连接后才能抄报、清卡和修改口令。"), s.u.noDeviceReason()))
	s.absent.Show()
	for _, b := range []*widget.Button{s.report, s.clear, s.pinBtn} {
		b.Disable()
	}
}

func (s *deviceScreen) refresh() {
	if !s.u.deviceReady() {
		return
	}
	s.pass++
	pass := s.pass
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		st, err := s.dev.Status(ctx)
		var rolls []DeviceRoll
		var off DeviceOffline
		if err == nil {
			rolls, err = s.dev.Stock(ctx)
		}
		if err == nil {
			off, err = s.dev.Offline(ctx)
		}
		onUI(func() {
			if pass != s.pass {
				return // a later read is under way
			}
			if err != nil {
				s.identity.SetText(lang.L("未连接：") + deviceMessage(err))
				s.report.Disable()
				s.clear.Disable()
				return
			}
			s.show(st, rolls, off)
		})
	}()
}

// show puts a reading of the device on the screen.
func (s *deviceScreen) show(st DeviceStatus, rolls []DeviceRoll, off DeviceOffline) {
	s.st = st
	pin := lang.L("已验证")
	switch {
	case st.PINLocked:
		pin = lang.L("已锁定")
	case !st.PINVerified:
		pin = lang.L("未验证（还可尝试 {{.N}} 次）", map[string]any{"N": st.PINTriesLeft})
	}
	s.identity.SetText(lang.L("机器编号 {{.Machine}}  纳税人识别号 {{.TaxID}}  设备时间 {{.Clock}}  口令{{.PIN}}", map[string]any{
		"Machine": st.Machine, "TaxID": st.SellerTaxID, "Clock": st.Clock.In(invoice.Beijing).Format("2006-01-02 15:04"), "PIN": pin}))
	locks := st.Locks
	s.locks.SetText("")
	if len(locks) > 0 {
		s.locks.SetText(lang.L("开票已锁定：") + sayAll(locks))
	}
	s.stock.SetText(stockText(rolls))
	s.offline.SetText(offlineText(off))
	reported := lang.L("未抄报")
	if st.Reported {
		reported = lang.L("已抄报")
	}
	s.period.SetText(lang.L("本期 {{.Period}}：{{.State}}", map[string]any{"Period": st.Period, "State": reported}))
	s.report.Enable()
	s.clear.Enable()
	s.content.Refresh() // the cards grow with their text
}

// stockText lists the rolls of invoice numbers (发票卷) type by type — each invoice type
// has its own stock (docs/rules.md "Invoice code") — what is left of the type, then one
// line a roll; then the total left.
func stockText(rolls []DeviceRoll) string {
	if len(rolls) == 0 {
		return lang.L("设备中没有发票，请领购")
	}
	var b strings.Builder
	total := 0
	for _, k := range invoice.Kinds {
		var lines strings.Builder
		left, n := 0, 0
		for _, r := range rolls {
			if r.Kind() != k {
				continue
			}
			n++
			if r.Unopened() {
				lines.WriteString(lang.L("  未开卷 {{.Left}} 张", map[string]any{"Left": r.Remaining}) + "\n")
				left += int(r.Remaining)
				continue
			}
			lines.WriteString(lang.L("  代码 {{.Code}}  号码 {{.From}}–{{.To}}  剩余 {{.Left}} 张", map[string]any{"Code": r.Code,
				"From": fmt.Sprintf("%08d", r.Start), "To": fmt.Sprintf("%08d", r.Start+r.Count-1), "Left": r.Remaining}))
			if r.Remaining > 0 {
				lines.WriteString(lang.L("  下一张 {{.Next}}", map[string]any{"Next": r.Next()}))
			}
			lines.WriteString("\n")
			left += int(r.Remaining)
		}
		kind := kindTitle(k)
		if n == 0 {
			b.WriteString(lang.L("{{.Kind}}：没有库存，请领购", map[string]any{"Kind": kind}) + "\n")
			continue
		}
		b.WriteString(lang.L("{{.Kind}}：剩余 {{.Left}} 张", map[string]any{"Kind": kind, "Left": left}) + "\n")
		b.WriteString(lines.String())
		total += left
	}
	b.WriteString(lang.L("共剩余 {{.Left}} 张", map[string]any{"Left": total}))
	return b.String()
}

// kindTitle is an invoice type's name in the window's language.
func kindTitle(k invoice.Kind) string {
	if k == invoice.KindSpecial {
		return lang.L("电子专用发票")
	}
	return lang.L("电子普通发票")
}

// offlineText shows the offline counters against their limits and when issuing locks:
// the oldest un-uploaded invoice plus the allowed offline hours.
func offlineText(off DeviceOffline) string {
	s := lang.L("未上传 {{.N}} 张，金额 ¥{{.Amount}} / 上限 ¥{{.Limit}}；离线时长上限 {{.Hours}} 小时；单张限额 ¥{{.PerInvoice}}", map[string]any{
		"N": off.Pending, "Amount": off.PendingAmount.String(), "Limit": off.AmountLimit.String(), "Hours": off.HoursLimit,
		"PerInvoice": off.InvoiceLimit.String()})
	if off.OldestPending.IsZero() {
		return s + "\n" + lang.L("没有未上传的发票")
	}
	lock := off.OldestPending.Add(time.Duration(off.HoursLimit) * time.Hour)
	return s + "\n" + lang.L("最早未上传 {{.Oldest}}；若仍未上传，将于 {{.Lock}} 锁定开票", map[string]any{
		"Oldest": off.OldestPending.In(invoice.Beijing).Format("2006-01-02 15:04"), "Lock": lock.In(invoice.Beijing).Format("2006-01-02 15:04")})
}

// confirm asks before a report or a clear: both change the device for good.
func (s *deviceScreen) confirm(title, question string, do func()) {
	showConfirm(s.u.win, title, lang.L(question, map[string]any{"Period": s.st.Period}), lang.L("确定"), nil, do)
}

// doReport makes the open period's 抄报. The request ID names the period, so doing it
// again shows the same report instead of making another.
func (s *deviceScreen) doReport() {
	period := s.st.Period
	s.act(func(ctx context.Context) (string, error) {
		r, err := s.dev.Report(ctx, "ui-report-"+period, period)
		if err != nil {
			return "", err
		}
		return lang.L("{{.Period}} 抄报完成：蓝字 {{.Count}} 张，金额 ¥{{.Amount}}，税额 ¥{{.Tax}}；红字 {{.RedCount}} 张，金额 ¥{{.RedAmount}}，税额 ¥{{.RedTax}}",
			map[string]any{"Period": r.Period, "Count": r.Count, "Amount": r.Amount.String(), "Tax": r.Tax.String(),
				"RedCount": r.RedCount, "RedAmount": r.RedAmount.String(), "RedTax": r.RedTax.String()}), nil
	})
}

// doClear closes the reported period (清卡).
func (s *deviceScreen) doClear() {
	period := s.st.Period
	s.act(func(ctx context.Context) (string, error) {
		st, err := s.dev.Clear(ctx, "ui-clear-"+period, period)
		if err != nil {
			return "", err
		}
		return lang.L("{{.Period}} 清卡完成，当前开票期 {{.Open}}", map[string]any{"Period": period, "Open": st.Period}), nil
	})
}

// act runs a report or a clear in the background and shows its outcome.
func (s *deviceScreen) act(do func(context.Context) (string, error)) {
	s.report.Disable()
	s.clear.Disable()
	s.result.Importance = widget.MediumImportance
	s.result.SetText(lang.L("正在与税控设备通信…"))
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		text, err := do(ctx)
		onUI(func() {
			if err != nil {
				s.result.Importance = widget.DangerImportance
				text = lang.L("失败：") + deviceMessage(err)
			}
			s.result.SetText(text)
			s.refresh()
		})
	}()
}

// changePIN changes the device PIN after checking the two new entries agree.
func (s *deviceScreen) changePIN() {
	old, pin := s.oldPIN.Text, s.newPIN.Text
	switch {
	case old == "" || pin == "":
		s.pinFailed(lang.L("请填写原口令和新口令"))
		return
	case pin != s.again.Text:
		s.pinFailed(lang.L("两次输入的新口令不一致"))
		return
	case len(pin) < 6:
		s.pinFailed(lang.L("新口令至少 6 位"))
		return
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	id := "ui-pin-" + hex.EncodeToString(b[:])
	s.pinBtn.Disable()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err := s.dev.ChangePIN(ctx, id, old, pin)
		onUI(func() {
			s.pinBtn.Enable()
			if err != nil {
				s.pinFailed(lang.L("修改失败：") + deviceMessage(err))
				return
			}
			for _, e := range []*entry{s.oldPIN, s.newPIN, s.again} {
				e.SetText("")
			}
			s.pinResult.Importance = widget.SuccessImportance
			s.pinResult.SetText(lang.L("设备口令已修改；请同时更新 KAIPIAO_DEVICE_PIN"))
		})
	}()
}

func (s *deviceScreen) pinFailed(why string) {
	s.pinResult.Importance = widget.DangerImportance
	s.pinResult.SetText(why)
}
