package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Fyne hands a shortcut to the focused widget rather than to the window, and an entry
// swallows the ones it does not know: Ctrl+Enter typed in a field would never issue. The
// workstation's text fields are entries that pass such shortcuts on to the window, and
// its buttons take Enter as well as Space, so that the keyboard alone does a day's work.

// entry is a text field that passes the window's shortcuts on, tells the screen when the
// clerk leaves it, and lets the screen handle keys before it (arrows in the goods grid,
// Enter on a suggestion).
type entry struct {
	widget.Entry
	// key handles a key before the entry does; it reports whether it did.
	key func(*fyne.KeyEvent) bool
	// shortcut handles a shortcut before the entry and the window do.
	shortcut func(fyne.Shortcut) bool
	// left runs when the focus leaves the field.
	left func()
	// noLeadingSpace drops a space typed into an empty (or wholly selected) field: a
	// Space that pressed the previous screen's button must not become, or replace, a name.
	noLeadingSpace bool
}

func newEntry() *entry {
	e := &entry{}
	e.ExtendBaseWidget(e)
	return e
}

func newPasswordEntry() *entry {
	e := newEntry()
	e.Password = true
	return e
}

// trimmed is the field's text without the spaces around it, for names, tax IDs, codes:
// a space there cannot be meant.
func (e *entry) trimmed() string { return strings.TrimSpace(e.Text) }

// TypedKey gives the screen the first look at a key; Escape is the window's.
func (e *entry) TypedKey(ev *fyne.KeyEvent) {
	if e.key != nil && e.key(ev) {
		return
	}
	if ev.Name == fyne.KeyEscape {
		if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil {
			escape(c)
		}
		return
	}
	e.Entry.TypedKey(ev)
}

// TypedRune drops a leading space where one cannot be meant.
func (e *entry) TypedRune(r rune) {
	if e.noLeadingSpace && r == ' ' && (e.Text == "" || e.SelectedText() == e.Text) {
		return
	}
	e.Entry.TypedRune(r)
}

// TypedShortcut lets the screen, then the entry's own editing shortcuts, then the
// window's, handle a shortcut.
func (e *entry) TypedShortcut(s fyne.Shortcut) {
	if e.shortcut != nil && e.shortcut(s) {
		return
	}
	if cs, ok := s.(*desktop.CustomShortcut); ok && isWindowShortcut(cs) {
		if c, ok := fyne.CurrentApp().Driver().CanvasForObject(e).(fyne.Shortcutable); ok {
			c.TypedShortcut(s)
			return
		}
	}
	e.Entry.TypedShortcut(s)
}

// FocusGained selects the field's text, as a spreadsheet's cell or a form's field does
// when Tab reaches it: what the clerk types replaces it (a click then places the cursor).
func (e *entry) FocusGained() {
	e.Entry.FocusGained()
	// Not when the window itself regains the focus (the field had it already): the
	// clerk's half-typed text stays as it was.
	if e.Text != "" && lastFocused != e {
		e.Entry.TypedShortcut(&fyne.ShortcutSelectAll{})
	}
	lastFocused = e
}

// lastFocused is the field that had the focus last: the window's losing and regaining
// the focus hands it back to the same field.
var lastFocused *entry

// FocusLost tells the screen the clerk left the field.
func (e *entry) FocusLost() {
	e.Entry.FocusLost()
	if e.left != nil {
		e.left()
	}
}

// isWindowShortcut reports whether a shortcut is one of the window's rather than an
// entry's own editing shortcut (Ctrl+Left, Ctrl+Backspace, ...).
func isWindowShortcut(s *desktop.CustomShortcut) bool {
	if s.Modifier&(fyne.KeyModifierControl|fyne.KeyModifierSuper) == 0 {
		return false
	}
	switch s.KeyName {
	case fyne.KeyLeft, fyne.KeyRight, fyne.KeyBackspace, fyne.KeyDelete, fyne.KeyHome, fyne.KeyEnd:
		return false
	}
	return true
}

// button is a button that Enter presses as well as Space, and that Escape leaves for the
// window (closing the dialog it is in).
type button struct {
	widget.Button
}

func newButton(label string, tapped func()) *button {
	b := &button{}
	b.Text = label
	b.OnTapped = tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey presses the button on Enter and Space.
func (b *button) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		b.Tapped(nil)
	case fyne.KeyEscape:
		if c := fyne.CurrentApp().Driver().CanvasForObject(b); c != nil {
			escape(c)
		}
	default:
		b.Button.TypedKey(ev)
	}
}

// escape closes the dialog on top of the canvas, as its cancel button would.
func escape(c fyne.Canvas) {
	if d := topDialog(c); d != nil {
		d.cancel()
		return
	}
	if top := c.Overlays().Top(); top != nil {
		top.Hide() // a dialog of Fyne's own: its buttons have no Escape
	}
}

// keyDialog is a dialog the keyboard can answer: Enter presses the focused button (the
// default one when the dialog opens), Escape cancels.
type keyDialog struct {
	d      *dialog.CustomDialog
	canvas fyne.Canvas
	cancel func()
	// onClosed runs when the dialog closes, however it does.
	onClosed func()
}

// dialogs are the open keyboard dialogs, the newest last.
var dialogs []*keyDialog

func topDialog(c fyne.Canvas) *keyDialog {
	for i := len(dialogs) - 1; i >= 0; i-- {
		if dialogs[i].canvas == c {
			return dialogs[i]
		}
	}
	return nil
}

// showKeyDialog shows content with buttons; the first of focus is focused, so that Enter
// presses it, and Escape runs cancel and closes the dialog.
func showKeyDialog(win fyne.Window, title string, content fyne.CanvasObject, focus fyne.Focusable, cancel func(), buttons ...*button) *keyDialog {
	kd := &keyDialog{d: dialog.NewCustomWithoutButtons(title, content, win), canvas: win.Canvas()}
	objs := make([]fyne.CanvasObject, len(buttons))
	for i, b := range buttons {
		objs[i] = b
	}
	kd.d.SetButtons(objs)
	kd.cancel = func() {
		kd.d.Hide()
		if cancel != nil {
			cancel()
		}
	}
	kd.d.SetOnClosed(func() {
		for i, x := range dialogs {
			if x == kd {
				dialogs = append(dialogs[:i], dialogs[i+1:]...)
				break
			}
		}
		if kd.onClosed != nil {
			kd.onClosed()
		}
	})
	dialogs = append(dialogs, kd)
	kd.d.Show()
	if focus != nil {
		win.Canvas().Focus(focus)
	}
	return kd
}

// message is a label that wraps: a long message grows downwards, never widens the window.
func message(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// showInfo tells the clerk something; Enter or Escape closes it.
func showInfo(win fyne.Window, title, text string) *keyDialog {
	ok := newButton(lang.L("确定"), nil)
	ok.Importance = widget.HighImportance
	kd := showKeyDialog(win, title, sizedMessage(text), ok, nil, ok)
	ok.OnTapped = kd.d.Hide
	return kd
}

// showError tells the clerk what went wrong; Enter or Escape closes it.
func showError(win fyne.Window, err error) *keyDialog {
	return showInfo(win, lang.L("错误"), clerkMessage(err))
}

// showConfirm asks before doing something: Enter presses the focused yes, Escape cancels.
func showConfirm(win fyne.Window, title, text, yes string, content fyne.CanvasObject, do func()) *keyDialog {
	var kd *keyDialog
	ok := newButton(yes, func() { kd.d.Hide(); do() })
	ok.Importance = widget.HighImportance
	no := newButton(lang.L("取消"), func() { kd.d.Hide() })
	body := fyne.CanvasObject(sizedMessage(text))
	if content != nil {
		body = container.NewVBox(body, content)
	}
	kd = showKeyDialog(win, title, body, ok, nil, no, ok)
	return kd
}

// sizedMessage is a wrapped message of a readable width: a wrapping label in a dialog
// has no width of its own and would otherwise stand as a column of characters.
func sizedMessage(text string) fyne.CanvasObject {
	return container.New(fixedWidth(520), message(text))
}

// fixedWidth lays out one object at a fixed width, as tall as it then needs.
type fixedWidth float32

func (w fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	o := objs[0]
	if o.Size().Width != float32(w) {
		o.Resize(fyne.NewSize(float32(w), o.MinSize().Height))
	}
	return fyne.NewSize(float32(w), o.MinSize().Height)
}

func (w fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) { objs[0].Resize(size) }

// keySelect is a select that Enter answers (onEnter), as the dialog's default button
// would, and that Escape leaves for the window; Left and Right step through the choices.
type keySelect struct {
	widget.Select
	onEnter func()
}

func newKeySelect(options []string) *keySelect {
	s := &keySelect{}
	s.Options = options
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey answers Enter and Escape; other keys are the select's.
func (s *keySelect) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if s.onEnter != nil {
			s.onEnter()
		}
	case fyne.KeyEscape:
		if c := fyne.CurrentApp().Driver().CanvasForObject(s); c != nil {
			escape(c)
		}
	default:
		s.Select.TypedKey(ev)
	}
}
