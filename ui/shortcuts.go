package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// bindWindowKeys binds the window's shortcuts: Ctrl+Q quits on every screen; once the
// screens are built (u not nil), Ctrl+N starts a new invoice with the focus in its first
// field, Ctrl+Enter asks to issue it, and Ctrl+1…9 select the tabs. Escape with nothing
// focused closes the dialog on top. The entries and buttons pass these on to the window
// wherever the focus is (keys.go).
func bindWindowKeys(win fyne.Window, u *UI) {
	c := win.Canvas()
	add := func(k fyne.KeyName, do func()) {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { do() })
	}
	add(fyne.KeyQ, win.Close)
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			escape(c)
		}
	})
	if u == nil {
		for _, k := range []fyne.KeyName{fyne.KeyN, fyne.KeyReturn, fyne.KeyEnter, fyne.Key1, fyne.Key2, fyne.Key3,
			fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9} {
			c.RemoveShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault})
		}
		return
	}
	// The form's shortcuts wait while a dialog is open: it has the clerk's attention.
	free := func() bool { return c.Overlays().Top() == nil }
	add(fyne.KeyN, func() {
		if free() {
			u.tabs.Select(u.issueTab)
			u.issue.reset()
			u.issue.focusFirst()
		}
	})
	issue := func() {
		if free() {
			u.tabs.Select(u.issueTab)
			u.issue.askIssue()
		}
	}
	add(fyne.KeyReturn, issue)
	add(fyne.KeyEnter, issue)
	for i, k := range []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9} {
		add(k, func() {
			if free() && i < len(u.tabs.Items) {
				u.tabs.SelectIndex(i)
			}
		})
	}
}
