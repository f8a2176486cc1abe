//go:build !windows

package main

// bringForward cannot raise another process's window portably on X11 or macOS: the
// second start says that Kaipiao is open instead.
func bringForward(string) bool { return false }
