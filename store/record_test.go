package store

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/shopspring/decimal"
)

// randomInvoice is an invoice with every field the store keeps set at random (or not).
func randomInvoice(r *rand.Rand) *invoice.Invoice {
	str := func(s string) string {
		if r.IntN(3) == 0 {
			return ""
		}
		return s + string(rune('甲'+r.IntN(50)))
	}
	dec := func() decimal.Decimal {
		if r.IntN(3) == 0 {
			return decimal.Decimal{}
		}
		return decimal.New(r.Int64N(2_000_000)-1_000_000, -int32(r.IntN(9)))
	}
	party := func() invoice.Party {
		return invoice.Party{Name: str("名"), TaxID: str("91350200776049653"), AddressPhone: str("地址 <电话>"),
			BankAccount: str("银行&账号"), Email: str("a@b")}
	}
	inv := &invoice.Invoice{RequestID: "R-" + str("x") + "#1", OrderID: str("O"), Kind: invoice.Kinds[r.IntN(2)],
		Seller: party(), Buyer: party(), PriceIncludesTax: r.IntN(2) == 0, Remark: str("备注"), Payee: str("收"),
		Reviewer: str("复"), Issuer: str("开"), TaxCodeVersion: str("2017-12-19")}
	for range r.IntN(5) {
		inv.Lines = append(inv.Lines, invoice.Line{Name: str("货") + "物", TaxCode: "3040201010000000000",
			ShortName: str("简称"), Spec: str("规"), Unit: str("件"), Quantity: dec(), UnitPrice: dec(), GrossUnitPrice: dec(),
			Amount: invoice.Money(r.Int64N(2e9) - 1e9), Rate: []invoice.Rate{0, invoice.Rate6, invoice.Rate13}[r.IntN(3)],
			Tax: invoice.Money(r.Int64N(2e8) - 1e8), ZeroRate: []invoice.ZeroRate{"", invoice.ZeroExempt}[r.IntN(2)],
			Discount: r.IntN(4) == 0, Of: r.IntN(3)})
	}
	if r.IntN(2) == 0 {
		inv.Red = &invoice.RedLink{Code: "035022600111", Number: "00000001", Reason: invoice.RedReason(1 + r.IntN(4)), Notice: str("1")}
	}
	if r.IntN(3) > 0 {
		inv.Issued = invoice.Issued{Code: "035022600111", Number: "00000002", Machine: "661234567890",
			IssuedAt: time.Unix(r.Int64N(2e9), r.Int64N(1e9)).In(invoice.Beijing), CheckCode: "12345678901234567890",
			Cipher: "<>+-*/0123", Signature: []byte{byte(r.IntN(256)), 2, 3}}
	}
	return inv
}

// Property: every invoice comes back from the store's record as it went in, and so does
// its payload hash.
func TestInvoiceRecordRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 1))
	for i := range 2000 {
		inv := randomInvoice(r)
		rec := &Record{Invoice: inv, Counter: uint64(i), PayloadHash: invoice.PayloadHash(inv), StoredAt: time.Unix(int64(i), 0).UTC(), Sync: SyncQueued}
		raw, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeRecord(raw)
		if inv.Code == "" {
			continue // DecodeRecord refuses an invoice without its code; the draft is checked below
		}
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if !equalInvoices(back.Invoice, inv) || back.PayloadHash != rec.PayloadHash || invoice.PayloadHash(back.Invoice) != rec.PayloadHash {
			t.Fatalf("round trip changed the invoice:\n in %+v\nout %+v", inv, back.Invoice)
		}
	}
	for range 500 {
		d := randomInvoice(r)
		raw, err := encodeIntent(&invoice.Intent{RequestID: d.RequestID, Draft: d, PayloadHash: invoice.PayloadHash(d)})
		if err != nil {
			t.Fatal(err)
		}
		in, err := decodeIntent(raw)
		if err != nil || !equalInvoices(in.Draft, d) {
			t.Fatalf("intent round trip: %v\n in %+v\nout %+v", err, d, in.Draft)
		}
	}
}

// equalInvoices compares with decimals by value (0 and 0.00 are one quantity) and times
// by instant.
func equalInvoices(a, b *invoice.Invoice) bool {
	if len(a.Lines) != len(b.Lines) || !a.IssuedAt.Equal(b.IssuedAt) {
		return false
	}
	for i := range a.Lines {
		x, y := a.Lines[i], b.Lines[i]
		if !x.Quantity.Equal(y.Quantity) || !x.UnitPrice.Equal(y.UnitPrice) || !x.GrossUnitPrice.Equal(y.GrossUnitPrice) {
			return false
		}
		x.Quantity, x.UnitPrice, x.GrossUnitPrice = y.Quantity, y.UnitPrice, y.GrossUnitPrice // compared by value above
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	ca, cb := *a, *b
	ca.Lines, cb.Lines, ca.IssuedAt, cb.IssuedAt = nil, nil, time.Time{}, time.Time{}
	if len(ca.Signature) == 0 && len(cb.Signature) == 0 {
		ca.Signature, cb.Signature = nil, nil
	}
	return reflect.DeepEqual(ca, cb)
}

// FuzzDecodeStoreRecord: whatever bytes the invoices or intents bucket holds, decoding returns a record
// or an error, never a panic.
func FuzzDecodeStoreRecord(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		raw, _ := json.Marshal(&Record{Invoice: randomInvoice(r)})
		f.Add(raw)
	}
	f.Add([]byte(`{"invoice":{"request_id":"R","lines":[{"name":"x","printed_name":"*a*x","amount":"1.00","tax":"0","tax_rate":"0"}]}}`))
	f.Add([]byte(`{"invoice":{"v":2}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		_, _ = DecodeRecord(raw)
		_, _ = decodeIntent(raw)
	})
}
