package assets

import (
	"bytes"
	"testing"
)

// The gzipped serif font unpacks to a TrueType (glyf) file: sfnt version 1.0 and a glyf
// table, which gopdf needs.
func TestSerifFontUnpacks(t *testing.T) {
	f := SerifFont()
	if len(f) < 10_000_000 {
		t.Fatalf("SerifFont is %d bytes, want the 10.4 MB font", len(f))
	}
	if !bytes.Equal(f[:4], []byte{0, 1, 0, 0}) {
		t.Fatalf("SerifFont starts % x, want a TrueType sfnt (00 01 00 00)", f[:4])
	}
	if !bytes.Contains(f[:1024], []byte("glyf")) {
		t.Fatal("SerifFont has no glyf table in its table directory")
	}
	if &SerifFont()[0] != &f[0] {
		t.Fatal("SerifFont unpacked twice")
	}
}

func BenchmarkSerifFontUnpack(b *testing.B) {
	for b.Loop() {
		gunzip(serifFontGz)
	}
}
