//go:build unix

package main

import (
	"os"
	"os/signal"
	"syscall"
)

// freeze is the freeze-before-commit fault: the process stops, holding the port open,
// as a device that hangs with its cable in place, and goes on when continued (SIGCONT).
// The ISSUE's goroutine waits here for the SIGCONT itself: a Go program's SIGSTOP to
// itself takes effect a moment after kill(2) returns, time enough to commit.
func freeze() {
	cont := make(chan os.Signal, 1)
	signal.Notify(cont, syscall.SIGCONT)
	defer signal.Stop(cont)
	_ = syscall.Kill(os.Getpid(), syscall.SIGSTOP)
	<-cont
}
