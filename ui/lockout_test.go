package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/workstation"
)

// The lockout lives in the store; the log-in screen says until when, and the right
// password does not get in meanwhile.
func TestLogInScreenShowsTheLockout(t *testing.T) {
	ws := newWorkstation(t)
	ws.Role = ""
	if err := dbOf(t, ws).CreateOperator("管理员", workstation.RoleAdmin, "secret-pass", "setup"); err != nil {
		t.Fatal(err)
	}
	test.NewTempApp(t).Settings().SetTheme(NewTheme(false, true))
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1000, 700))
	var u *UI
	Start(w, ws, func(built *UI) { u = built })
	entries := formEntries(findForm(t, w.Content()))
	entries["操作员"].SetText("管理员")
	for range 5 {
		entries["密码"].SetText("wrong-pass")
		tapButton(t, w.Content(), "登录")
	}
	entries["密码"].SetText("secret-pass")
	tapButton(t, w.Content(), "登录")
	if u != nil {
		t.Fatal("the right password got in while locked out")
	}
	if !screenSays(w.Content(), "已被锁定") {
		t.Fatal("the screen does not say the operator is locked out")
	}
	screenshot(t, w, "login-locked")
}

// screenSays reports whether a label in o shows text.
func screenSays(o fyne.CanvasObject, text string) bool {
	found := false
	walk(o, func(c fyne.CanvasObject) {
		if l, ok := c.(*widget.Label); ok && strings.Contains(l.Text, text) {
			found = true
		}
	})
	return found
}
