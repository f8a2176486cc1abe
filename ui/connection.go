package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/store"
)

// PortChoice is a serial port the system has, for choosing the device.
type PortChoice struct {
	Address string // what the program opens: a path, or the stable /dev/serial/by-id name
	Label   string // what the clerk reads: the path with the USB maker, product and serial
}

// connectionForm chooses the device (the built-in simulator, or a discovered port) and
// the platform's address. Both take effect when the program starts next: the device is
// opened before the window.
type connectionForm struct {
	device   *widget.Select
	platform *widget.Entry
	choices  []PortChoice
}

func newConnectionForm(ws *Workstation) *connectionForm {
	c := &connectionForm{platform: widget.NewEntry(),
		choices: []PortChoice{{Address: "sim", Label: lang.L("内置模拟器（演示）")}}}
	if ws.Ports != nil {
		c.choices = append(c.choices, ws.Ports()...)
	}
	labels := make([]string, len(c.choices))
	for i, p := range c.choices {
		labels[i] = p.Label
	}
	c.device = widget.NewSelect(labels, nil)
	c.platform.SetPlaceHolder("https://platform.example.com")
	saved, _ := ws.Store.Connection()
	c.device.SetSelectedIndex(0)
	for i, p := range c.choices {
		if p.Address == saved.Device {
			c.device.SetSelectedIndex(i)
		}
	}
	c.platform.SetText(saved.Platform)
	return c
}

func (c *connectionForm) items() []*widget.FormItem {
	return []*widget.FormItem{widget.NewFormItem(lang.L("税控设备"), c.device),
		widget.NewFormItem(lang.L("服务平台"), c.platform)}
}

func (c *connectionForm) connection() store.Connection {
	conn := store.Connection{Device: "sim", Platform: c.platform.Text}
	if i := c.device.SelectedIndex(); i >= 0 {
		conn.Device = c.choices[i].Address
	}
	return conn
}

// connectionCard is the administrator's: the device, the platform, demo certificates.
func (s *settingsScreen) connectionCard() fyne.CanvasObject {
	ws := s.u.ws
	s.conn = newConnectionForm(ws)
	save := widget.NewButton(lang.L("保存"), func() {
		if err := ws.Store.SetConnection(s.conn.connection(), ws.Operator); err != nil {
			s.status.SetText(err.Error())
			return
		}
		s.status.SetText(lang.L("已保存，重新启动后生效"))
	})
	buttons := container.NewHBox(save)
	if ws.DemoPKI != nil {
		buttons.Add(widget.NewButton(lang.L("生成演示证书"), func() {
			msg, err := ws.DemoPKI()
			if err != nil {
				s.status.SetText(err.Error())
				return
			}
			s.status.SetText(msg)
		}))
	}
	return widget.NewCard(lang.L("设备与服务平台"), lang.L("更换后重新启动生效；真实证书用 kaipiaoctl pki import 导入"),
		container.NewVBox(widget.NewForm(s.conn.items()...), buttons))
}
