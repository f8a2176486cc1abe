package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// The keyboard as the desktop driver delivers it (fyne internal/driver/glfw/window.go,
// processKeyPressed and processCharInput): Tab moves the focus unless the focused widget
// takes tabs; a key with Ctrl (or Alt) is a shortcut, for the focused widget when it
// takes shortcuts, else for the window; any other key goes to the focused widget, else to
// the canvas; characters go to the focused widget. Fyne's test driver has no keyboard of
// its own, so these helpers are the keyboard-only tests' hands.

// key presses a key with no modifier.
func key(w fyne.Window, name fyne.KeyName) { keyMod(w, name, 0) }

// keyMod presses a key with modifiers.
func keyMod(w fyne.Window, name fyne.KeyName, mod fyne.KeyModifier) {
	c := w.Canvas()
	ev := &fyne.KeyEvent{Name: name}
	if f, ok := c.Focused().(desktop.Keyable); ok {
		f.KeyDown(ev)
	}
	if name == fyne.KeyTab && mod&^fyne.KeyModifierShift == 0 {
		if t, ok := c.Focused().(fyne.Tabbable); !ok || !t.AcceptsTab() {
			if mod == fyne.KeyModifierShift {
				c.FocusPrevious()
			} else {
				c.FocusNext()
			}
			return
		}
	}
	if mod&^fyne.KeyModifierShift != 0 {
		s := &desktop.CustomShortcut{KeyName: name, Modifier: mod}
		if f, ok := c.Focused().(fyne.Shortcutable); ok {
			f.TypedShortcut(s)
		} else {
			c.(fyne.Shortcutable).TypedShortcut(s)
		}
		return
	}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
	} else if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
}

// ctrl presses Ctrl+key.
func ctrl(w fyne.Window, name fyne.KeyName) { keyMod(w, name, fyne.KeyModifierControl) }

// typeText types characters into whatever has the focus.
func typeText(w fyne.Window, s string) {
	c := w.Canvas()
	for _, r := range s {
		if f := c.Focused(); f != nil {
			f.TypedRune(r)
		} else if h := c.OnTypedRune(); h != nil {
			h(r)
		}
	}
}

// tab presses Tab n times.
func tab(w fyne.Window, n int) {
	for range n {
		key(w, fyne.KeyTab)
	}
}

// focusedEntry is the focused text field, or fails the test.
func focusedEntry(t *testing.T, w fyne.Window) *entry {
	t.Helper()
	e, ok := w.Canvas().Focused().(*entry)
	if !ok {
		t.Fatalf("the focus is on %T, not a text field", w.Canvas().Focused())
	}
	return e
}

// space presses the space bar: the driver sends the key, then the character, each to
// whatever has the focus at that moment.
func space(w fyne.Window) {
	key(w, fyne.KeySpace)
	typeText(w, " ")
}
