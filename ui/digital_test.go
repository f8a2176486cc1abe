package ui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
)

// newTestUISized is newTestUI at the laptop screen the clerks have (1366 × 728 inside
// the window's frame), for the screenshots.
func newTestUISized(t *testing.T, ws *Workstation) (*UI, fyne.Window) {
	t.Helper()
	app := test.NewTempApp(t)
	app.Settings().SetTheme(NewTheme(false, true))
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1366, 728))
	return New(w, ws), w
}

// Issue 18, the first run: the administrator chooses the digital channel, with what each
// channel means beside the choice; the device field is off for it; the choice is saved
// and the screens after the log-in are the digital channel's.
func TestFirstRunChoosesTheDigitalChannel(t *testing.T) {
	ws, _, _ := newDigitalWorkstation(t)
	ws.Role, ws.Channel = "", ""
	var saved []Channel
	ws.SetChannel = func(c Channel) error { saved = append(saved, c); return nil }
	app := test.NewTempApp(t)
	app.Settings().SetTheme(NewTheme(false, true))
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1366, 728))
	var u *UI
	Start(w, ws, func(built *UI) { u = built })

	var radio *widget.RadioGroup
	var device *widget.Select
	walk(w.Content(), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.RadioGroup:
			radio = x
		case *widget.Select:
			device = x
		}
	})
	if radio == nil || device == nil {
		t.Fatal("the first run offers no channel choice")
	}
	if radio.Selected != "税控设备开票" || device.Disabled() {
		t.Fatalf("a new workstation starts on the device: %q, device field disabled %v", radio.Selected, device.Disabled())
	}
	if !richSays(w.Content(), "不需要税控设备") || !richSays(w.Content(), "没有发票代码") {
		t.Fatal("the choice must explain the digital channel to the clerk")
	}
	radio.SetSelected("数电票（无需税控设备）")
	if !device.Disabled() {
		t.Fatal("the digital channel has no device: its field must be off")
	}
	entries := formEntries(findForm(t, w.Content()))
	entries["密码"].SetText("secret-pass")
	entries["再次输入"].SetText("secret-pass")
	entries["销售方名称"].SetText("厦门开票示范科技有限公司")
	entries["纳税人识别号"].SetText(testSeller)
	screenshot(t, w, "digital-1-first-run")
	tapButton(t, w.Content(), "完成设置")
	if !slices.Equal(saved, []Channel{ChannelDigital}) {
		t.Fatalf("the channel saved: %v", saved)
	}
	// The folder was opened on the device: the new channel takes effect at the next start.
	if txt := dialogText(w); !strings.Contains(txt, "已保存开票方式“数电票（无需税控设备）”。请关闭并重新启动本程序") {
		t.Fatalf("the clerk must be told to start again: %q", txt)
	}
	key(w, fyne.KeyReturn)
	ws.Channel = ChannelDigital // as main opens the folder at the next start
	Start(w, ws, func(built *UI) { u = built })
	entries = formEntries(findForm(t, w.Content()))
	entries["操作员"].SetText("管理员")
	entries["密码"].SetText("secret-pass")
	tapButton(t, w.Content(), "登录")
	if u == nil || u.home.digital == nil || u.slips == nil {
		t.Fatal("after the first run the screens must be the digital channel's")
	}
	eventually(t, "the digital card", func() bool { return strings.Contains(u.home.digital.numbers.Text, "剩余号码 96 个") })

	// The settings show the channel chosen and change it (for the next start).
	if err := u.ShowSettings(); err != nil {
		t.Fatal(err)
	}
	var set *widget.RadioGroup
	walk(u.settings.content, func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RadioGroup); ok {
			set = r
		}
	})
	if set == nil || set.Selected != "数电票（无需税控设备）" {
		t.Fatalf("the settings must show the channel in use: %v", set)
	}
	set.SetSelected("税控设备开票")
	tapButton(t, u.settings.content, "保存")
	if saved[len(saved)-1] != ChannelDevice || !strings.Contains(u.settings.status.Text, "开票方式重新启动后生效") {
		t.Fatalf("the settings saved %v: %q", saved, u.settings.status.Text)
	}
}

// Issue 18, the home screen: numbers left, quota held and used, the upload deadline;
// fetching more and giving back by keyboard; why issuing is refused when it is.
func TestDigitalHomeShowsNumbersQuotaAndDeadline(t *testing.T) {
	ws, dig, _ := newDigitalWorkstation(t)
	u, w := newTestUISized(t, ws)
	c := u.home.digital
	if c == nil {
		t.Fatal("no digital card on the home screen")
	}
	if screenSays(u.home.content, "机器编号") || screenSays(u.home.content, "离线开票金额") {
		t.Fatal("the digital channel's home screen must not show the device's figures")
	}
	eventually(t, "the figures", func() bool {
		return strings.Contains(c.numbers.Text, "剩余号码 96 个，下一张 26357000000000000005")
	})
	if want := "授信额度：已领取 ¥100,000.00，已使用 ¥31,415.90，可用 ¥68,584.10"; c.quotaText.Text != want {
		t.Errorf("quota %q, want %q", c.quotaText.Text, want)
	}
	if v := c.quota.Value; v < 0.314 || v > 0.315 {
		t.Errorf("the gauge shows %v used", v)
	}
	if want := "上传截止 2026-12-15 23:59（还有 16 天 13 小时），待上传 0 张"; c.deadline.Text != want {
		t.Errorf("deadline %q, want %q", c.deadline.Text, want)
	}
	if c.locks.Text != "" {
		t.Errorf("nothing locks issuing, yet: %q", c.locks.Text)
	}
	screenshot(t, w, "digital-2-home")

	// Fetch by keyboard: Enter on the button, the focus in the numbers; a bad count is
	// refused naming the value and the rule; then 500 numbers and ¥50,000.
	w.Canvas().Focus(c.fetchBtn)
	key(w, fyne.KeyReturn)
	n := focusedEntry(t, w)
	typeText(w, "6000")
	key(w, fyne.KeyReturn)
	if txt := dialogText(w); !strings.Contains(txt, "号码个数“6000”无效：应为 0 到 5000 的整数") {
		t.Fatalf("the dialog says %q", txt)
	}
	n.SetText("500")
	tab(w, 1)
	typeText(w, "50000")
	key(w, fyne.KeyReturn)
	eventually(t, "the fetch", func() bool {
		return strings.Contains(dialogText(w), "现有号码 596 个，可用额度 ¥118,584.10")
	})
	if !slices.Equal(dig.fetches, []string{"500 50000.00"}) {
		t.Fatalf("fetched %v", dig.fetches)
	}
	key(w, fyne.KeyReturn) // the clerk has read it
	eventually(t, "the card after the fetch", func() bool { return strings.Contains(c.numbers.Text, "剩余号码 596 个") })

	// A failed fetch says why; the card stays as it was.
	dig.fetchErr = errors.New("无法连接服务平台")
	c.fetch(10, 0)
	eventually(t, "the error", func() bool { return strings.Contains(dialogText(w), "领取失败：无法连接服务平台") })
	dismissDialogs(w)

	// Give back: asked first, Enter confirms; then issuing is refused, and the card says why.
	w.Canvas().Focus(c.returnBtn)
	key(w, fyne.KeyReturn)
	if txt := dialogText(w); !strings.Contains(txt, "¥118,584.10") || !strings.Contains(txt, "596 个号码") {
		t.Fatalf("the confirmation says %q", txt)
	}
	key(w, fyne.KeyReturn)
	eventually(t, "the return", func() bool {
		return strings.Contains(dialogText(w), "已退回额度 ¥118,584.10，报告未使用号码 596 个")
	})
	dismissDialogs(w)
	eventually(t, "the locks", func() bool {
		return strings.Contains(c.locks.Text, "没有可用的发票号码") && strings.Contains(c.locks.Text, "授信额度已用完")
	})

	// After the deadline the card says so, and that issuing is refused.
	ws.Now = func() time.Time { return time.Date(2026, 12, 16, 9, 0, 0, 0, invoice.Beijing) }
	dig.st.NumbersHeld, dig.st.QuotaHeld = 5, 200000_00
	u.Refresh()
	eventually(t, "the deadline passed", func() bool { return strings.Contains(c.locks.Text, "已过上传截止时间") })
	if !strings.Contains(c.deadline.Text, "已过") || strings.Contains(c.locks.Text, "号码") {
		t.Fatalf("deadline %q, locks %q", c.deadline.Text, c.locks.Text)
	}
}

func TestFetchRequestNamesFieldValueAndRule(t *testing.T) {
	for _, c := range []struct{ n, q, want string }{
		{"-1", "", "号码个数“-1”无效"},
		{"abc", "", "号码个数“abc”无效"},
		{"10", "12.345", "额度“12.345”无效"},
		{"", "-5", "额度“-5”无效"},
		{"0", "0", "请填写要领取的号码个数或额度"},
	} {
		if _, _, err := fetchRequest(c.n, c.q); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("fetch %q %q: %v, want %q", c.n, c.q, err, c.want)
		}
	}
	n, q, err := fetchRequest(" 5000 ", "¥1,000.50")
	if err != nil || n != 5000 || q != 1000_50 {
		t.Fatalf("%d %s %v", n, q, err)
	}
}

// richSays reports whether a rich text in o shows text.
func richSays(o fyne.CanvasObject, text string) bool {
	found := false
	walk(o, func(c fyne.CanvasObject) {
		if r, ok := c.(*widget.RichText); ok && strings.Contains(r.String(), text) {
			found = true
		}
	})
	return found
}

// The English UI is English on the digital channel too: the choice, the home card, the
// slip screen.
func TestDigitalScreensInEnglish(t *testing.T) {
	if err := SetLanguage("en"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = SetLanguage("zh") })
	ws, _, slips := newDigitalWorkstation(t)
	slips.incoming("26357000000000000003", false, 500_00, SlipBuyerAsked)
	u, w := newTestUISized(t, ws)
	c := u.home.digital
	eventually(t, "the card", func() bool { return c.numbers.Text != "" })
	if c.numbers.Text != "96 numbers left, next 26357000000000000005" ||
		c.quotaText.Text != "Credit quota: ¥100,000.00 held, ¥31,415.90 used, ¥68,584.10 left" ||
		!strings.HasPrefix(c.deadline.Text, "Upload by 2026-12-15 23:59 (16 days 13 hours left)") {
		t.Fatalf("card %q %q %q", c.numbers.Text, c.quotaText.Text, c.deadline.Text)
	}
	screenshot(t, w, "digital-home-english")
	u.ShowSlips(true)
	eventually(t, "the slips", func() bool { return len(u.slips.slips) == 1 })
	u.slips.table.Select(widgetCell(0))
	if u.slipsTab.Text != "Red-invoice slips" || u.slips.confirmBtn.Text != "Confirm" ||
		!strings.Contains(u.slips.detail.Text, "Buyer's, awaiting the seller") || !strings.Contains(u.slips.detail.Text, "goods returned") {
		t.Fatalf("slips %q %q %q", u.slipsTab.Text, u.slips.confirmBtn.Text, u.slips.detail.Text)
	}
	screenshot(t, w, "digital-slips-english")
	ch := newChannelChoice(ChannelDigital, nil)
	if ch.radio.Selected != "Digital invoices (no device)" || !strings.Contains(ch.about.String(), "no device needed") {
		t.Fatalf("the choice %q %q", ch.radio.Selected, ch.about.String())
	}
}

// The preview before issuing shows a draft as the channel will issue it: on the digital
// channel a 数电票 with a placeholder 20-digit number, no code, no seal yet.
func TestDigitalDraftPreview(t *testing.T) {
	ws, _, _ := newDigitalWorkstation(t)
	u, _ := newTestUISized(t, ws)
	d := &invoice.Invoice{Kind: invoice.KindSpecial, Lines: []invoice.Line{{Name: "服务", Amount: 100_00, Tax: 6_00}}}
	p := u.draftPreview(d)
	if p.Kind != invoice.KindDigitalSpecial || p.Code != "" || p.Number != "00000000000000000000" || !isDraftPreview(p) {
		t.Fatalf("the draft previewed: %s %q %q", p.Kind, p.Code, p.Number)
	}
	if d.Kind != invoice.KindSpecial {
		t.Fatal("the preview changed the draft itself")
	}
	ws.Channel = ChannelDevice
	if p := u.draftPreview(d); p.Code != draftCode || !isDraftPreview(p) {
		t.Fatalf("on the device channel: %q", p.Code)
	}
	issued := &invoice.Invoice{Kind: invoice.KindDigitalOrdinary, Issued: invoice.Issued{Number: "26357000000000000005"}}
	if isDraftPreview(issued) {
		t.Fatal("an issued 数电票 is no draft: it carries the seal")
	}
}

// The home screen by keyboard, as scripts/gui-digital.sh drives the real window: Tab
// from nothing focused reaches 领取号码和额度 first.
func TestDigitalFetchByKeyboard(t *testing.T) {
	ws, dig, _ := newDigitalWorkstation(t)
	u, w := newTestUISized(t, ws)
	eventually(t, "the card", func() bool { return u.home.digital.numbers.Text != "" })
	w.Canvas().Unfocus()
	tab(w, 1)
	focusIs(t, w, u.home.digital.fetchBtn, "the first Tab on the home screen")
	key(w, fyne.KeyReturn)
	typeText(w, "200")
	tab(w, 1)
	typeText(w, "10000")
	key(w, fyne.KeyReturn)
	eventually(t, "fetched", func() bool { return strings.Contains(dialogText(w), "现有号码 296 个") })
	if !slices.Equal(dig.fetches, []string{"200 10000.00"}) {
		t.Fatalf("fetched %v", dig.fetches)
	}
}
