package main

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	user32                  = windows.NewLazySystemDLL("user32.dll")
	procFindWindowExW       = user32.NewProc("FindWindowExW")
	procIsIconic            = user32.NewProc("IsIconic")
	procShowWindowAsync     = user32.NewProc("ShowWindowAsync")
	procSetForegroundWindow = user32.NewProc("SetForegroundWindow")
)

const swRestore = 9

// bringForward raises another process's top-level window with this title (restored if
// minimised) and reports whether there was one; this process's own window, created but
// not shown yet, is passed over. Windows lets a process the clerk just started take the
// foreground, so the second start's request is honoured.
func bringForward(title string) bool {
	t, err := windows.UTF16PtrFromString(title)
	if err != nil {
		return false
	}
	self := windows.GetCurrentProcessId()
	var h uintptr
	for {
		h, _, _ = procFindWindowExW.Call(0, h, 0, uintptr(unsafe.Pointer(t)))
		if h == 0 {
			return false
		}
		var pid uint32
		if _, err := windows.GetWindowThreadProcessId(windows.HWND(h), &pid); err == nil && pid != self {
			break
		}
	}
	if iconic, _, _ := procIsIconic.Call(h); iconic != 0 {
		procShowWindowAsync.Call(h, swRestore) // async: never wait on the other process
	}
	procSetForegroundWindow.Call(h)
	return true
}
