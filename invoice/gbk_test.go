package invoice

import (
	"compress/gzip"
	"encoding/binary"
	"os"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// cp936Reference reads testdata/cp936.bin.gz, Windows code page 936 as glibc's iconv
// writes it (see testdata/gencp936 for how it was made): entry r is the CP936 bytes of
// code point r, 0 where there are none.
func cp936Reference(t *testing.T) []uint16 {
	t.Helper()
	f, err := os.Open("testdata/cp936.bin.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	table := make([]uint16, 0x10000)
	if err := binary.Read(zr, binary.BigEndian, table); err != nil {
		t.Fatal(err)
	}
	return table
}

// docs/rules.md "Texts": GBK is CP936 exactly. Over the whole BMP, a character passes
// the check iff the reference encoder writes it, GBKLen counts the bytes it writes, and
// the encoder the device link uses writes those very bytes.
func TestGBKMatchesCP936OverTheWholeBMP(t *testing.T) {
	ref := cp936Reference(t)
	enc := simplifiedchinese.GBK.NewEncoder()
	in, bytesOne, bytesTwo := 0, 0, 0
	for r := rune(0x20); r < 0x10000; r++ {
		if r >= 0xD800 && r <= 0xDFFF || r == 0x7f {
			continue
		}
		want := ref[r]
		if got := InGBK(r); got != (want != 0) {
			t.Errorf("%U %c: InGBK %v, CP936 %04X", r, r, got, want)
			continue
		}
		if want == 0 {
			continue
		}
		in++
		n, _, ok := GBKLen(string(r))
		wantN := 2
		if want < 0x100 {
			wantN = 1
			bytesOne++
		} else {
			bytesTwo++
		}
		if !ok || n != wantN {
			t.Errorf("%U %c: GBKLen %d, CP936 writes %d bytes (%04X)", r, r, n, wantN, want)
		}
		b, err := enc.Bytes([]byte(string(r)))
		var got uint16
		for _, c := range b {
			got = got<<8 | uint16(c)
		}
		if err != nil || got != want {
			t.Errorf("%U %c: encoded %X (%v), CP936 %04X", r, r, b, err, want)
		}
	}
	// 95 printable ASCII + € in one byte; 21,791 characters in two.
	if bytesOne != 96 || bytesTwo != 21791 {
		t.Errorf("%d characters in one byte, %d in two; the reference has 96 and 21,791", bytesOne, bytesTwo)
	}
}

// The review's examples: characters outside CP936 are refused, € counts one byte.
func TestGBKIsCP936_ReviewExamples(t *testing.T) {
	for _, r := range "㑇䶮⿰ǹ⺁〾" {
		if InGBK(r) {
			t.Errorf("%c (%U) is not in CP936 yet passes", r, r)
		}
		o := validOrder()
		o.Lines[0].Name = "服务" + string(r)
		refused(t, o, "lines[0].name", "gbk.encodable")
	}
	if n, _, ok := GBKLen("中a€"); !ok || n != 4 {
		t.Errorf("GBKLen(中a€) = %d, %v; want 4 (€ is the single byte 0x80 in CP936)", n, ok)
	}
	o := validOrder()
	o.Lines[0].Spec = zh(17) + "€a" // 34 + 1 + 1 = 36 bytes, the limit
	passes(t, o)
}
