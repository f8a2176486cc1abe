// Command gencp936 writes the reference table of Windows code page 936 that
// invoice's TestGBKMatchesCP936OverTheWholeBMP compares the workstation's GBK against.
// It was run once, on Debian 12 with glibc 2.36's iconv:
//
//	go run ./invoice/testdata/gencp936 > invoice/testdata/cp936.bin.gz
//
// The table is independent of golang.org/x/text: every code point of the Basic
// Multilingual Plane (surrogates aside) is converted by iconv from UTF-8 to CP936, one
// character a line, with -c so that characters CP936 lacks are dropped. glibc's CP936
// follows Microsoft's cp936 table: € is the single byte 0x80. (Python's "cp936" codec
// is an alias of its "gbk", which lacks €; otherwise the two agree with iconv.)
//
// Format, gzip-compressed: 65,536 big-endian uint16, entry r the CP936 bytes of code
// point r — 0 where CP936 has none, a value below 0x100 for a single byte.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
)

func main() {
	var in bytes.Buffer
	var runes []rune
	for r := rune(1); r < 0x10000; r++ {
		if (r >= 0xD800 && r <= 0xDFFF) || r == '\n' {
			continue
		}
		runes = append(runes, r)
		in.WriteString(string(r))
		in.WriteByte('\n')
	}
	cmd := exec.Command("iconv", "-c", "-f", "UTF-8", "-t", "CP936")
	cmd.Stdin = &in
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	// iconv -c exits 1 when it dropped characters, which is expected.
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		fatal(err)
	}
	// No CP936 trail byte is 0x0A, so the lines split cleanly.
	lines := bytes.Split(out, []byte{'\n'})
	if len(lines) != len(runes)+1 {
		fatal(fmt.Errorf("iconv gave %d lines for %d characters", len(lines)-1, len(runes)))
	}
	table := make([]uint16, 0x10000)
	table['\n'] = '\n'
	for i, r := range runes {
		switch b := lines[i]; len(b) {
		case 0:
		case 1:
			table[r] = uint16(b[0])
		case 2:
			table[r] = uint16(b[0])<<8 | uint16(b[1])
		default:
			fatal(fmt.Errorf("%U: %d bytes", r, len(b)))
		}
	}
	zw, _ := gzip.NewWriterLevel(os.Stdout, gzip.BestCompression)
	if err := binary.Write(zw, binary.BigEndian, table); err != nil {
		fatal(err)
	}
	if err := zw.Close(); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "gencp936:", err)
	os.Exit(1)
}
