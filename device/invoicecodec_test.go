package device

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/shopspring/decimal"
)

func eightLines() invoice.Invoice {
	inv := invoice.Invoice{
		RequestID: "ORD-2026-000123", OrderID: "ORD-2026-000123", Kind: invoice.KindOrdinary,
		Seller: invoice.Party{Name: "厦门开票软件有限公司", TaxID: "91350200MA2Y0XXK5W"},
		Buyer:  invoice.Party{Name: "北京某某科技有限公司", TaxID: "91110108MA01ABCD2X", Email: "ap@example.com"},
		Remark: "合同 HT-0042", Issuer: "张三", PriceIncludesTax: true,
	}
	for i := 0; i < 8; i++ {
		inv.Lines = append(inv.Lines, invoice.Line{
			Name: fmt.Sprintf("软件服务%d", i), TaxCode: "3040201010000000000", ShortName: "信息技术服务",
			Unit: "项", Quantity: decimal.RequireFromString("1.5"), UnitPrice: decimal.RequireFromString("1234.56789012"),
			GrossUnitPrice: decimal.RequireFromString("1308.6419"), Amount: 185185, Rate: invoice.Rate6, Tax: 11111,
		})
	}
	inv.Lines[7].ZeroRate, inv.Lines[7].Rate, inv.Lines[7].Tax = invoice.ZeroExempt, 0, 0
	inv.Lines = append(inv.Lines, invoice.Line{Name: "软件服务7", TaxCode: "3040201010000000000", ShortName: "信息技术服务", Amount: -1000, Discount: true})
	return inv
}

func TestInvoiceRoundTrip(t *testing.T) {
	in := eightLines()
	b, err := MarshalInvoice(&in)
	if err != nil {
		t.Fatal(err)
	}
	// "an 8-line invoice in a few hundred bytes": JSON of the same is about 3 KB
	if len(b) > 600 {
		t.Fatalf("8-line invoice takes %d bytes", len(b))
	}
	out, err := UnmarshalInvoice(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip changed the invoice:\n%+v\n%+v", in, out)
	}
	t.Logf("8-line invoice: %d bytes", len(b))
}

func TestRecordRoundTripKeepsIssuedFields(t *testing.T) {
	inv := eightLines()
	inv.Red = &invoice.RedLink{Code: "035022600111", Number: "00000007", Reason: invoice.ReasonReturn}
	inv.Issued = invoice.Issued{Code: "035022600111", Number: "00000008", Machine: "661234567890",
		IssuedAt: time.Date(2026, 3, 10, 10, 0, 0, 0, invoice.Beijing), CheckCode: "01234567890123456789",
		Cipher: "0123456789+-*/<>", Signature: []byte{1, 2, 3}}
	in := Record{Counter: 8, RequestID: "R-8", Invoice: inv}
	b, err := in.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var out Record
	if err := out.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip changed the record:\n%+v\n%+v", in, out)
	}
}

func TestTextOutsideGBKIsRefused(t *testing.T) {
	inv := eightLines()
	inv.Lines[2].Name = "笔记本😀"
	if _, err := MarshalInvoice(&inv); err == nil {
		t.Fatal("an emoji went into the device payload")
	}
}

func TestMoneyNeverLosesAFen(t *testing.T) {
	inv := eightLines()
	for _, m := range []invoice.Money{0, 1, -1, 99_999_999_999_999, -99_999_999_999_999, 1 << 62} {
		inv.Lines[0].Amount, inv.Lines[0].Tax = m, -m
		b, err := MarshalInvoice(&inv)
		if err != nil {
			t.Fatal(err)
		}
		out, err := UnmarshalInvoice(b)
		if err != nil || out.Lines[0].Amount != m || out.Lines[0].Tax != -m {
			t.Fatalf("%d fen came back as %d (%v)", m, out.Lines[0].Amount, err)
		}
	}
}

// FuzzUnmarshalInvoice: any bytes decode to an error or to an invoice that survives
// another encode/decode unchanged, never a panic.
func FuzzUnmarshalInvoice(f *testing.F) {
	inv := eightLines()
	b, _ := MarshalInvoice(&inv)
	f.Add(b)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		inv, err := UnmarshalInvoice(b)
		if err != nil {
			return
		}
		again, err := MarshalInvoice(&inv)
		if err != nil {
			t.Fatalf("decoded invoice does not encode: %v", err)
		}
		back, err := UnmarshalInvoice(again)
		if err != nil || !reflect.DeepEqual(inv, back) {
			t.Fatalf("re-encoding changed the invoice (%v):\n%+v\n%+v", err, inv, back)
		}
	})
}
