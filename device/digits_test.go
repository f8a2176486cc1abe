package device

import (
	"errors"
	"strings"
	"testing"
)

// TestAttackDigitsOnTheWire (security issue 16, item 8): a digits field carries digits
// only. The encoder refuses anything else, naming the field; the decoder refuses the
// marker form that used to smuggle arbitrary bytes into a code, number or machine number.
func TestAttackDigitsOnTheWire(t *testing.T) {
	req := IssueRequest{RequestID: "R1", ExpectedNumber: "0000000A", Invoice: eightLines()}
	if _, err := req.MarshalBinary(); err == nil || !strings.Contains(err.Error(), "0000000A") {
		t.Fatalf("a number with a letter: %v", err)
	}
	h := Hello{Protocol: Version, Session: 1, NextSeq: 1, Machine: "49900000000\x00"}
	if _, err := h.MarshalBinary(); err == nil {
		t.Fatal("a machine number with a NUL was encoded")
	}
	// The marker form (length<<1 | 1, then raw bytes) in the machine number of a HELLO.
	good := Hello{Protocol: Version, Session: 1, NextSeq: 1, Machine: "499000000001"}
	b, err := good.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Hello
	if err := back.UnmarshalBinary(b); err != nil || back.Machine != good.Machine {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	var e enc
	e.byte(Version)
	e.fixed(make([]byte, 16))
	e.uint(1)
	e.uint(1)
	e.uint(3<<1 | 1)
	e.fixed([]byte("../"))
	e.raw(nil)
	if err := back.UnmarshalBinary(e.b); !errors.Is(err, ErrMalformed) {
		t.Fatalf("a machine number of %q decoded: %v", "../", err)
	}
	// A tax ID keeps its letters (the credit code has them), but nothing else.
	var p enc
	p.taxID("tax_id", "91350200MA2Y0XXK5W")
	if p.err != nil {
		t.Fatal(p.err)
	}
	d := dec{b: p.b}
	if got := d.taxID(); got != "91350200MA2Y0XXK5W" || d.err != nil {
		t.Fatalf("tax ID round trip: %q %v", got, d.err)
	}
	p = enc{}
	p.taxID("tax_id", "9135<script>")
	if p.err == nil {
		t.Fatal("a tax ID with markup was encoded")
	}
}
