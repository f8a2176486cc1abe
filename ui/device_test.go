package ui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/workstation"
)

// The administrator sees the stock and when offline issuing locks, makes the month's
// report once the month is over, is told why the clear is refused while invoices wait
// for upload, and changes the device PIN.
func TestAdministratorManagesTheDevice(t *testing.T) {
	clock := &sim.Clock{}
	ws := newWorkstationAt(t, clock)
	u, w := newTestUI(t, ws)
	blue := issueBlue(t, ws)
	if err := u.ShowDevice(); err != nil {
		t.Fatal(err)
	}
	s := u.device
	eventually(t, "the device read", func() bool { return strings.Contains(s.stock.Text, "共剩余") })
	if !strings.Contains(s.stock.Text, "剩余 99 张  下一张 00000002") || !strings.Contains(s.stock.Text, "代码 "+blue.Code) {
		t.Errorf("stock %q", s.stock.Text)
	}
	// The numbers bought but not yet opened into rolls are stock too (1000 e-ordinary,
	// 200 e-special in rolls of 100, one issued).
	if !strings.Contains(s.stock.Text, "未开卷 900 张") || !strings.Contains(s.stock.Text, "电子普通发票：剩余 999 张") ||
		!strings.Contains(s.stock.Text, "共剩余 1199 张") {
		t.Errorf("stock %q: the unopened stock is missing", s.stock.Text)
	}
	lock := blue.IssuedAt.Add(72 * time.Hour).Format("2006-01-02 15:04")
	if !strings.Contains(s.offline.Text, "未上传 1 张") || !strings.Contains(s.offline.Text, lock+" 锁定开票") {
		t.Errorf("offline %q, want the lock at %s", s.offline.Text, lock)
	}
	screenshot(t, w, "device")

	// The report asks first; "取消" leaves the device alone.
	test.Tap(s.report)
	tapDialogButton(t, w, "取消")
	if s.result.Text != "" {
		t.Fatalf("a declined report reached the device: %q", s.result.Text)
	}
	// The month has not ended: the device refuses the report, and says why.
	test.Tap(s.report)
	tapDialogButton(t, w, "确定")
	eventually(t, "the refusal", func() bool { return strings.HasPrefix(s.result.Text, "失败") })
	if !strings.Contains(s.result.Text, "本月尚未结束") {
		t.Errorf("report in an open month: %q", s.result.Text)
	}

	// A month later the report is made; the clear is refused while the invoice is not uploaded.
	clock.Advance(32 * 24 * time.Hour)
	s.refresh()
	eventually(t, "the device read again", func() bool { return !s.report.Disabled() })
	s.doReport()
	eventually(t, "the report", func() bool { return strings.Contains(s.result.Text, "抄报完成") })
	if !strings.Contains(s.result.Text, "蓝字 1 张，金额 ¥1200.00") {
		t.Errorf("report %q", s.result.Text)
	}
	eventually(t, "reported", func() bool { return strings.Contains(s.period.Text, "已抄报") })
	s.doClear()
	eventually(t, "the clear refused", func() bool { return strings.HasPrefix(s.result.Text, "失败") })
	if !strings.Contains(s.result.Text, "未全部上传") {
		t.Errorf("clear with invoices not uploaded: %q", s.result.Text)
	}

	// The PIN: mismatched entries are caught here; a wrong old PIN by the device.
	s.oldPIN.SetText(sim.DefaultPIN)
	s.newPIN.SetText("654321")
	s.again.SetText("654320")
	test.Tap(s.pinBtn)
	if s.pinResult.Text != "两次输入的新口令不一致" {
		t.Fatalf("pin %q", s.pinResult.Text)
	}
	s.again.SetText("654321")
	test.Tap(s.pinBtn)
	eventually(t, "the PIN changed", func() bool { return strings.HasPrefix(s.pinResult.Text, "设备口令已修改") })
	c, err := parts(t, ws).Link.Client()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.VerifyPIN(context.Background(), "654321"); err != nil {
		t.Fatalf("the new PIN: %v", err)
	}
}

// A clerk has no device panel.
func TestClerkHasNoDevicePanel(t *testing.T) {
	ws := newWorkstation(t)
	ws.Role = workstation.RoleClerk
	u, _ := newTestUI(t, ws)
	if err := u.ShowDevice(); err == nil || u.deviceTab != nil {
		t.Fatal("a clerk must not reach the device panel")
	}
}

// tapDialogButton taps a button of the dialog on top of the window, as the clerk answers it.
func tapDialogButton(t *testing.T, w fyne.Window, label string) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog is open")
	}
	for _, o := range test.LaidOutObjects(top) {
		if b, ok := o.(*widget.Button); ok && b.Text == label {
			test.Tap(b)
			return
		}
		if b, ok := o.(*button); ok && b.Text == label { // the workstation's own, which Enter presses too
			test.Tap(b)
			return
		}
	}
	t.Fatalf("the dialog has no button %q", label)
}

// heldOffline holds the device panel's first read at its last step (Offline), so that a
// later read can overtake it.
type heldOffline struct {
	DevicePanel
	calls   atomic.Int32
	read    chan struct{} // closed when the first read has read the device
	release chan struct{} // the first read returns when it is closed
}

func (h *heldOffline) Offline(ctx context.Context) (DeviceOffline, error) {
	off, err := h.DevicePanel.Offline(ctx)
	if h.calls.Add(1) == 1 {
		close(h.read)
		<-h.release
	}
	return off, err
}

// queued waits until the background work has handed n functions to the UI.
func queued(t *testing.T, n int) {
	t.Helper()
	eventuallyQueued := func() bool {
		uiQueue.Lock()
		defer uiQueue.Unlock()
		return len(uiQueue.fns) >= n
	}
	deadline := time.Now().Add(20 * time.Second)
	for !eventuallyQueued() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %d results for the UI", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A read of the device that a later one overtook shows nothing: the panel never goes back
// to the stock before an invoice was issued.
func TestAnOvertakenDeviceReadShowsNothing(t *testing.T) {
	ws := newWorkstation(t)
	held := &heldOffline{DevicePanel: ws.Device, read: make(chan struct{}), release: make(chan struct{})}
	ws.Device = held
	u, _ := newTestUI(t, ws)
	if err := u.ShowDevice(); err != nil {
		t.Fatal(err)
	}
	<-held.read // the first read has the device before the invoice
	eventually(t, "the home screen's read", func() bool { return strings.Contains(u.home.today.Text, "蓝字") })
	issueBlue(t, ws)
	u.device.refresh()
	queued(t, 1) // the second read, after the invoice
	close(held.release)
	queued(t, 2) // the first one, last
	settle()
	if s := u.device; !strings.Contains(s.stock.Text, "剩余 99 张  下一张 00000002") || !strings.Contains(s.offline.Text, "未上传 1 张") {
		t.Fatalf("the panel went back to an older read: stock %q, offline %q", s.stock.Text, s.offline.Text)
	}
}
