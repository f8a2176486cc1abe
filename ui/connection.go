package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/workstation"
)

// connectionForm chooses the device (the built-in simulator, or a discovered port) and
// the platform's address. Both take effect when the program starts next: the device is
// opened before the window.
type connectionForm struct {
	device   *widget.Select
	platform *entry
	choices  []PortChoice
}

func newConnectionForm(ws *Workstation) *connectionForm {
	c := &connectionForm{platform: newEntry()}
	if ws.BuiltIn != "" {
		c.choices = append(c.choices, PortChoice{Address: ws.BuiltIn, Label: lang.L("内置模拟器（演示）")})
	}
	c.choices = append(c.choices, ws.Service.Ports()...)
	labels := make([]string, len(c.choices))
	for i, p := range c.choices {
		labels[i] = p.Label
	}
	c.device = widget.NewSelect(labels, nil)
	c.platform.SetPlaceHolder("https://platform.example.com")
	saved, _ := ws.Service.Connection()
	c.device.SetSelectedIndex(0)
	for i, p := range c.choices {
		if p.Address == saved.Device {
			c.device.SetSelectedIndex(i)
		}
	}
	// The address the program runs with is offered when none is saved yet (make run
	// starts a local platform and passes its address).
	c.platform.SetText(firstNonEmpty(saved.Platform, ws.Platform))
	return c
}

// channelChanged turns the device field off for the digital channel, which has none.
func (c *connectionForm) channelChanged(ch Channel) {
	if ch == ChannelDigital {
		c.device.Disable()
	} else {
		c.device.Enable()
	}
}

func (c *connectionForm) items() []*widget.FormItem {
	return []*widget.FormItem{widget.NewFormItem(lang.L("税控设备"), c.device),
		widget.NewFormItem(lang.L("服务平台"), c.platform)}
}

func (c *connectionForm) connection() workstation.Connection {
	conn := workstation.Connection{Platform: c.platform.trimmed()}
	if i := c.device.SelectedIndex(); i >= 0 && i < len(c.choices) {
		conn.Device = c.choices[i].Address
	}
	return conn
}

// connectionCard is the administrator's: the device, the platform, demo certificates.
func (s *settingsScreen) connectionCard() fyne.CanvasObject {
	ws := s.u.ws
	s.conn = newConnectionForm(ws)
	ch := setupChannel(ws, s.conn)
	save := widget.NewButton(lang.L("保存"), func() {
		if err := ws.Service.SetConnection(s.conn.connection()); err != nil {
			s.status.SetText(clerkMessage(err))
			return
		}
		s.status.SetText(lang.L("已保存，重新启动后生效"))
		if ch != nil && ch.channel() != channelOf(ws) {
			// The screens, the engine and the numbers are the channel's: a new start.
			if err := ws.SetChannel(ch.channel()); err != nil {
				s.status.SetText(clerkMessage(err))
				return
			}
			s.status.SetText(lang.L("已保存：开票方式重新启动后生效"))
			return
		}
		if channelOf(ws) == ChannelDevice {
			// The device moves at once; the platform at the next start.
			ws.Service.ChooseDevice(s.conn.connection().Device)
			s.status.SetText(lang.L("已保存：设备已切换，服务平台重新启动后生效"))
		}
	})
	buttons := container.NewHBox(save, widget.NewButton(lang.L("导入证书"), s.showImport),
		widget.NewButton(lang.L("生成演示证书"), func() {
			msg, err := ws.Service.DemoPKI()
			if err != nil {
				s.status.SetText(clerkMessage(err))
				return
			}
			s.status.SetText(msg.Text(msgLang))
		}))
	form := widget.NewForm(s.conn.items()...)
	if ch != nil {
		form.Items = append([]*widget.FormItem{widget.NewFormItem(lang.L("开票方式"), ch.content)}, form.Items...)
		form.Refresh()
	}
	return widget.NewCard(lang.L("设备与服务平台"), lang.L("更换后重新启动生效"),
		container.NewVBox(form, buttons))
}

// identities are what a certificate can be imported as, in the order the dialog lists.
var identities = []struct{ name, label string }{
	{"enterprise", "企业签名证书（上传发票）"}, {"seal", "电子签章证书（PDF签名，RSA或ECDSA）"}, {"device", "税控设备证书"},
}

// showImport asks for a certificate and its key, and installs them.
func (s *settingsScreen) showImport() {
	labels := make([]string, len(identities))
	for i, id := range identities {
		labels[i] = lang.L(id.label)
	}
	which := widget.NewSelect(labels, nil)
	which.SetSelectedIndex(0)
	cert, key, pass := newEntry(), newEntry(), newPasswordEntry()
	cert.SetPlaceHolder("/path/to/cert.pem")
	key.SetPlaceHolder("/path/to/key.pem")
	pass.SetPlaceHolder(lang.L("私钥已加密时填写"))
	items := []*widget.FormItem{widget.NewFormItem(lang.L("用途"), which), widget.NewFormItem(lang.L("证书文件"), cert),
		widget.NewFormItem(lang.L("私钥文件"), key), widget.NewFormItem(lang.L("私钥口令"), pass)}
	form := dialog.NewForm(lang.L("导入证书"), lang.L("导入"), lang.L("取消"), items, func(ok bool) {
		if !ok {
			return
		}
		msg, err := s.u.ws.Service.ImportPKI(identities[which.SelectedIndex()].name, cert.Text, key.Text, pass.Text)
		if err != nil {
			s.status.SetText(lang.L("导入失败：") + clerkMessage(err))
			return
		}
		s.status.SetText(msg.Text(msgLang))
	}, s.u.win)
	// Enter in a field imports, as the dialog's default button does.
	for _, e := range []*entry{cert, key, pass} {
		e.OnSubmitted = func(string) { form.Submit() }
	}
	s.importForm = form
	s.importForm.Resize(fyne.NewSize(640, 320))
	s.importForm.Show()
}

// firstNonEmpty returns the first non-empty string.
func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
