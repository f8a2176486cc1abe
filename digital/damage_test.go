package digital

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
)

// A damaged channel file is refused at open with the channel's own error, never a crash
// (a short file was read past its end: SIGBUS) and never the store's ErrDamaged, whose
// remedy (`store repair`) rebuilds the store and leaves this file as it is.
func TestDamagedFileIsRefusedAsTheChannels(t *testing.T) {
	dir := t.TempDir()
	c, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	path := filepath.Join(dir, FileName)
	if err := os.Truncate(path, 4096*2); err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir, nil)
	if !errors.Is(err, ErrDamaged) || errors.Is(err, store.ErrDamaged) {
		t.Fatalf("want the channel's ErrDamaged alone, got %v", err)
	}
	if zh := invoice.Explain(invoice.Chinese, err); !strings.Contains(zh, "数电通道文件") {
		t.Errorf("the clerk reads %q", zh)
	}
	if st, _ := os.Stat(path); st.Size() != 4096*2 {
		t.Errorf("the damaged file was changed: %d bytes", st.Size())
	}
}
