package ofd

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDump(t *testing.T) {
	dir := os.Getenv("OFD_OUT")
	if dir == "" {
		t.Skip()
	}
	for _, s := range mustSamples(t) {
		for _, signed := range []bool{false, true} {
			o := Options{}
			name := s.name
			if signed {
				o.Signer = mustSigner(t)
				name += "-signed"
			}
			data, err := Write(s.inv, o)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, name+".ofd"), data, 0o644)
			t.Logf("%s: %d bytes", name, len(data))
			if signed {
				if _, err := Verify(data); err != nil {
					t.Error(err)
				}
			}
		}
	}
}
