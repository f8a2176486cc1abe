//go:build !windows

package printing

// System is the computer's own print spooler: CUPS on Linux and macOS.
func System() Spooler { return &CUPS{} }
