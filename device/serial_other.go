//go:build !windows

package device

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tarm/serial"
)

// tarmPort is a serial port opened with tarm/serial. On Linux its reads time out in
// 0.1 s steps and a timed-out read returns (0, io.EOF).
type tarmPort struct{ *serial.Port }

func openRaw(name string, baud int, timeout time.Duration) (rawPort, error) {
	sp, err := serial.OpenPort(&serial.Config{Name: name, Baud: baud, ReadTimeout: timeout})
	if err != nil {
		return nil, err
	}
	return tarmPort{sp}, nil
}

// present: after an unplug the device node is gone, while reads just time out.
func (tarmPort) present(target string) bool {
	_, err := os.Stat(target)
	return err == nil
}

// resolvePort resolves symlinks (a by-id name, a simulator's link) to the device node.
func resolvePort(path string) (string, error) {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", fmt.Errorf("device: port %s: %w", path, err)
	}
	return target, nil
}
