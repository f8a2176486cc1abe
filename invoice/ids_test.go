package invoice

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestIdentityForms(t *testing.T) {
	for _, c := range []struct {
		code, number, machine string
		ok                    bool
	}{
		{"035020026111", "00000001", "661234567890", true},
		{"3502261130", "12345678", "", true},
		{"", "", "", true},
		{"../../../../tmp/x", "00000001", "661234567890", false},
		{"035020026111", "0000001/", "661234567890", false},
		{"035020026111", "00000001", "91350200776049653A", false},
		{"03502002611１", "00000001", "661234567890", false}, // a full-width digit
		{"035020026111", "", "", false},
	} {
		err := CheckIdentity(c.code, c.number, c.machine)
		if (err == nil) != c.ok {
			t.Errorf("CheckIdentity(%q, %q, %q) = %v", c.code, c.number, c.machine, err)
		}
	}
}

func TestQuoteBoundsTheEcho(t *testing.T) {
	big := strings.Repeat("票", 40<<20/3)
	q := Quote(big)
	if len(q) > 200 || !utf8.ValidString(q) || !strings.Contains(q, "bytes") {
		t.Fatalf("Quote of %d bytes gave %d bytes: %.80s", len(big), len(q), q)
	}
	if Quote("abc") != `"abc"` {
		t.Fatal(Quote("abc"))
	}
}

func FuzzQuote(f *testing.F) {
	f.Add("票据")
	f.Fuzz(func(t *testing.T, s string) {
		q := Quote(s)
		if len(q) > 4*maxEcho+40 {
			t.Fatalf("%d bytes", len(q))
		}
	})
}

// A tax ID that names a file or a key is 15 to 20 capitals and digits, nothing else.
func TestValidTaxIDForm(t *testing.T) {
	for s, want := range map[string]bool{
		"913502000728319549": true, "91350200776049653A": true, "123456789012345": true, "12345678901234567890": true,
		"12345678901234": false, "123456789012345678901": false, "91350200776049653a": false,
		"9135020077604965/A": false, "../../etc/passwd00": false, "": false, "9135020077604965３A": false,
	} {
		if got := ValidTaxIDForm(s); got != want {
			t.Errorf("ValidTaxIDForm(%q) = %v, want %v", s, got, want)
		}
	}
}
