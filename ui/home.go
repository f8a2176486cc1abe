package ui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/workstation"
)

// homeScreen shows the state of the device and of the sync at a glance, and today's
// invoices.
type homeScreen struct {
	u       *UI
	content fyne.CanvasObject
	// pass numbers the refreshes: one that was overtaken by a later one shows nothing,
	// so the screen never goes back to an older state.
	pass int

	device, stock, locks *widget.Label
	offline              *gauge
	offlineText          *widget.Label
	// offlineTime is how much of the offline hours the oldest un-uploaded invoice has
	// used; the label beside it says when issuing locks.
	offlineTime     *gauge
	offlineTimeText *widget.Label
	queue, today    *widget.Label
	retry           *widget.Button // shown when the platform refused invoices
	digital         *digitalCard   // in place of the device's card on the digital channel
	slips           *slipNotice    // the slips waiting for an answer, where there are slips
}

func newHomeScreen(u *UI) *homeScreen {
	h := &homeScreen{u: u, device: widget.NewLabel(""), stock: widget.NewLabel(""), locks: widget.NewLabel(""),
		offline: newGauge(), offlineText: widget.NewLabel(""), queue: widget.NewLabel(""),
		today: widget.NewLabel("")}
	h.locks.Importance = widget.DangerImportance
	// Every line wraps: a long message grows downwards and never widens the window.
	for _, l := range []*widget.Label{h.device, h.stock, h.locks, h.offlineText, h.queue, h.today} {
		l.Wrapping = fyne.TextWrapWord
	}
	h.offline.TextFormatter = func() string { return fmt.Sprintf("%.0f%%", h.offline.Value*100) }
	h.offlineTime, h.offlineTimeText = newGauge(), message("")
	h.offlineTime.TextFormatter = func() string { return fmt.Sprintf("%.0f%%", h.offlineTime.Value*100) }
	refresh := widget.NewButton(lang.L("刷新"), h.refresh)
	h.retry = widget.NewButton(lang.L("重新上传失败的发票"), h.retryDead)
	h.retry.Hide()
	var channel fyne.CanvasObject = widget.NewCard(lang.L("税控设备"), "", container.NewVBox(h.device, h.stock, h.offlineText, h.offline, h.offlineTimeText, h.offlineTime, h.locks))
	if channelOf(u.ws) == ChannelDigital {
		h.digital = newDigitalCard(u)
		channel = h.digital.content
	}
	cards := []fyne.CanvasObject{channel}
	if u.ws.Slips != nil {
		h.slips = newSlipNotice(u)
		cards = append(cards, h.slips.content)
	}
	// Scrolled: with the slips' card the screen can be taller than a laptop's 728 pixels.
	h.content = container.NewVScroll(container.NewVBox(append(cards,
		widget.NewCard(lang.L("数据同步"), "", container.NewVBox(h.queue, h.retry)),
		widget.NewCard(lang.L("今日开票"), "", h.today),
		container.NewHBox(refresh),
	)...))
	return h
}

// refresh reads the device and the store in the background and shows what it found.
func (h *homeScreen) refresh() {
	ws := h.u.ws
	if h.digital != nil {
		h.digital.refresh()
	}
	if h.slips != nil {
		h.slips.refresh()
	}
	h.pass++
	pass := h.pass
	ready, reason := h.u.deviceReady(), h.u.noDeviceReason() // read on the UI goroutine
	go func() {
		var devText, stockText, offText, lockText, timeText string
		var offFrac, timeFrac float64
		if !ready {
			devText = lang.L("未连接：") + reason // the banner says what to do
		} else {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			st, err := ws.Service.ChannelState(ctx)
			cancel()
			if err != nil {
				devText = lang.L("未连接：") + deviceMessage(err)
			} else {
				devText = lang.L("已连接  机器编号 {{.Machine}}  下一张 {{.Next}}", map[string]any{"Machine": st.Machine, "Next": st.NextNumber})
				stockText = lang.L("剩余发票 {{.N}} 张", map[string]any{"N": st.StockLeft})
				offText = lang.L("离线开票金额 ¥{{.Amount}} / ¥{{.Limit}}，离线时长上限 {{.Hours}} 小时",
					map[string]any{"Amount": yuan(st.OfflineAmount, false), "Limit": yuan(st.OfflineLimit, false), "Hours": st.OfflineHours})
				if !st.OldestPending.IsZero() {
					offText += lang.L("，最早未上传 {{.At}}", map[string]any{"At": st.OldestPending.In(invoice.Beijing).Format("01-02 15:04")})
				}
				if st.OfflineLimit > 0 {
					offFrac = float64(st.OfflineAmount) / float64(st.OfflineLimit)
				}
				if !st.OldestPending.IsZero() && st.OfflineHours > 0 {
					limit := time.Duration(st.OfflineHours) * time.Hour
					lockAt := st.OldestPending.Add(limit)
					timeFrac = min(1, float64(ws.Now().Sub(st.OldestPending))/float64(limit))
					timeText = lang.L("离线时长：若仍未上传，将于 {{.At}} 锁定开票", map[string]any{"At": lockAt.In(invoice.Beijing).Format("2006-01-02 15:04")})
				} else {
					timeText = lang.L("离线时长：没有未上传的发票")
				}
				if len(st.Locks) > 0 {
					lockText = lang.L("已锁定：") + sayAll(st.Locks)
				}
			}
		}
		queued, dead, qerr := ws.Service.PendingCount()
		st, syncOn := ws.Service.SyncStatus()
		queueText := lang.L("待上传 {{.Queued}} 张，失败 {{.Dead}} 张", map[string]any{"Queued": queued, "Dead": dead})
		switch {
		case qerr != nil:
			queueText = clerkMessage(qerr)
		case !syncOn:
			queueText += lang.L("。未配置服务平台：发票在本机排队，配置后自动上传")
		default:
			if !st.LastSuccess.IsZero() {
				// Beijing time, as the invoices and their PDFs show it.
				queueText += lang.L("。上次同步 ") + st.LastSuccess.In(invoice.Beijing).Format("15:04:05")
			}
			if st.LastError != "" {
				queueText += "\n" + syncProblem(st.LastError)
			}
		}
		// Today as the invoices count it: the Beijing day, whatever the computer's zone.
		now := ws.Now().In(invoice.Beijing)
		day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, invoice.Beijing)
		page, err := ws.Service.List(workstation.Query{From: day, To: day.AddDate(0, 0, 1), Limit: 10000})
		todayText := ""
		if err != nil {
			todayText = clerkMessage(err)
		} else {
			var red int
			for _, r := range page.Records {
				if r.Invoice.IsRed() {
					red++
				}
			}
			todayText = lang.L("蓝字 {{.Blue}} 张，红字 {{.Red}} 张", map[string]any{"Blue": len(page.Records) - red, "Red": red})
		}
		onUI(func() {
			if pass != h.pass {
				return // a later refresh is under way, with newer figures
			}
			h.device.SetText(devText)
			h.stock.SetText(stockText)
			h.offlineText.SetText(offText)
			h.offline.SetValue(offFrac)
			h.offlineTimeText.SetText(timeText)
			h.offlineTime.SetValue(timeFrac)
			h.locks.SetText(lockText)
			h.queue.SetText(queueText)
			if dead > 0 {
				h.retry.Show()
			} else {
				h.retry.Hide()
			}
			h.today.SetText(todayText)
			// Wrapped messages change height: lay the cards out again.
			h.content.Refresh()
		})
	}()
}

// retryDead puts every dead letter back in the outbox (after the clerk fixed the cause,
// say a renewed certificate) and asks the sync for a pass.
func (h *homeScreen) retryDead() {
	_ = h.u.ws.Service.RetryDead()
	h.refresh()
}

var platformURL = regexp.MustCompile(`https?://[^/"\s]+`)

// syncProblem is the sync's last error as the clerk should read it: what is wrong, what
// to do, and that no invoice is lost. The sync's log keeps the English original.
func syncProblem(raw string) string {
	addr := platformURL.FindString(raw)
	low := strings.ToLower(raw)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(low, w) {
				return true
			}
		}
		return false
	}
	queued := lang.L("发票已在本机排队，恢复后自动上传，不会丢失。")
	switch {
	case has("connection refused", "no such host", "i/o timeout", "network is unreachable", "no route to host",
		"deadline exceeded", "connection reset", "dial tcp", "eof"):
		return lang.L("无法连接服务平台 {{.Addr}}。请检查网络；若地址已变（例如 make run 每次启动的本地平台），请管理员在“设置 → 设备与服务平台”中更正。",
			map[string]any{"Addr": addr}) + queued
	case has("x509", "certificate", "tls"):
		return lang.L("与服务平台的安全连接失败：证书不受信任或已过期。请管理员在“设置”中导入证书。") + queued
	case has("401", "403", "unauthorized", "forbidden"):
		return lang.L("服务平台拒绝了本机的身份。请管理员检查企业签名证书。") + queued
	}
	return lang.L("同步出错：") + raw + "。" + queued
}
