package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

// Issue 15, item 5: a stale platform address (make run's random port) shows in Chinese
// what is wrong and what to do, wraps, and leaves the window as wide as it was.
func TestStalePlatformAddressIsExplainedAndWraps(t *testing.T) {
	ws := newWorkstation(t)
	raw := `Post "https://127.0.0.1:39847/api/v1/invoices/batch": dial tcp 127.0.0.1:39847: connect: connection refused`
	last := time.Date(2026, 11, 29, 1, 2, 3, 0, time.UTC) // 09:02:03 in Beijing
	ws.Sync = func() SyncState { return SyncState{Queue: 3, LastError: raw, LastSuccess: last} }
	u, w := newTestUI(t, ws)
	w.Resize(fyne.NewSize(1366, 728))
	u.Refresh()
	eventually(t, "the sync's state", func() bool { return strings.Contains(u.home.queue.Text, "服务平台") })
	got := u.home.queue.Text
	for _, want := range []string{"无法连接服务平台 https://127.0.0.1:39847", "设置", "不会丢失", "上次同步 09:02:03"} {
		if !strings.Contains(got, want) {
			t.Errorf("the home screen must say %q: %q", want, got)
		}
	}
	if strings.Contains(got, "dial tcp") || strings.Contains(got, "connection refused") {
		t.Errorf("raw English on the clerk's screen: %q", got)
	}
	if u.home.queue.Wrapping != fyne.TextWrapWord {
		t.Error("the message must wrap")
	}
	if min := w.Content().MinSize(); min.Width > 1366 {
		t.Errorf("the message widens the window to %.0f px", min.Width)
	}
	screenshot(t, w, "home-stale-platform")

	// Errors the program does not know still wrap and keep the window's width.
	long := strings.Repeat("unexpected platform answer ", 40)
	ws.Sync = func() SyncState { return SyncState{LastError: long} }
	u.Refresh()
	eventually(t, "the new state", func() bool { return strings.Contains(u.home.queue.Text, "同步出错") })
	if min := w.Content().MinSize(); min.Width > 1366 {
		t.Errorf("a long error widens the window to %.0f px", min.Width)
	}
}

func TestSyncProblemsInChinese(t *testing.T) {
	for raw, want := range map[string]string{
		`Post "https://10.0.0.9:8443/x": dial tcp: lookup platform: no such host`:                              "无法连接服务平台 https://10.0.0.9:8443",
		`Post "https://p/x": tls: failed to verify certificate: x509: certificate signed by unknown authority`: "证书不受信任",
		`platform answered 403 Forbidden`: "拒绝了本机的身份",
		`something else`:                  "同步出错：something else",
	} {
		if got := syncProblem(raw); !strings.Contains(got, want) || !strings.Contains(got, "不会丢失") {
			t.Errorf("%q: %q", raw, got)
		}
	}
}
