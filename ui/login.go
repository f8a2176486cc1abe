package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/workstation"
)

// Start shows what a workstation needs before work: the first-run set-up when nobody has
// been set up yet, otherwise the log-in; then the screens for the operator who logged in.
// done, when not nil, hears of the main UI once it is built.
func Start(win fyne.Window, ws *Workstation, done func(*UI)) {
	has, err := ws.Service.HasOperators()
	if err != nil {
		win.SetContent(widget.NewLabel(lang.L("无法读取操作员：") + clerkMessage(err)))
		return
	}
	if !has {
		showSetup(win, ws, done)
		return
	}
	showLogin(win, ws, done)
}

// showSetup is the first run: the administrator and the seller.
func showSetup(win fyne.Window, ws *Workstation, done func(*UI)) {
	seller, _ := ws.Service.Seller()
	admin, pass, again := newEntry(), newPasswordEntry(), newPasswordEntry()
	admin.SetText(lang.L("管理员"))
	name, taxID, addr, bank := newEntry(), newEntry(), newEntry(), newEntry()
	for _, e := range []*entry{admin, name, taxID, addr, bank} {
		e.noLeadingSpace = true
	}
	name.SetText(seller.Name)
	taxID.SetText(seller.TaxID)
	addr.SetText(seller.AddressPhone)
	bank.SetText(seller.BankAccount)
	problem := message("")
	problem.Importance = widget.DangerImportance
	conn := newConnectionForm(ws)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("管理员"), admin),
		widget.NewFormItem(lang.L("密码"), pass),
		widget.NewFormItem(lang.L("再次输入"), again),
		widget.NewFormItem(lang.L("销售方名称"), name),
		widget.NewFormItem(lang.L("纳税人识别号"), taxID),
		widget.NewFormItem(lang.L("地址、电话"), addr),
		widget.NewFormItem(lang.L("开户行及账号"), bank),
	)
	for _, it := range conn.items() {
		form.AppendItem(it)
	}
	ch := setupChannel(ws, conn)
	submit := func() {
		// The channel first: saving it again on a second try is harmless. The program
		// opened the data folder on the channel it had (the device's, on a new folder):
		// another takes effect when it starts next.
		if ch != nil {
			if err := ws.SetChannel(ch.channel()); err != nil {
				problem.SetText(clerkMessage(err))
				return
			}
		}
		// Names, IDs and addresses are trimmed: a space around them cannot be meant, and
		// would make the administrator's name one nobody can type again.
		p := invoice.Party{Name: name.trimmed(), TaxID: taxID.trimmed(), AddressPhone: addr.trimmed(), BankAccount: bank.trimmed()}
		if err := setUp(ws, admin.trimmed(), pass.Text, again.Text, p); err != nil {
			problem.SetText(clerkMessage(err))
			return
		}
		// The device and the platform chosen take effect at the next start.
		if err := ws.Service.SetConnection(conn.connection()); err != nil {
			problem.SetText(clerkMessage(err))
			return
		}
		showLoginAs(win, ws, admin.trimmed(), done)
		if ch != nil && ch.channel() != channelOf(ws) {
			showInfo(win, lang.L("开票方式"), lang.L("已保存开票方式“{{.Channel}}”。请关闭并重新启动本程序，之后按此方式开票。",
				map[string]any{"Channel": ch.radio.Selected}))
		}
	}
	finish := newButton(lang.L("完成设置"), submit)
	finish.Importance = widget.HighImportance
	// Enter in any field submits the form, as it does in every dialog.
	for _, e := range []*entry{admin, pass, again, name, taxID, addr, bank, conn.platform} {
		e.OnSubmitted = func(string) { submit() }
	}
	body := fyne.CanvasObject(form)
	if ch != nil {
		// Beside the form: the explanation is long, the window not tall (1366 × 728).
		body = container.NewGridWithColumns(2, form, widget.NewCard(lang.L("开票方式"), "", ch.content))
	}
	win.SetContent(container.NewPadded(container.NewVBox(
		widget.NewLabelWithStyle(lang.L("首次使用：设置管理员和销售方"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		body, problem, container.NewHBox(layout.NewSpacer(), finish))))
	bindWindowKeys(win, nil)
	win.Canvas().Focus(admin)
}

// setUp checks and stores the first run's answers.
func setUp(ws *Workstation, admin, pass, again string, seller invoice.Party) error {
	switch {
	case pass != again:
		return errors.New(say("setup.passwords_differ", nil))
	case seller.Name == "":
		return errors.New(say("setup.seller_name", nil))
	}
	if problem, want := invoice.CheckTaxID(seller.TaxID); problem != "" {
		if want != "" {
			return errors.New(say("setup.seller_tax_id_check", invoice.Args{"value": seller.TaxID, "want": want}))
		}
		return errors.New(say("setup.seller_tax_id", invoice.Args{"value": seller.TaxID}))
	}
	if err := ws.Service.SetUp(admin, pass, seller); err != nil {
		return operatorError(err)
	}
	return nil
}

// operatorError is a refused new operator in the clerk's words (the catalogue's).
func operatorError(err error) error { return errors.New(clerkMessage(err)) }

// showLogin asks for a name and password.
func showLogin(win fyne.Window, ws *Workstation, done func(*UI)) { showLoginAs(win, ws, "", done) }

// showLoginAs is the log-in with the operator's name filled in (after the first run,
// the administrator just created), the focus in the first field.
func showLoginAs(win fyne.Window, ws *Workstation, who string, done func(*UI)) {
	name, pass := newEntry(), newPasswordEntry()
	name.noLeadingSpace = true
	name.SetText(who)
	problem := message("")
	problem.Importance = widget.DangerImportance
	login := func() {
		// The name is trimmed: a stray space (say, the Space that pressed the previous
		// screen's button) must neither refuse the log-in nor reach the audit log.
		op, err := ws.Service.LogIn(name.trimmed(), pass.Text)
		// The store locks an operator out after repeated wrong passwords; the screen
		// only says until when. The words are the catalogue's.
		if err != nil {
			problem.SetText(clerkMessage(err))
			if errors.Is(err, workstation.ErrBadLogin) || errors.As(err, new(*workstation.LockedOutError)) {
				pass.SetText("")
			}
			return
		}
		ws.Operator, ws.Role = op.Name, op.Role
		u := New(win, ws)
		if done != nil {
			done(u)
		}
	}
	pass.OnSubmitted = func(string) { login() }
	name.OnSubmitted = func(string) {
		if pass.Text == "" {
			win.Canvas().Focus(pass)
			return
		}
		login()
	}
	btn := newButton(lang.L("登录"), login)
	btn.Importance = widget.HighImportance
	form := widget.NewForm(widget.NewFormItem(lang.L("操作员"), name), widget.NewFormItem(lang.L("密码"), pass))
	win.SetContent(container.NewCenter(container.NewVBox(
		widget.NewLabelWithStyle(lang.L("开票 Kaipiao"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		linkNotice(ws),
		container.NewGridWrap(fyne.NewSize(360, form.MinSize().Height), form),
		container.NewGridWrap(fyne.NewSize(360, problem.MinSize().Height*2), problem), container.NewHBox(layout.NewSpacer(), btn))))
	bindWindowKeys(win, nil)
	win.Canvas().Focus(name)
}
