// Package ui holds the workstation's screens: the home screen with the device and sync
// state, the issue form, and the invoice list. It takes a fyne.App and a fyne.Window from
// main and never imports fyne.io/fyne/v2/app, so its tests run headless, without cgo,
// on Fyne's test driver.
package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/printing"
	"github.com/kaipiao/kaipiao/store"
)

// onUI hands f to the UI goroutine: fyne.Do. The tests replace it (ui_test.go), because
// Fyne's test driver runs fyne.Do's function at once on the calling goroutine, beside
// the test's, where the real driver queues it for the one UI goroutine.
var onUI = fyne.Do

// Workstation is what the screens need of the rest of the program.
type Workstation struct {
	Engine   *invoice.Engine
	Store    *store.DB
	Limits   invoice.Limits
	Operator string     // who is logged in
	Role     store.Role // their role: only an administrator sees the settings
	// DeviceState reads the device's state for the home screen; nil when there is none.
	DeviceState func(context.Context) (DeviceState, error)
	// Sync reports the background sync with the platform; nil when none is configured.
	Sync func() SyncState
	// SyncNow asks the background sync for a pass at once (after an invoice is issued).
	SyncNow func()
	// RenderPDF renders an issued invoice's PDF, signed with the seller's seal where the
	// workstation has one; pdf.Render with the seal drawn when nil.
	RenderPDF func(*invoice.Invoice) ([]byte, error)
	// RenderOFD renders an issued invoice's OFD, sealed with the enterprise's SM2
	// certificate where the workstation has one; ofd.Write unsigned when nil.
	RenderOFD func(*invoice.Invoice) ([]byte, error)
	// Device is the tax-control device for the administrator's device panel (stock,
	// offline counters, 抄报, 清卡, PIN); nil hides the panel. main wires ws.Client.
	Device DevicePanel
	// SuggestBuyers returns the saved buyers matching what the clerk types as the buyer's
	// name (store.SearchBuyers); nil offers none.
	SuggestBuyers func(text string) []invoice.Party
	// SuggestGoods returns the saved goods matching what the clerk types as a line's name
	// (store.SearchGoods); nil offers none.
	SuggestGoods func(text string) []Goods
	// Ports lists the serial ports the device may be on; nil offers BuiltIn only.
	Ports func() []PortChoice
	// BuiltIn is the device address of the built-in simulator, offered first among the
	// ports (内置模拟器); empty when the program offers none. main sets it where it
	// registers the simulator's dialer: ui knows no device addresses.
	BuiltIn string
	// DemoPKI installs demo certificates for the platform and says what it did; nil
	// hides the button.
	DemoPKI func() (string, error)
	// ImportPKI installs a real certificate and key as the enterprise's, the seal's or the
	// device's identity (name enterprise, seal or device), keyPass opening an encrypted
	// key; it says what it did. nil hides the button.
	ImportPKI func(name, certFile, keyFile, keyPass string) (string, error)
	// Link reports the device's connection at start; nil means always connected (tests).
	// main then calls UI.SetLink at every change.
	Link func() LinkState
	// RetryDevice asks for a new attempt to reach the device now; ChooseDevice moves it
	// to another port (an address of Ports, or BuiltIn). nil hides the buttons.
	RetryDevice  func()
	ChooseDevice func(addr string)
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

// SyncState is the background sync at a glance.
type SyncState struct {
	Queue, Dead int
	LastSuccess time.Time
	LastError   string
}

// DeviceState is the device at a glance.
type DeviceState struct {
	Machine       string
	NextNumber    string // code:number the next invoice takes
	StockLeft     int
	OfflineAmount invoice.Money // un-uploaded positive total
	OfflineLimit  invoice.Money
	OldestPending time.Time
	OfflineHours  int
	Locks         []string // why issuing is refused now, in Chinese; empty when it is not
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
	if ws.Link != nil {
		u.link = ws.Link()
	}
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
	if ws.Role == store.RoleAdmin {
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
