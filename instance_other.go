//go:build !windows

package main

// bringForward cannot raise another process's window portably on X11 or macOS: there
// the second start says that Kaipiao is open instead (fatal).
func bringForward(string) bool { return false }
