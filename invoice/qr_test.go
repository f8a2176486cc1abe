package invoice

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func issuedAt(t *testing.T) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, "2026-11-26T10:30:00+08:00")
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// docs/rules.md "QR code": nine comma-separated fields and a trailing empty one.
func TestQRPayload(t *testing.T) {
	blue := issuedBlue(t)
	blue.IssuedAt = issuedAt(t)
	blue.CheckCode = "17602940807063740560"
	blue.Signature = []byte{0x08, 0x19, 0xff}
	want := "01,10,035020026011,00000042," + blue.Totals().Amount.String() + ",20261126,17602940807063740560,0819,"
	if got := QRPayload(blue); got != want {
		t.Errorf("QR payload\n got %s\nwant %s", got, want)
	}
	if n := strings.Count(QRPayload(blue), ","); n != 8 {
		t.Errorf("%d commas, want 8", n)
	}
	// A red invoice's amount is negative; a 专票's type is 08.
	red := reverse(t, blue, nil, redOrder("R-1"))
	red.Kind, red.Code, red.Number, red.IssuedAt = KindSpecial, "035020026011", "00000043", blue.IssuedAt
	fields := strings.Split(QRPayload(red), ",")
	if fields[1] != "08" || fields[4] != "-"+blue.Totals().Amount.String() {
		t.Errorf("red special QR fields %v", fields)
	}
}

func ExampleQRPayload() {
	inv := &Invoice{Kind: KindOrdinary, Lines: []Line{{Amount: 3200}}}
	inv.Code, inv.Number, inv.CheckCode = "011001700112", "10113872", "17602940807063740560"
	inv.IssuedAt = time.Date(2018, 2, 24, 9, 0, 0, 0, time.UTC)
	inv.Signature = []byte{0x08, 0x19}
	fmt.Println(QRPayload(inv))
	// Output: 01,10,011001700112,10113872,32.00,20180224,17602940807063740560,0819,
}
