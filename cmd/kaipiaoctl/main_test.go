package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/kaipiao/kaipiao/workstation"
)

// TestMain keeps the audit keys of the tests' data folders (made outside each folder, as
// in production) in a folder of their own rather than the user's configuration folder.
func TestMain(m *testing.M) {
	if out := os.Getenv(rusageEnv); out != "" {
		os.Exit(runMeasured(out, os.Args[1:]))
	}
	dir, err := os.MkdirTemp("", "kaipiao-audit-keys-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if os.Getenv(workstation.AuditKeyEnv) == "" {
		os.Setenv(workstation.AuditKeyEnv, dir)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
