//go:build crashtest

package digital

import (
	"os"
	"time"
)

// The crash test (cmd/kaipiaoctl, digital_crash_test.go) builds kaipiaoctl with the
// crashtest tag and sets KAIPIAO_CRASHTEST_ISSUE_PAUSE: each invoice then rests that
// long between the channel's commit and the store's, where a kill leaves an open intent
// to resolve. Without the tag this file is not in the program.
func init() {
	if d, err := time.ParseDuration(os.Getenv("KAIPIAO_CRASHTEST_ISSUE_PAUSE")); err == nil && d > 0 {
		afterIssue = func() { time.Sleep(d) }
	}
}
