package invoice

import (
	"strings"
	"testing"
	"time"
)

// TestQRDateIsBeijing: the QR code's date is the Beijing date of the issue, whatever
// zone IssuedAt was read back in: 2026-11-26 17:00 UTC is already the 27th in Beijing.
func TestQRDateIsBeijing(t *testing.T) {
	inv := &Invoice{Kind: KindDigitalOrdinary, Lines: []Line{{Amount: 10000, Tax: 600}}}
	inv.Number = "26357000000000000042"
	inv.IssuedAt = time.Date(2026, 11, 26, 17, 0, 0, 0, time.UTC)
	got := QRPayload(inv)
	if want := "01,32,,26357000000000000042,106.00,20261127,,0000,"; got != want {
		t.Fatalf("QR %q, want %q", got, want)
	}
	if f := strings.Split(got, ","); len(f) != 9 {
		t.Fatalf("%d fields", len(f))
	}
}
