package upload

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// testdata/wire-invoice-v1.jsonl holds invoices (tax-excluded with a discount,
// tax-included, split, e-special, red) as the workstation sent them to the platform
// before the wire form was its own type: json.Marshal of invoice.Invoice. The wire form
// of version 1 is those bytes exactly, and reads back to the same invoice.
func TestWireInvoiceV1Unchanged(t *testing.T) {
	raw, err := os.ReadFile("testdata/wire-invoice-v1.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(raw), []byte("\n"))
	if len(lines) < 5 {
		t.Fatalf("%d invoices in the test data", len(lines))
	}
	for _, line := range lines {
		// What json.Marshal sent: compact, with <, > and & escaped.
		var want bytes.Buffer
		json.HTMLEscape(&want, line)
		inv, err := DecodeInvoice(line)
		if err != nil {
			t.Fatal(err)
		}
		got, err := EncodeInvoice(inv)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("wire form of %s changed:\n got %s\nwant %s", inv.RequestID, got, want.Bytes())
		}
		again, err := DecodeInvoice(got)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again, inv) {
			t.Errorf("%s does not read back as it was written:\n%+v\n%+v", inv.RequestID, again, inv)
		}
		amount, tax, total, err := WireTotals(got)
		if tt := inv.Totals(); err != nil || amount != tt.Amount.String() || tax != tt.Tax.String() || total != tt.Total.String() {
			t.Errorf("%s states totals %s %s %s (%v), the lines give %+v", inv.RequestID, amount, tax, total, err, tt)
		}
	}
}

// A printed name that is not *简称*名称 is refused, naming the line.
func TestWireInvoiceBadPrintedName(t *testing.T) {
	_, err := DecodeInvoice([]byte(`{"request_id":"R","order_id":"R","type":"e-ordinary","buyer":{"name":"B"},"lines":[{"name":"服务","printed_name":"服务","tax_code":"3040201010000000000","amount":"1.00","tax_rate":"0.06","tax":"0.06"}]}`))
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("line 1")) {
		t.Fatalf("got %v, want an error naming line 1", err)
	}
}

// A bad figure is refused, naming the line and the field.
func TestWireInvoiceBadFigure(t *testing.T) {
	const head = `{"request_id":"R","order_id":"R","type":"e-ordinary","buyer":{"name":"B"},"lines":[{"name":"服务","printed_name":"*a*服务","tax_code":"3040201010000000000",`
	for fields, want := range map[string]string{
		`"quantity":"x","amount":"1.00","tax_rate":"0.06","tax":"0.06"`:          `line 1: quantity: `,
		`"unit_price_with_tax":"1e","amount":"1","tax_rate":"0.06","tax":"0.06"`: `line 1: unit price with tax: `,
		`"amount":"1.001","tax_rate":"0.06","tax":"0.06"`:                        `line 1: amount: `,
		`"amount":"1.00","tax_rate":"0.06","tax":"x"`:                            `line 1: tax: `,
		`"amount":"1.00","tax_rate":"6%%","tax":"0.06"`:                          `line 1: rate: `,
	} {
		raw := []byte(head + fields + `}]}`)
		if _, err := DecodeInvoice(raw); err == nil || !bytes.HasPrefix([]byte(err.Error()), []byte(want)) {
			t.Errorf("%s: got %v, want %s…", raw, err, want)
		}
	}
	if _, err := DecodeInvoice([]byte(`{"lines":[{"name":"服务","printed_name":"*服务","amount":"1","tax_rate":"0","tax":"0"}]}`)); err == nil ||
		err.Error() != `line 1: printed name "*服务" is not *简称*服务` {
		t.Errorf("got %v", err)
	}
}
