package workstation

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMoveDataDir(t *testing.T) {
	write := func(path, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("an old store moves to the new place", func(t *testing.T) {
		root := t.TempDir()
		old, dir := filepath.Join(root, "Roaming", "kaipiao"), filepath.Join(root, "Local", "Kaipiao")
		write(filepath.Join(old, StoreFile), "store")
		write(filepath.Join(old, "pdf", "a.pdf"), "pdf")
		if got := moveDataDir(old, dir); got != dir {
			t.Fatalf("moveDataDir = %s, want %s", got, dir)
		}
		for _, f := range []string{StoreFile, filepath.Join("pdf", "a.pdf")} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Errorf("%s did not move: %v", f, err)
			}
		}
		if _, err := os.Stat(old); !os.IsNotExist(err) {
			t.Errorf("the old folder is still there: %v", err)
		}
	})
	t.Run("the new place wins when both exist", func(t *testing.T) {
		root := t.TempDir()
		old, dir := filepath.Join(root, "old"), filepath.Join(root, "new")
		write(filepath.Join(old, StoreFile), "old store")
		write(filepath.Join(dir, StoreFile), "new store")
		if got := moveDataDir(old, dir); got != dir {
			t.Fatalf("moveDataDir = %s, want %s", got, dir)
		}
		if b, _ := os.ReadFile(filepath.Join(old, StoreFile)); string(b) != "old store" {
			t.Errorf("the old store was touched: %q", b)
		}
	})
	t.Run("nothing old: the new place", func(t *testing.T) {
		root := t.TempDir()
		if got := moveDataDir(filepath.Join(root, "old"), filepath.Join(root, "new")); got != filepath.Join(root, "new") {
			t.Fatalf("moveDataDir = %s", got)
		}
	})
	t.Run("a move that fails keeps the old folder in use", func(t *testing.T) {
		root := t.TempDir()
		old := filepath.Join(root, "old")
		write(filepath.Join(old, StoreFile), "store")
		blocker := filepath.Join(root, "file")
		write(blocker, "x") // the new folder's parent is a file: the move cannot happen
		if got := moveDataDir(old, filepath.Join(blocker, "Kaipiao")); got != old {
			t.Fatalf("moveDataDir = %s, want the old %s", got, old)
		}
	})
}
