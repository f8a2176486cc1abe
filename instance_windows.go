package main

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	user32                  = windows.NewLazySystemDLL("user32.dll")
	procFindWindowW         = user32.NewProc("FindWindowW")
	procIsIconic            = user32.NewProc("IsIconic")
	procShowWindowAsync     = user32.NewProc("ShowWindowAsync")
	procSetForegroundWindow = user32.NewProc("SetForegroundWindow")
)

const swRestore = 9

// bringForward raises the first instance's window (restored if minimised) and reports
// whether there was one. Windows lets a process the clerk just started take the
// foreground, so the second start's request is honoured.
func bringForward(title string) bool {
	t, err := windows.UTF16PtrFromString(title)
	if err != nil {
		return false
	}
	h, _, _ := procFindWindowW.Call(0, uintptr(unsafe.Pointer(t)))
	if h == 0 {
		return false
	}
	if iconic, _, _ := procIsIconic.Call(h); iconic != 0 {
		procShowWindowAsync.Call(h, swRestore) // async: never wait on the other process
	}
	procSetForegroundWindow.Call(h)
	return true
}
