package invoice

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// payloadDraft is a checked draft with the fields a payload holds: quantities, a
// discount line, a tax-inclusive price, the people named on it.
func payloadDraft(t *testing.T) *Invoice {
	t.Helper()
	o := validOrder()
	o.PriceIncludesTax = true
	o.Lines = []OrderLine{
		{Name: "软件开发服务", TaxCode: "3040201010000000000", Quantity: "3", UnitPrice: "33.33", TaxRate: "0.06", Discount: "9.99"},
		{Name: "技术咨询服务", TaxCode: "3040201010000000000", Amount: "100", TaxRate: "0.06"},
	}
	o.Buyer.Email = "a@example.com"
	o.Remark, o.Payee, o.Reviewer = "合同 <1>", "王五", "李四"
	c := passes(t, o)
	return c.Parts[0]
}

// The hash input holds no display field: not the total in words, not the printed
// *简称*名称, not the 简称 or the totals. Changing what Words returns or the printed-name
// rule can therefore not change an order's hash; here the 简称 (the printed name's only
// input beside the name) and the code table's version change, and the hash does not.
func TestPayloadHasNoDisplayFields(t *testing.T) {
	d := payloadDraft(t)
	p := string(CanonicalPayload(d))
	total := d.Totals().Total
	for _, display := range []string{Words(total), "total_in_words", "printed_name", "short_name", "totals",
		d.Lines[0].PrintedName(), d.Lines[0].ShortName, total.String(), "tax_code_version", d.TaxCodeVersion} {
		if strings.Contains(p, display) {
			t.Errorf("the canonical payload holds %q: %s", display, p)
		}
	}
	// The payload's keys are exactly these: a new field is a new payload version.
	var m map[string]any
	if err := json.Unmarshal([]byte(p), &m); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		slices.Sort(k)
		return k
	}
	if got, want := strings.Join(keys(m), " "), "buyer issuer kind lines order_id payee price_includes_tax red remark request_id reviewer seller v"; got != want {
		t.Errorf("payload keys %q, want %q", got, want)
	}
	line := m["lines"].([]any)[0].(map[string]any)
	if got, want := strings.Join(keys(line), " "), "amount discount gross_unit_price name of quantity rate spec tax tax_code unit unit_price zero_rate"; got != want {
		t.Errorf("payload line keys %q, want %q", got, want)
	}

	h := PayloadHash(d)
	display := *d
	display.Lines = slices.Clone(d.Lines)
	for i := range display.Lines {
		display.Lines[i].ShortName = "另一简称"
	}
	display.TaxCodeVersion = "2099-01-01"
	if PayloadHash(&display) != h {
		t.Error("the 简称 or the code table's version changed the payload hash")
	}
	issued := *d
	issued.Issued = Issued{Code: "035022600111", Number: "00000001", Machine: "661234567890", IssuedAt: time.Now(),
		CheckCode: "12345678901234567890", Cipher: "<>", Signature: []byte{1}}
	if PayloadHash(&issued) != h {
		t.Error("the device's fields changed the payload hash")
	}
}

// What the clerk asked for is in the hash: any change of it is a different order.
func TestPayloadHashSeesTheOrder(t *testing.T) {
	d := payloadDraft(t)
	h := PayloadHash(d)
	if !strings.HasPrefix(h, "v2:") || len(h) != 3+64 {
		t.Fatalf("hash %q is not v2: and 64 hex digits", h)
	}
	changes := map[string]func(*Invoice){
		"remark":     func(i *Invoice) { i.Remark += "x" },
		"buyer":      func(i *Invoice) { i.Buyer.Name += "x" },
		"email":      func(i *Invoice) { i.Buyer.Email = "b@example.com" },
		"seller":     func(i *Invoice) { i.Seller.TaxID = "91350200MA2Y0XXK5W" },
		"kind":       func(i *Invoice) { i.Kind = KindSpecial },
		"issuer":     func(i *Invoice) { i.Issuer = "赵六" },
		"incl":       func(i *Invoice) { i.PriceIncludesTax = !i.PriceIncludesTax },
		"quantity":   func(i *Invoice) { i.Lines[0].Quantity = decimal.RequireFromString("4") },
		"unit price": func(i *Invoice) { i.Lines[0].UnitPrice = decimal.RequireFromString("1") },
		"gross":      func(i *Invoice) { i.Lines[0].GrossUnitPrice = decimal.RequireFromString("1") },
		"amount":     func(i *Invoice) { i.Lines[0].Amount++ },
		"tax":        func(i *Invoice) { i.Lines[0].Tax++ },
		"rate":       func(i *Invoice) { i.Lines[0].Rate = Rate13 },
		"tax code":   func(i *Invoice) { i.Lines[0].TaxCode = "1010101010000000000" },
		"name":       func(i *Invoice) { i.Lines[0].Name += "x" },
		"discount":   func(i *Invoice) { i.Lines[1].Discount = !i.Lines[1].Discount },
		"line order": func(i *Invoice) { i.Lines[0], i.Lines[2] = i.Lines[2], i.Lines[0] },
		"red":        func(i *Invoice) { i.Red = &RedLink{Code: "035022600111", Number: "00000001", Reason: ReasonError} },
		"request":    func(i *Invoice) { i.RequestID += "#2" },
	}
	for name, change := range changes {
		c := *d
		c.Lines = slices.Clone(d.Lines)
		change(&c)
		if PayloadHash(&c) == h {
			t.Errorf("changing the %s left the payload hash as it was", name)
		}
	}
	// The same value written another way is the same order.
	same := *d
	same.Lines = slices.Clone(d.Lines)
	same.Lines[0].Quantity = decimal.RequireFromString("3.000")
	if PayloadHash(&same) != h {
		t.Error("quantity 3.000 hashes unlike 3")
	}
}

// The payload is canonical JSON: keys sorted at every level, no space, and its bytes
// and hash are fixed for version 2 (an encoding change would turn every replay into
// "changed", so it must come as a new version).
func TestPayloadIsCanonicalAndStable(t *testing.T) {
	p := CanonicalPayload(payloadDraft(t))
	var v any
	if err := json.Unmarshal(p, &v); err != nil {
		t.Fatal(err)
	}
	again, err := json.Marshal(v) // encoding/json sorts map keys
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(p, again) {
		t.Errorf("the payload is not in canonical key order:\n%s\n%s", p, again)
	}
	// A fixed draft, built by hand so that only the encoding is pinned, not the rules.
	d := &Invoice{RequestID: "SO-1#2", OrderID: "SO-1", Kind: KindSpecial,
		Seller: Party{Name: "卖方", TaxID: "91350200MA2Y0XXK5W"}, Buyer: Party{Name: "买方 <&>", Email: "a@example.com"},
		Lines: []Line{{Name: "服务", TaxCode: "3040201010000000000", ShortName: "信息技术服务", Unit: "项",
			Quantity: decimal.RequireFromString("1.50"), UnitPrice: decimal.RequireFromString("100"),
			Amount: 15000, Rate: Rate6, Tax: 900}},
		Remark: "备注", Issuer: "张三", Red: &RedLink{Code: "035022600111", Number: "00000001", Reason: ReasonReturn},
		TaxCodeVersion: "2017-12-19"}
	const wantPayload = `{"buyer":{"address_phone":"","bank_account":"","email":"a@example.com","name":"买方 \u003c\u0026\u003e","tax_id":""},` +
		`"issuer":"张三","kind":"e-special","lines":[{"amount":"150.00","discount":false,"gross_unit_price":"0","name":"服务","of":0,` +
		`"quantity":"1.5","rate":"0.06","spec":"","tax":"9.00","tax_code":"3040201010000000000","unit":"项","unit_price":"100","zero_rate":""}],` +
		`"order_id":"SO-1","payee":"","price_includes_tax":false,"red":{"code":"035022600111","notice":"","number":"00000001","reason":2},` +
		`"remark":"备注","request_id":"SO-1#2","reviewer":"","seller":{"address_phone":"","bank_account":"","email":"","name":"卖方","tax_id":"91350200MA2Y0XXK5W"},"v":2}`
	if got := string(CanonicalPayload(d)); got != wantPayload {
		t.Errorf("payload version 2 changed:\n got %s\nwant %s", got, wantPayload)
	}
	sum := sha256.Sum256([]byte(wantPayload))
	if got, want := PayloadHash(d), "v2:"+hex.EncodeToString(sum[:]); got != want {
		t.Errorf("PayloadHash %s, want %s", got, want)
	}
}

// A version-1 hash (stores before schema 5) is still compared in version 1.
func TestSamePayloadKnowsVersion1(t *testing.T) {
	d := payloadDraft(t)
	changed := *d
	changed.Remark = "另一备注"
	for _, c := range []struct {
		stored string
		draft  *Invoice
		want   bool
	}{
		{PayloadHash(d), d, true},
		{PayloadHash(d), &changed, false},
		{PayloadHashV1(d), d, true},
		{PayloadHashV1(d), &changed, false},
		{"v2:" + strings.Repeat("0", 64), d, false},
		{"", d, false},
	} {
		if got := SamePayload(c.stored, c.draft); got != c.want {
			t.Errorf("SamePayload(%.12s…, remark %q) = %v, want %v", c.stored, c.draft.Remark, got, c.want)
		}
	}
}
