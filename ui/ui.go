// Package ui holds the workstation's screens: the home screen with the device and sync
// state, the issue form, and the invoice list. It takes a fyne.App and a fyne.Window from
// main and never imports fyne.io/fyne/v2/app, so its tests run headless, without cgo,
// on Fyne's test driver.
package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"github.com/kaipiao/kaipiao/printing"
	"github.com/kaipiao/kaipiao/workstation"
)

// onUI hands f to the UI goroutine: fyne.Do. The tests replace it (ui_test.go), because
// Fyne's test driver runs fyne.Do's function at once on the calling goroutine, beside
// the test's, where the real driver queues it for the one UI goroutine.
var onUI = fyne.Do

// Workstation is what the screens need of the rest of the program: the application
// service, and what the session and the program's wiring add to it.
type Workstation struct {
	// Service is the application service: every use case the screens offer goes through it.
	Service  Service
	Operator string           // who is logged in
	Role     workstation.Role // their role: only an administrator sees the settings
	// Device is the tax-control device for the administrator's device panel (stock,
	// offline counters, 抄报, 清卡, PIN); nil hides the panel (a channel without a device).
	// main wires the service's Panel.
	Device DevicePanel
	// BuiltIn is the device address of the built-in simulator, offered first among the
	// ports (内置模拟器); empty when the program offers none. main sets it where it
	// registers the simulator's dialer: ui knows no device addresses.
	BuiltIn string
	// Printing is the print spooler; the system's (CUPS, or the Windows spooler) when nil.
	Printing printing.Spooler
	// Platform is the service platform's address the program runs with (a flag or the
	// environment); the first run offers it. Empty when there is none.
	Platform string
	// Now is the clock for "today"; time.Now by default.
	Now func() time.Time
	// Channel is how the workstation issues (ChannelDevice when empty); SetChannel saves
	// the clerk's choice for the data folder, at the first run and in the settings (nil
	// offers no choice).
	Channel    Channel
	SetChannel func(Channel) error
	// Digital is the digital channel's numbers and quota, for the home screen; Slips the
	// red-invoice confirmation slips, for their screen. nil when the program has none.
	Digital DigitalChannel
	Slips   Slips
}

// UI is the main window's content.
type UI struct {
	win      fyne.Window
	ws       *Workstation
	tabs     *container.AppTabs
	home     *homeScreen
	issue    *issueForm
	inbox    *inbox
	list     *invoiceList
	settings *settingsScreen // nil for a clerk
	master   *masterScreen   // nil for a clerk
	stats    *statsScreen
	device   *deviceScreen // nil for a clerk, or without a device
	slips    *slipScreen   // nil without the platform's slips
	banner   *deviceBanner
	link     LinkState

	issueTab, inboxTab, listTab, settingsTab, deviceTab, masterTab, statsTab, slipsTab *container.TabItem
}

// New builds the screens into win and binds the keyboard shortcuts: Ctrl+N a new invoice,
// Ctrl+Enter issue it (after a confirmation), Ctrl+1…9 the tabs, Ctrl+Q quit.
func New(win fyne.Window, ws *Workstation) *UI {
	if ws.Now == nil {
		ws.Now = time.Now
	}
	u := &UI{win: win, ws: ws, link: LinkState{Connected: true}}
	u.link = ws.Service.Link()
	u.banner = newDeviceBanner(u)
	u.home = newHomeScreen(u)
	u.issue = newIssueForm(u)
	u.list = newInvoiceList(u)
	u.inbox = newInbox(u)
	u.issueTab = container.NewTabItemWithIcon(lang.L("开票"), theme.DocumentCreateIcon(), u.issue.content)
	u.inboxTab = container.NewTabItemWithIcon(lang.L("订单"), theme.MailComposeIcon(), u.inbox.content)
	u.listTab = container.NewTabItemWithIcon(lang.L("发票查询"), theme.ListIcon(), u.list.content)
	u.stats = newStatsScreen(u)
	u.statsTab = container.NewTabItemWithIcon(lang.L("月度统计"), theme.GridIcon(), u.stats.content)
	u.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("首页"), theme.HomeIcon(), u.home.content),
		u.issueTab, u.inboxTab, u.listTab,
	)
	if ws.Slips != nil {
		u.slips = newSlipScreen(u)
		u.slipsTab = container.NewTabItemWithIcon(lang.L("红字确认单"), theme.ContentUndoIcon(), u.slips.content)
		u.tabs.Append(u.slipsTab)
	}
	u.tabs.Append(u.statsTab)
	if ws.Role == workstation.RoleAdmin {
		u.settings = newSettingsScreen(u)
		u.settingsTab = container.NewTabItemWithIcon(lang.L("设置"), theme.SettingsIcon(), u.settings.content)
		u.tabs.Append(u.settingsTab)
		u.master = newMasterScreen(u)
		u.masterTab = container.NewTabItemWithIcon(lang.L("客户与商品"), theme.AccountIcon(), u.master.content)
		u.tabs.Append(u.masterTab)
		if ws.Device != nil {
			u.device = newDeviceScreen(u)
			// Scrolled: at 1366 × 728 the panel is taller than the window (修改设备口令 was cut off).
			u.deviceTab = container.NewTabItemWithIcon(lang.L("税控设备"), theme.StorageIcon(), container.NewVScroll(u.device.content))
			u.tabs.Append(u.deviceTab)
		}
	}
	u.tabs.OnSelected = func(t *container.TabItem) {
		switch t.Content {
		case u.home.content:
			u.home.refresh()
		case u.issue.content:
			u.issue.focusFirst()
		case u.list.content:
			u.list.reload()
			u.win.Canvas().Focus(u.list.table) // the arrows go through the invoices at once
		case u.inbox.content:
			u.inbox.reloadMappings()
		case u.stats.content:
			u.stats.refresh()
		}
		if u.master != nil && t == u.masterTab {
			u.master.reload()
		}
		if u.device != nil && t == u.deviceTab {
			u.device.refresh()
		}
		if u.slips != nil && t == u.slipsTab {
			u.slips.reload()
			u.win.Canvas().Focus(u.slips.table) // the arrows go through the slips at once
		}
	}
	win.SetContent(container.NewBorder(u.banner.content, nil, nil, nil, u.tabs))
	u.SetLink(u.link)
	bindWindowKeys(win, u)
	u.home.refresh()
	return u
}

// Refresh reads the device and the store again for the home screen.
func (u *UI) Refresh() { u.home.refresh() }

// ShowSettings selects the settings, or refuses: only an administrator may change them.
func (u *UI) ShowSettings() error {
	if u.settings == nil {
		return errNotAdmin
	}
	u.tabs.Select(u.settingsTab)
	return nil
}

// ShowDevice selects the device panel, or refuses: only an administrator manages the
// device (and there is no panel without one).
func (u *UI) ShowDevice() error {
	if u.device == nil {
		return errDeviceNotAdmin
	}
	u.tabs.Select(u.deviceTab)
	return nil
}

// ImportOrders adds a file's orders to the inbox, as the clerk's import does; name's
// extension says the kind (.xlsx, .csv, .json).
func (u *UI) ImportOrders(name string, data []byte) error { return u.inbox.importData(name, data) }

// IssueInbox starts issuing the inbox's valid orders, as the batch button does; done runs
// on the UI goroutine when the batch ends. It reports whether a batch started.
func (u *UI) IssueInbox(done func()) bool {
	u.inbox.batchDone = done
	u.inbox.issueAll()
	return u.inbox.stop != nil
}

// ShowIssue selects the issue form.
func (u *UI) ShowIssue() { u.tabs.Select(u.issueTab) }

// ShowInbox selects the orders waiting to be invoiced.
func (u *UI) ShowInbox() { u.tabs.Select(u.inboxTab) }

// ShowInvoices selects the invoice list.
func (u *UI) ShowInvoices() { u.tabs.Select(u.listTab) }

// ShowSlips selects the red-invoice confirmation slips, the incoming ones (to answer)
// or those this enterprise started; it reports whether the screen exists.
func (u *UI) ShowSlips(incoming bool) bool {
	if u.slips == nil {
		return false
	}
	u.tabs.Select(u.slipsTab)
	u.slips.dir.SetSelectedIndex(map[bool]int{false: dirOutgoing, true: dirIncoming}[incoming])
	return true
}
