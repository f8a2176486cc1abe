package platform

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A cut-short platform file is refused at open (it was mapped and read past its end:
// SIGBUS), with the platform's error.
func TestDamagedStoreIsRefusedAtOpen(t *testing.T) {
	dir := t.TempDir()
	db, err := OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.Truncate(filepath.Join(dir, FileName), 4096*2); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenDB(dir); !errors.Is(err, ErrDamaged) {
		t.Fatalf("want ErrDamaged, got %v", err)
	}
}
