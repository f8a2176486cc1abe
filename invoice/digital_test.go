package invoice

import (
	"math/big"
	"strings"
	"testing"
	"testing/quick"
	"time"
)

func TestDigitalKinds(t *testing.T) {
	cases := []struct {
		k                   Kind
		digital, special    bool
		title, qr, codeType string
		digitalized         Kind
	}{
		{KindOrdinary, false, false, "电子普通发票", "10", "11", KindDigitalOrdinary},
		{KindSpecial, false, true, "电子专用发票", "08", "13", KindDigitalSpecial},
		{KindDigitalOrdinary, true, false, "电子发票（普通发票）", "32", "", KindDigitalOrdinary},
		{KindDigitalSpecial, true, true, "电子发票（增值税专用发票）", "31", "", KindDigitalSpecial},
	}
	for _, c := range cases {
		if c.k.Digital() != c.digital || c.k.Special() != c.special || c.k.Title() != c.title ||
			c.k.QRType() != c.qr || c.k.CodeType() != c.codeType || c.k.Digitalized() != c.digitalized {
			t.Errorf("%s: digital %v special %v title %s qr %s code type %q digitalized %s", c.k,
				c.k.Digital(), c.k.Special(), c.k.Title(), c.k.QRType(), c.k.CodeType(), c.k.Digitalized())
		}
	}
}

func TestParseRef(t *testing.T) {
	good := []struct{ in, code, number string }{
		{"035020026011:00000042", "035020026011", "00000042"},
		{"3502002601:00000042", "3502002601", "00000042"},
		{"24112000000135114086", "", "24112000000135114086"},
		{" 25442000000127444519 ", "", "25442000000127444519"},
		{":25442000000127444519", "", "25442000000127444519"},
	}
	for _, c := range good {
		code, number, err := ParseRef(c.in)
		if err != nil || code != c.code || number != c.number {
			t.Errorf("ParseRef(%q) = %q, %q, %v", c.in, code, number, err)
		}
		if got := Ref(code, number); strings.TrimPrefix(strings.TrimSpace(c.in), ":") != got {
			t.Errorf("Ref(%q, %q) = %q", code, number, got)
		}
	}
	for _, in := range []string{"", "00000042", "035020026011:0000004", "2411200000013511408", "241120000001351140861",
		"035020026011:24112000000135114086", "2411200000013511408x", "ORDER-1"} {
		if _, _, err := ParseRef(in); err == nil || !strings.Contains(err.Error(), "20位数电票号码") {
			t.Errorf("ParseRef(%q): want the error naming the forms, got %v", in, err)
		}
	}
}

// NumberPlus is decimal addition that keeps the width: checked against math/big.
func TestNumberPlusIsAddition(t *testing.T) {
	f := func(digits [20]uint8, width uint8, i uint16) bool {
		w := int(width%20) + 1
		b := make([]byte, w)
		for k := range b {
			b[k] = '0' + digits[k]%10
		}
		n := string(b)
		got, ok := NumberPlus(n, int(i))
		sum, _ := new(big.Int).SetString(n, 10)
		sum.Add(sum, big.NewInt(int64(i)))
		limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(w)), nil)
		if sum.Cmp(limit) >= 0 {
			return !ok
		}
		want := sum.Text(10)
		want = strings.Repeat("0", w-len(want)) + want
		return ok && got == want
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 5000}); err != nil {
		t.Error(err)
	}
	if got, ok := NumberPlus("26357000000000999", 1); !ok || got != "26357000000001000" {
		t.Errorf("carry: %q %v", got, ok)
	}
	for _, bad := range []string{"", "12a4", "-1"} {
		if _, ok := NumberPlus(bad, 1); ok {
			t.Errorf("NumberPlus(%q) accepted", bad)
		}
	}
}

func TestCheckIdentityDigital(t *testing.T) {
	if err := CheckIdentity("", "24112000000135114086", ""); err != nil {
		t.Errorf("a digital invoice's identity: %v", err)
	}
	for _, c := range [][3]string{{"", "00000042", ""}, {"", "2411200000013511408", ""}, {"", "24112000000135114086", "661234567890"}} {
		if err := CheckIdentity(c[0], c[1], c[2]); err == nil {
			t.Errorf("CheckIdentity(%q): accepted", c)
		}
	}
}

func TestDigitalChannelMapsOrderTypes(t *testing.T) {
	cfg := testConfig()
	cfg.Digital = true
	for typ, want := range map[string]Kind{"": KindDigitalOrdinary, "e-ordinary": KindDigitalOrdinary,
		"digital-ordinary": KindDigitalOrdinary, "digital-special": KindDigitalSpecial, "e-special": KindDigitalSpecial} {
		o := validOrder()
		o.Type = typ
		o.Buyer = OrderBuyer{Name: "示例公司", TaxID: "91350200776049653A", AddressPhone: "厦门 0592-1234567", BankAccount: "工行 123"}
		c, errs := Check(o, cfg)
		if errs != nil {
			t.Fatalf("type %q: %v", typ, errs)
		}
		if c.Parts[0].Kind != want {
			t.Errorf("type %q on the digital channel: kind %s, want %s", typ, c.Parts[0].Kind, want)
		}
	}
	// On the device channel a digital type is refused, naming the field and the rule.
	o := validOrder()
	o.Type = "digital-ordinary"
	refused(t, o, "type", "type.channel")
	// A 数电专票 needs the buyer's details as a device's 专票 does.
	o = validOrder()
	o.Type = "digital-special"
	if _, errs := Check(o, cfg); !errs.Has("buyer.tax_id", "field.required") {
		t.Errorf("a digital-special order without the buyer's tax ID: %v", errs)
	}
}

func TestDigitalRed(t *testing.T) {
	cfg := testConfig()
	cfg.Digital = true
	c, errs := Check(validOrder(), cfg)
	if errs != nil {
		t.Fatal(errs)
	}
	blue := c.Parts[0]
	blue.Number = "26350700000000000042"
	slip := "26350700000000000007"
	o := &Order{OrderID: "R-1", RedOf: &RedRequest{Number: blue.Number, Reason: 2, Slip: slip}}
	if _, errs := Check(o, cfg); errs != nil {
		t.Fatalf("the red order's form: %v", errs)
	}
	red, errs := Reverse(blue, nil, o, cfg)
	if errs != nil {
		t.Fatal(errs)
	}
	if red.Kind != KindDigitalOrdinary || red.Red.Code != "" || red.Red.Number != blue.Number || red.Red.Slip != slip || red.Red.Notice != "" {
		t.Errorf("red link %+v kind %s", red.Red, red.Kind)
	}
	if want := "被红冲蓝字数电票号码：26350700000000000042 红字发票信息确认单编号：26350700000000000007"; red.Remark != want {
		t.Errorf("red remark %q, want %q", red.Remark, want)
	}
	if red.Totals().Amount != -blue.Totals().Amount {
		t.Errorf("red amount %s, blue %s", red.Totals().Amount, blue.Totals().Amount)
	}
	// The slip is part of the payload: the same order ID with another slip is another request.
	other := *red
	other.Red = &RedLink{Number: red.Red.Number, Reason: red.Red.Reason, Slip: "26350700000000000008"}
	if PayloadHash(&other) == PayloadHash(red) {
		t.Error("the slip does not change the payload hash")
	}
	for _, bad := range []struct {
		r           RedRequest
		field, rule string
	}{
		{RedRequest{Number: "2635070000000000004"}, "red_of.number", "red.number"},
		{RedRequest{Number: blue.Number, Slip: "123"}, "red_of.slip", "red.slip_format"},
		{RedRequest{Number: blue.Number, Notice: "1234567890123456"}, "red_of.notice", "red.notice_digital"},
		{RedRequest{Code: "035020026011", Number: "00000042", Slip: slip}, "red_of.slip", "red.slip_device"},
	} {
		r := bad.r
		if _, errs := Check(&Order{OrderID: "R-2", RedOf: &r}, cfg); !errs.Has(bad.field, bad.rule) {
			t.Errorf("%+v: want %s on %s, got %v", bad.r, bad.rule, bad.field, errs)
		}
	}
	// A user may not type the digital red phrase.
	u := validOrder()
	u.Remark = "被红冲蓝字数电票号码：1"
	refused(t, u, "remark", "remark.reserved")
}

func TestDigitalQRCarriesTheTotal(t *testing.T) {
	cfg := testConfig()
	cfg.Digital = true
	c, errs := Check(validOrder(), cfg)
	if errs != nil {
		t.Fatal(errs)
	}
	inv := c.Parts[0]
	inv.Number = "26350700000000000042"
	inv.IssuedAt = time.Date(2026, 11, 29, 10, 0, 0, 0, Beijing)
	inv.Signature = []byte{0xab, 0x01, 0x02}
	if got, want := QRPayload(inv), "01,32,,26350700000000000042,1060.00,20261129,,AB01,"; got != want {
		t.Errorf("QR %q, want %q", got, want)
	}
}

// A red 数电票 without a confirmation slip is refused before anything is issued: the
// platform would refuse it after the fact.
func TestDigitalRedNeedsASlip(t *testing.T) {
	_, errs := Check(&Order{OrderID: "R-3", RedOf: &RedRequest{Number: "26357000000000000001", Reason: 1}}, Config{Limits: DefaultLimits})
	if !errs.Has("red_of.slip", "red.slip_required") {
		t.Fatalf("want red.slip_required, got %v", errs)
	}
	for _, e := range errs {
		if e.Field == "red_of.slip" && !strings.Contains(e.Message, "红字发票信息确认单") {
			t.Fatalf("message %q", e.Message)
		}
	}
}
