package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
)

// digitalCard is the home screen's digital channel: the numbers left, the quota held and
// used, the upload deadline, why issuing is refused if it is, and fetching more or giving
// back what is not used.
type digitalCard struct {
	u       *UI
	content fyne.CanvasObject
	// pass numbers the refreshes: an overtaken one shows nothing (as homeScreen's).
	pass int

	numbers, quotaText, deadline, locks *widget.Label
	quota                               *gauge
	fetchBtn, returnBtn                 *button
	// last is the state shown, for the fetch dialog's hints.
	last DigitalStatus
}

func newDigitalCard(u *UI) *digitalCard {
	c := &digitalCard{u: u, numbers: message(""), quotaText: message(""), deadline: message(""), locks: message(""), quota: newGauge()}
	c.locks.Importance = widget.DangerImportance
	c.quota.TextFormatter = func() string {
		return lang.L("已使用 {{.P}}%", map[string]any{"P": fmt.Sprintf("%.0f", c.quota.Value*100)})
	}
	c.fetchBtn = newButton(lang.L("领取号码和额度"), c.askFetch)
	c.returnBtn = newButton(lang.L("退回额度和号码"), c.askReturn)
	if u.ws.Digital == nil {
		c.fetchBtn.Disable()
		c.returnBtn.Disable()
	}
	c.content = widget.NewCard(lang.L("数电票"), "", container.NewVBox(c.numbers, c.quotaText, c.quota, c.deadline, c.locks,
		container.NewHBox(c.fetchBtn, c.returnBtn)))
	return c
}

// refresh reads the channel's state in the background and shows it.
func (c *digitalCard) refresh() {
	c.pass++
	pass := c.pass
	dig, now := c.u.ws.Digital, c.u.ws.Now()
	if dig == nil {
		c.numbers.SetText(lang.L("本程序未配置数电通道"))
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		st, err := dig.Status(ctx)
		cancel()
		onUI(func() {
			if pass != c.pass {
				return
			}
			if err != nil {
				c.numbers.SetText(lang.L("无法读取数电通道：") + clerkMessage(err))
				c.quotaText.SetText("")
				c.deadline.SetText("")
				c.locks.SetText("")
				return
			}
			c.show(st, now)
		})
	}()
}

// show puts a state on the card.
func (c *digitalCard) show(st DigitalStatus, now time.Time) {
	c.last = st
	if st.NumbersHeld > 0 {
		c.numbers.SetText(lang.L("剩余号码 {{.N}} 个，下一张 {{.Next}}", map[string]any{"N": st.NumbersHeld, "Next": st.NextNumber}))
	} else {
		c.numbers.SetText(lang.L("剩余号码 0 个"))
	}
	c.quotaText.SetText(lang.L("授信额度：已领取 ¥{{.Held}}，已使用 ¥{{.Used}}，可用 ¥{{.Left}}",
		map[string]any{"Held": yuan(st.QuotaHeld, false), "Used": yuan(st.QuotaUsed, false), "Left": yuan(st.QuotaLeft(), false)}))
	used := 0.0
	if st.QuotaHeld > 0 {
		used = float64(st.QuotaUsed) / float64(st.QuotaHeld)
	}
	c.quota.SetValue(used)
	var locks []string
	switch {
	case st.UploadDeadline.IsZero():
		c.deadline.SetText(lang.L("上传截止：尚未领取，待上传 {{.N}} 张", map[string]any{"N": st.PendingUpload}))
	case now.After(st.UploadDeadline):
		at := st.UploadDeadline.In(invoice.Beijing).Format("2006-01-02 15:04")
		c.deadline.SetText(lang.L("上传截止 {{.At}}，已过；待上传 {{.N}} 张", map[string]any{"At": at, "N": st.PendingUpload}))
		locks = append(locks, lang.L("已过上传截止时间：请联网上传后重新领取"))
	default:
		at := st.UploadDeadline.In(invoice.Beijing).Format("2006-01-02 15:04")
		c.deadline.SetText(lang.L("上传截止 {{.At}}（还有 {{.Left}}），待上传 {{.N}} 张",
			map[string]any{"At": at, "Left": timeLeft(st.UploadDeadline.Sub(now)), "N": st.PendingUpload}))
	}
	if st.NumbersHeld == 0 {
		locks = append(locks, lang.L("没有可用的发票号码：请领取号码"))
	}
	if st.QuotaLeft() == 0 {
		locks = append(locks, lang.L("授信额度已用完：请领取额度"))
	}
	if len(locks) > 0 {
		c.locks.SetText(lang.L("无法开票：") + strings.Join(locks, "；"))
		c.locks.Show()
	} else {
		c.locks.SetText("")
		c.locks.Hide() // no empty line above the buttons
	}
	c.content.Refresh()
}

// timeLeft is a duration as the clerk reads it: days and hours, or hours and minutes.
func timeLeft(d time.Duration) string {
	if d >= 24*time.Hour {
		return lang.L("{{.D}} 天 {{.H}} 小时", map[string]any{"D": int(d / (24 * time.Hour)), "H": int(d % (24 * time.Hour) / time.Hour)})
	}
	return lang.L("{{.H}} 小时 {{.M}} 分钟", map[string]any{"H": int(d / time.Hour), "M": int(d % time.Hour / time.Minute)})
}

// fetchRequest reads the fetch dialog's fields: how many numbers (0 to 5,000) and how
// much quota (yuan, at least 0), at least one of them more than nothing.
func fetchRequest(numbersText, quotaText string) (int, invoice.Money, error) {
	numbersText, quotaText = strings.TrimSpace(numbersText), strings.TrimSpace(quotaText)
	n := 0
	if numbersText != "" {
		var err error
		n, err = strconv.Atoi(numbersText)
		if err != nil || n < 0 || n > MaxFetchNumbers {
			return 0, 0, errors.New(lang.L("号码个数“{{.V}}”无效：应为 0 到 {{.Max}} 的整数", map[string]any{"V": numbersText, "Max": MaxFetchNumbers}))
		}
	}
	var q invoice.Money
	if quotaText != "" {
		var err error
		q, err = invoice.ParseMoney(strings.ReplaceAll(strings.TrimPrefix(quotaText, "¥"), ",", ""))
		if err != nil || q < 0 {
			return 0, 0, errors.New(lang.L("额度“{{.V}}”无效：应为不小于 0 的金额，最多两位小数", map[string]any{"V": quotaText}))
		}
	}
	if n == 0 && q == 0 {
		return 0, 0, errors.New(lang.L("请填写要领取的号码个数或额度"))
	}
	return n, q, nil
}

// askFetch asks how many numbers and how much quota to fetch, then fetches them.
func (c *digitalCard) askFetch() {
	win := c.u.win
	numbers, quota := newEntry(), newEntry()
	numbers.SetText("100")
	quota.SetPlaceHolder("100000.00")
	problem := message("")
	problem.Importance = widget.DangerImportance
	var kd *keyDialog
	ok := newButton(lang.L("领取"), func() {
		n, q, err := fetchRequest(numbers.Text, quota.Text)
		if err != nil {
			problem.SetText(clerkMessage(err))
			return
		}
		kd.d.Hide()
		c.fetch(n, q)
	})
	ok.Importance = widget.HighImportance
	for _, e := range []*entry{numbers, quota} {
		e.OnSubmitted = func(string) { ok.OnTapped() }
	}
	cancel := newButton(lang.L("取消"), nil)
	hint := lang.L("向服务平台领取预赋号码（每次最多 {{.Max}} 个）和本月授信额度；领取后断网也可开票。", map[string]any{"Max": MaxFetchNumbers})
	form := widget.NewForm(widget.NewFormItem(lang.L("号码个数"), numbers), widget.NewFormItem(lang.L("额度（元）"), quota))
	kd = showKeyDialog(win, lang.L("领取号码和额度"), container.NewVBox(sizedMessage(hint), form, problem), numbers, nil, cancel, ok)
	cancel.OnTapped = kd.d.Hide
}

// fetch asks the platform in the background and shows what the workstation holds after.
func (c *digitalCard) fetch(n int, q invoice.Money) {
	dig, win := c.u.ws.Digital, c.u.win
	c.fetchBtn.Disable()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		st, err := dig.Fetch(ctx, n, q)
		cancel()
		onUI(func() {
			c.fetchBtn.Enable()
			if err != nil {
				showError(win, errors.New(lang.L("领取失败：")+clerkMessage(err)))
				c.refresh()
				return
			}
			showInfo(win, lang.L("已领取"), lang.L("现有号码 {{.N}} 个，可用额度 ¥{{.Left}}",
				map[string]any{"N": st.NumbersHeld, "Left": yuan(st.QuotaLeft(), false)}))
			c.show(st, c.u.ws.Now())
			c.refresh()
		})
	}()
}

// askReturn confirms, then gives back the unused quota and reports the unused numbers.
func (c *digitalCard) askReturn() {
	text := lang.L("将未使用的额度 ¥{{.Left}} 退回服务平台，并将未使用的 {{.N}} 个号码报告为未使用（这些号码不能再用）。退回后须重新领取才能开票。",
		map[string]any{"Left": yuan(c.last.QuotaLeft(), false), "N": c.last.NumbersHeld})
	showConfirm(c.u.win, lang.L("退回额度和号码"), text, lang.L("退回"), nil, c.giveBack)
}

func (c *digitalCard) giveBack() {
	dig, win := c.u.ws.Digital, c.u.win
	c.returnBtn.Disable()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		got, err := dig.Return(ctx)
		cancel()
		onUI(func() {
			c.returnBtn.Enable()
			if err != nil {
				showError(win, errors.New(lang.L("退回失败：")+clerkMessage(err)))
			} else {
				showInfo(win, lang.L("已退回"), lang.L("已退回额度 ¥{{.Quota}}，报告未使用号码 {{.N}} 个",
					map[string]any{"Quota": yuan(got.Quota, false), "N": got.Numbers}))
			}
			c.refresh()
		})
	}()
}
