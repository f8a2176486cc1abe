//go:build unix

package main

import (
	"os"
	"syscall"
)

// freeze is the freeze-before-commit fault: the process stops itself, holding the port
// open, as a device that hangs with its cable in place; it goes on when continued.
func freeze() { _ = syscall.Kill(os.Getpid(), syscall.SIGSTOP) }
