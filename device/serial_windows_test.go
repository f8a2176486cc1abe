//go:build windows

package device

import (
	"errors"
	"io/fs"
	"testing"

	"golang.org/x/sys/windows"
)

// A COM port held by another program is refused with ERROR_ACCESS_DENIED: that is a busy
// port (the window's link.busy), not a missing right (link.permission); a port that is not
// there stays fs.ErrNotExist.
func TestBusyCOMPortIsPortBusy(t *testing.T) {
	for _, e := range []error{windows.ERROR_ACCESS_DENIED, windows.ERROR_SHARING_VIOLATION} {
		err := openFailure("COM3", e)
		if !errors.Is(err, ErrPortBusy) || errors.Is(err, fs.ErrPermission) {
			t.Errorf("%v: %v", e, err)
		}
	}
	if err := openFailure("COM9", windows.ERROR_FILE_NOT_FOUND); !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrPortBusy) {
		t.Errorf("a missing port: %v", err)
	}
}
