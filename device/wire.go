package device

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/shopspring/decimal"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// The payload encoding (PROTOCOL.md §4): unsigned integers as uvarints, signed ones
// (money) as zig-zag varints, text as a uvarint length and GBK bytes (the tax system's
// character set, 2 bytes a Chinese character), digit strings packed two digits a byte,
// decimals as their canonical decimal string, times as Unix seconds.

// ErrMalformed is wrapped by every payload decoding failure.
var ErrMalformed = errors.New("device: malformed payload")

type enc struct {
	b   []byte
	err error
}

func (e *enc) byte(v byte)   { e.b = append(e.b, v) }
func (e *enc) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) bool(v bool) {
	if v {
		e.byte(1)
	} else {
		e.byte(0)
	}
}
func (e *enc) raw(v []byte)     { e.uint(uint64(len(v))); e.b = append(e.b, v...) }
func (e *enc) fixed(v []byte)   { e.b = append(e.b, v...) }
func (e *enc) time(t time.Time) { e.int(unixOrZero(t)) }
func (e *enc) dec(d decimal.Decimal) {
	if d.IsZero() {
		e.raw(nil)
		return
	}
	e.raw([]byte(d.String()))
}

// text writes s in GBK; a character GBK cannot hold fails the whole encoding.
func (e *enc) text(field, s string) {
	if e.err != nil {
		return
	}
	g, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		e.err = fmt.Errorf("device: %s %q is not encodable in GBK: %w", field, s, err)
		return
	}
	e.raw([]byte(g))
}

// digits writes a string of decimal digits two to a byte. Anything but the digits 0-9
// fails the encoding: codes, numbers, machine numbers and check codes are digits only,
// and a value that is not must be refused here, not carried to the device.
func (e *enc) digits(field, s string) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			if e.err == nil {
				e.err = fmt.Errorf("device: %s %q: only the digits 0-9 may be sent", field, s)
			}
			return
		}
	}
	e.packed(s)
}

func (e *enc) packed(s string) {
	e.uint(uint64(len(s)) << 1)
	for i := 0; i < len(s); i += 2 {
		hi := s[i] - '0'
		lo := byte(0x0F)
		if i+1 < len(s) {
			lo = s[i+1] - '0'
		}
		e.byte(hi<<4 | lo)
	}
}

// taxID writes a taxpayer ID: packed when it is all digits, else as its bytes behind the
// marker bit, and then only the characters of a tax ID (0-9, A-Z) — the credit code has
// letters, nothing else does.
func (e *enc) taxID(field, s string) {
	if !isTaxID(s) {
		if e.err == nil {
			e.err = fmt.Errorf("device: %s %q: a tax ID has only the digits 0-9 and the letters A-Z", field, s)
		}
		return
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			e.uint(uint64(len(s))<<1 | 1)
			e.b = append(e.b, s...)
			return
		}
	}
	e.packed(s)
}

func isTaxID(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

type dec struct {
	b   []byte
	err error
}

func (d *dec) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: bad %s", ErrMalformed, what)
	}
}

func (d *dec) byte() byte {
	if d.err != nil || len(d.b) < 1 {
		d.fail("byte")
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("uvarint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) int() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) bool() bool {
	switch d.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail("bool")
	return false
}

func (d *dec) fixed(n int) []byte {
	if d.err != nil || len(d.b) < n {
		d.fail("fixed field")
		return nil
	}
	v := append([]byte(nil), d.b[:n]...)
	d.b = d.b[n:]
	return v
}

func (d *dec) raw() []byte {
	n := d.uint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.fail("length")
		return nil
	}
	return d.fixed(int(n))
}

func (d *dec) time() time.Time {
	v := d.int()
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(v, 0).In(invoice.Beijing)
}

func (d *dec) dec() decimal.Decimal {
	b := d.raw()
	if d.err != nil || len(b) == 0 {
		return decimal.Decimal{}
	}
	v, err := decimal.NewFromString(string(b))
	if err != nil || v.String() != string(b) {
		d.fail("decimal")
		return decimal.Decimal{}
	}
	return v
}

func (d *dec) text() string {
	b := d.raw()
	if d.err != nil {
		return ""
	}
	s, err := simplifiedchinese.GBK.NewDecoder().Bytes(b)
	if err != nil {
		d.fail("GBK text")
		return ""
	}
	// The decoder does not fail on bytes that are not GBK: it puts U+FFFD in their place.
	// Accept only text that encodes back to exactly these bytes, so that every text has
	// one form on the wire (the device's seal is computed over it).
	if back, err := simplifiedchinese.GBK.NewEncoder().Bytes(s); err != nil || !bytes.Equal(back, b) {
		d.fail("GBK text")
		return ""
	}
	return string(s)
}

// digits reads a packed digit string; the marker form is refused (only tax IDs use it).
func (d *dec) digits() string { return d.digitString(false) }

// taxID reads a tax ID: packed digits, or the marker form holding only 0-9 and A-Z.
func (d *dec) taxID() string { return d.digitString(true) }

func (d *dec) digitString(letters bool) string {
	h := d.uint()
	if d.err != nil {
		return ""
	}
	n := h >> 1
	if n > uint64(len(d.b))*2 {
		d.fail("digit string length")
		return ""
	}
	if h&1 == 1 {
		s := string(d.fixed(int(n)))
		if !letters || !isTaxID(s) {
			d.fail("digit string (not digits)")
			return ""
		}
		return s
	}
	packed := d.fixed(int((n + 1) / 2))
	out := make([]byte, 0, n)
	for i, c := range packed {
		for j, nib := range [2]byte{c >> 4, c & 0x0F} {
			if uint64(2*i+j) >= n {
				if nib != 0x0F {
					d.fail("digit padding")
				}
				break
			}
			if nib > 9 {
				d.fail("digit")
				return ""
			}
			out = append(out, '0'+nib)
		}
	}
	return string(out)
}

// end fails unless every byte was consumed: trailing bytes mean a version mismatch or a
// corrupted payload that slipped past the CRC, and either way must not be trusted.
func (d *dec) end() error {
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%w: %d trailing bytes", ErrMalformed, len(d.b))
	}
	return d.err
}
