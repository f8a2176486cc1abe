package ui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
)

// deviceBanner is the strip above every screen while the device is not usable: what is
// wrong, on which port, what to do, and a retry and a port choice.
type deviceBanner struct {
	u       *UI
	content *fyne.Container
	text    *widget.Label
	hint    *widget.Label
	ports   *widget.Select
	addrs   map[string]string // the choice's label → its address
}

func newDeviceBanner(u *UI) *deviceBanner {
	b := &deviceBanner{u: u, text: widget.NewLabel(""), hint: widget.NewLabel("")}
	b.text.TextStyle = fyne.TextStyle{Bold: true}
	b.text.Importance = widget.DangerImportance
	b.text.Wrapping = fyne.TextWrapWord
	b.hint.Wrapping = fyne.TextWrapWord
	retry := widget.NewButtonWithIcon(lang.L("重试"), theme.ViewRefreshIcon(), func() {
		u.ws.Service.RetryDevice()
	})
	b.ports = widget.NewSelect(nil, nil)
	b.ports.PlaceHolder = lang.L("选择设备端口…")
	b.ports.OnChanged = b.chosen
	r, g, bl, _ := theme.Color(theme.ColorNameError).RGBA()
	bg := canvas.NewRectangle(color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(bl >> 8), A: 0x30})
	actions := container.NewHBox(retry)
	actions.Add(sized(b.ports, 260))
	b.content = container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil,
		widget.NewIcon(theme.WarningIcon()), actions, container.NewVBox(b.text, b.hint))))
	b.content.Hide()
	return b
}

// chosen connects to the port the clerk picked.
func (b *deviceBanner) chosen(label string) {
	if addr, ok := b.addrs[label]; ok {
		b.u.ws.Service.ChooseDevice(addr)
	}
}

// loadPorts lists the ports the device may be on, and the built-in simulator.
func (b *deviceBanner) loadPorts() {
	b.addrs = map[string]string{}
	var opts []string
	if b.u.ws.BuiltIn != "" {
		b.addrs[lang.L("内置模拟器")] = b.u.ws.BuiltIn
		opts = append(opts, lang.L("内置模拟器"))
	}
	for _, p := range b.u.ws.Service.Ports() {
		b.addrs[p.Label] = p.Address
		opts = append(opts, p.Label)
	}
	b.ports.Options = opts
	b.ports.Refresh()
}

func (b *deviceBanner) show(st LinkState) {
	if st.Connected {
		b.content.Hide()
		return
	}
	problem := st.Problem
	if problem == "" {
		problem = lang.L("税控设备未连接")
	}
	if st.Port != "" && !strings.Contains(problem, st.Port) {
		problem = say("link.with_port", invoice.Args{"problem": problem, "port": st.Port})
	}
	b.text.SetText(problem)
	b.hint.SetText(strings.TrimSpace(st.Hint + "\n" + lang.L("开票和税控设备管理暂不可用；发票查询、预览、PDF、打印、导出、邮件和同步照常。")))
	b.loadPorts()
	b.content.Show()
}

// SetLink shows the device's connection: the banner while it is not usable, issuing and
// the device panel disabled with the reason, everything else as it was.
func (u *UI) SetLink(st LinkState) {
	if st.Key != "" { // the catalogue's words, in the screens' language
		st.Problem = say(st.Key, st.Args)
		if invoice.HasMessage(st.Key + "/hint") {
			st.Hint = say(st.Key+"/hint", st.Args)
		}
	}
	prev := u.link
	u.link = st
	u.banner.show(st)
	u.issue.refresh()
	u.inbox.refresh()
	u.list.partial.reload()
	if u.device != nil {
		u.device.setLink(st, prev.Connected != st.Connected)
	}
	if st.Connected && !prev.Connected {
		u.home.refresh()
	}
}

// deviceReady reports whether the device may be asked to issue now.
func (u *UI) deviceReady() bool { return u.link.Connected }

// noDeviceReason is why issuing is off, for the disabled screens.
func (u *UI) noDeviceReason() string {
	if u.link.Problem != "" {
		return u.link.Problem
	}
	return lang.L("税控设备未连接")
}

// linkNotice is the device's problem on the log-in screen, which comes before the banner:
// the clerk knows before logging in that issuing will wait for the device.
func linkNotice(ws *Workstation) fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Alignment = fyne.TextAlignCenter
	if st := ws.Service.Link(); !st.Connected {
		l.SetText(fmt.Sprintf(lang.L("%s：登录后可查询发票；设备连接后才能开票。"), st.Problem))
	}
	return container.NewGridWrap(fyne.NewSize(360, 60), l)
}
