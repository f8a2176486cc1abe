package ui

import (
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/workstation"
)

// mailCard is the administrator's SMTP settings: where the buyers' PDFs are sent from.
// The password field stays empty; typing one replaces the saved one.
func (s *settingsScreen) mailCard() fyne.CanvasObject {
	cur, _ := s.u.ws.Service.MailSettings()
	host, port, user, pass, from := newEntry(), newEntry(), newEntry(), newPasswordEntry(), newEntry()
	host.SetText(cur.Host)
	if cur.Port != 0 {
		port.SetText(strconv.Itoa(cur.Port))
	}
	port.SetPlaceHolder("587")
	user.SetText(cur.Username)
	from.SetText(cur.From)
	if cur.Password != "" {
		pass.SetPlaceHolder(lang.L("已保存；输入新密码以替换"))
	}
	save := widget.NewButton(lang.L("保存邮件设置"), func() {
		m, err := mailSettingsFrom(cur, host.Text, port.Text, user.Text, pass.Text, from.Text)
		if err != nil {
			s.status.SetText(clerkMessage(err))
			return
		}
		if err := s.u.ws.Service.SetMailSettings(m); err != nil {
			s.status.SetText(clerkMessage(err))
			return
		}
		cur = m
		pass.SetText("")
		s.status.SetText(lang.L("已保存邮件设置"))
	})
	s.mailSave = save
	s.mailFields = map[string]*entry{"host": host, "port": port, "user": user, "password": pass, "from": from}
	return widget.NewCard(lang.L("电子邮件"), lang.L("开具后把PDF发送到购买方邮箱（SMTP，须支持STARTTLS）"), container.NewVBox(
		widget.NewForm(widget.NewFormItem(lang.L("服务器"), host), widget.NewFormItem(lang.L("端口"), port),
			widget.NewFormItem(lang.L("用户名"), user), widget.NewFormItem(lang.L("密码"), pass),
			widget.NewFormItem(lang.L("发件人"), from)),
		container.NewHBox(save)))
}

// mailSettingsFrom checks the typed settings; an empty password keeps the saved one.
func mailSettingsFrom(cur workstation.MailSettings, host, port, user, pass, from string) (workstation.MailSettings, error) {
	m := workstation.MailSettings{Host: strings.TrimSpace(host), Username: strings.TrimSpace(user), From: strings.TrimSpace(from),
		Password: cur.Password, CACertPEM: cur.CACertPEM}
	if pass != "" {
		m.Password = pass
	}
	p := strings.TrimSpace(port)
	if p == "" {
		p = "587"
	}
	n, err := strconv.Atoi(p)
	switch {
	case m.Host == "":
		return m, errors.New(lang.L("请填写邮件服务器"))
	case err != nil || n < 1 || n > 65535:
		return m, errors.New(lang.L("端口应为1至65535之间的数字"))
	case !strings.Contains(m.From, "@"):
		return m, errors.New(lang.L("发件人应为邮件地址"))
	}
	m.Port = n
	return m, nil
}
