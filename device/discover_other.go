//go:build !windows

package device

// systemPortNames: on Linux and macOS the enumeration lists every port already.
func systemPortNames() []string { return nil }
