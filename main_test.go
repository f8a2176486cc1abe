package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/workstation"
)

// Issue 15: quitting never hangs on a device port whose Close blocks (a read on it
// without a timeout), and the data folder is released: the next start opens it.
func TestQuitReleasesTheDataFolderWhenThePortHangs(t *testing.T) {
	dir := t.TempDir()
	db, err := workstation.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	hang := make(chan struct{})
	defer close(hang)
	closeAll := func() { <-hang; db.Close() } // the device's Close never returns
	if closeWithin(closeAll, func() { db.Close() }, 50*time.Millisecond) {
		t.Fatal("a hanging Close reported as finished")
	}
	again, err := workstation.OpenStore(dir)
	if err != nil {
		t.Fatalf("the data folder %s is still locked: %v", filepath.Base(dir), err)
	}
	again.Close()

	// A Close that returns is waited for.
	db2, _ := workstation.OpenStore(dir)
	if !closeWithin(func() { db2.Close() }, func() { t.Error("closeStore called for a prompt Close") }, 5*time.Second) {
		t.Fatal("a prompt Close reported as hanging")
	}
}
