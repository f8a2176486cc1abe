//go:build !windows

package device

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tarm/serial"
	"golang.org/x/sys/unix"
)

// tarmPort is a serial port opened with tarm/serial. On Linux its reads time out in
// 0.1 s steps and a timed-out read returns (0, io.EOF). lock holds the port's exclusive
// flock (see lockPort) for as long as the port is open.
type tarmPort struct {
	*serial.Port
	lock *os.File
}

func openRaw(name string, baud int, timeout time.Duration) (rawPort, error) {
	lock, err := lockPort(name)
	if err != nil {
		return nil, err
	}
	sp, err := serial.OpenPort(&serial.Config{Name: name, Baud: baud, ReadTimeout: timeout})
	if err != nil {
		lock.Close()
		return nil, err
	}
	if !sameNode(lock, name) { // the name went to another node between the two opens
		sp.Close()
		lock.Close()
		return nil, fmt.Errorf("%s changed while it was opened", name)
	}
	return tarmPort{sp, lock}, nil
}

// lockPort takes the exclusive flock of the device node name, as Windows opens a COM
// port for one program only: a second client on one port (another Kaipiao process, or a
// client that lost its port and reopens its old name after the system gave that node to
// another device or pseudo-terminal) would replace the holder's session with its HELLO
// and read the holder's answers. It is refused instead (ErrPortBusy), having sent nothing.
// The lock goes with the file: closed, or the process dead.
func lockPort(name string) (*os.File, error) {
	// O_NONBLOCK: a modem line without carrier must not block the open.
	f, err := os.OpenFile(name, os.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s", ErrPortBusy, name)
		}
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return f, nil
}

// sameNode reports whether name still is the node f has open.
func sameNode(f *os.File, name string) bool {
	var a, b unix.Stat_t
	return unix.Fstat(int(f.Fd()), &a) == nil && unix.Stat(name, &b) == nil && a.Dev == b.Dev && a.Ino == b.Ino && a.Rdev == b.Rdev
}

// Close closes the port, then lets its lock go.
func (p tarmPort) Close() error {
	err := p.Port.Close()
	if e := p.lock.Close(); err == nil {
		err = e
	}
	return err
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
