package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"github.com/kaipiao/kaipiao/invoice"
)

// Issue 15, item 5: a stale platform address (make run's random port) shows in Chinese
// what is wrong and what to do, wraps, and leaves the window as wide as it was.
func TestStalePlatformAddressIsExplainedAndWraps(t *testing.T) {
	ws := newWorkstation(t)
	raw := `Post "https://127.0.0.1:39847/api/v1/invoices/batch": dial tcp 127.0.0.1:39847: connect: connection refused`
	last := time.Date(2026, 11, 29, 1, 2, 3, 0, time.UTC) // 09:02:03 in Beijing
	fake(ws).sync = func() (SyncState, bool) { return SyncState{Queue: 3, LastError: raw, LastSuccess: last}, true }
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
	fake(ws).sync = func() (SyncState, bool) { return SyncState{LastError: long}, true }
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

// Issue 15, item 7: Fyne's own dialogs answer 确定 / 取消, not 是 / 不.
func TestFyneDialogButtonsInChinese(t *testing.T) {
	if lang.L("Yes") != "确定" || lang.L("No") != "取消" || lang.L("OK") != "确定" {
		t.Fatalf("Yes %q, No %q, OK %q", lang.L("Yes"), lang.L("No"), lang.L("OK"))
	}
}

// Issue 15, item 7: the first run offers the platform the program runs with (make run
// starts one), rather than a blank field.
func TestFirstRunOffersThePlatformInUse(t *testing.T) {
	ws := newWorkstation(t)
	ws.Platform = "https://127.0.0.1:40001"
	if got := newConnectionForm(ws).platform.Text; got != ws.Platform {
		t.Fatalf("the platform field shows %q", got)
	}
}

// yuan groups the digits by thousands and changes nothing else: without its commas it is
// Money.String, and every group after the first has three digits.
func TestYuanThousands(t *testing.T) {
	for _, c := range []struct {
		m    invoice.Money
		want string
	}{{0, "0.00"}, {99999, "999.99"}, {100000, "1,000.00"}, {-2741374, "-27,413.74"}, {invoice.MaxLineAmount, "999,999,999,999.99"}} {
		if got := yuan(c.m, false); got != c.want {
			t.Errorf("yuan(%d) = %q, want %q", c.m, got, c.want)
		}
	}
	if got := yuan(-500, true); got != "¥-5.00" { // as the PDF prints it
		t.Errorf("with the sign: %q", got)
	}
	for n := int64(0); n < 1e15; n = n*7 + 13 {
		for _, m := range []invoice.Money{invoice.Money(n), invoice.Money(-n)} {
			got := yuan(m, false)
			if strings.ReplaceAll(got, ",", "") != m.String() {
				t.Fatalf("yuan(%d) = %q, Money.String %q", m, got, m.String())
			}
			intPart := strings.TrimPrefix(got[:strings.IndexByte(got, '.')], "-")
			for j, g := range strings.Split(intPart, ",") {
				if (j > 0 && len(g) != 3) || len(g) == 0 || len(g) > 3 {
					t.Fatalf("yuan(%d) = %q: group %q", m, got, g)
				}
			}
		}
	}
}
