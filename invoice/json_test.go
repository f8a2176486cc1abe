package invoice

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestInvoiceJSONRoundTrip(t *testing.T) {
	blue := issuedBlue(t)
	blue.Seller = Party{Name: "厦门开票科技有限公司", TaxID: "91350200776049653A"}
	blue.Signature = []byte{0x08, 0x19, 0xAA}
	red := reverse(t, blue, nil, redOrder("R-1"))
	for _, inv := range []*Invoice{blue, red} {
		data, err := json.Marshal(inv)
		if err != nil {
			t.Fatal(err)
		}
		var back Invoice
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		again, _ := json.Marshal(&back)
		if string(again) != string(data) {
			t.Errorf("round trip changed the invoice:\n%s\n%s", data, again)
		}
		if back.Totals() != inv.Totals() || len(back.Lines) != len(inv.Lines) || back.Lines[0].ShortName != inv.Lines[0].ShortName {
			t.Errorf("round trip lost data")
		}
	}
}

// testdata/invoice-json.jsonl holds invoices (tax-excluded with a discount, tax-included,
// split, e-special, red) in the JSON form as the code of the commit that added it wrote
// them. The form is also what the digital channel's journal keeps on disk, so each must
// read back and be written again to the letter.
func TestInvoiceJSONGolden(t *testing.T) {
	raw, err := os.ReadFile("testdata/invoice-json.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(raw), []byte("\n"))
	if len(lines) < 5 {
		t.Fatalf("%d invoices in the test data", len(lines))
	}
	for i, line := range lines {
		var inv Invoice
		if err := json.Unmarshal(line, &inv); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		got, err := inv.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, line) {
			t.Errorf("line %d written as\n%s\nwant\n%s", i+1, got, line)
		}
	}
}

// A bad figure or printed name is refused, naming the line and the field.
func TestInvoiceJSONBadLine(t *testing.T) {
	const head = `{"request_id":"R","order_id":"R","type":"e-ordinary","buyer":{"name":"B"},"lines":[`
	for line, want := range map[string]string{
		`{"name":"服务","printed_name":"服务","tax_code":"3040201010000000000","amount":"1.00","tax_rate":"0.06","tax":"0.06"}`:                            `line 1: printed name "服务" is not *简称*服务`,
		`{"name":"服务","printed_name":"*a*服务","quantity":"x","tax_code":"3040201010000000000","amount":"1.00","tax_rate":"0.06","tax":"0.06"}`:          `line 1 quantity: `,
		`{"name":"服务","printed_name":"*a*服务","tax_code":"3040201010000000000","unit_price_with_tax":"1e","amount":"1","tax_rate":"0.06","tax":"0.06"}`: `line 1 unit price with tax: `,
		`{"name":"服务","printed_name":"*a*服务","tax_code":"3040201010000000000","amount":"1.001","tax_rate":"0.06","tax":"0.06"}`:                        `line 1 amount: `,
		`{"name":"服务","printed_name":"*a*服务","tax_code":"3040201010000000000","amount":"1.00","tax_rate":"6%%","tax":"0.06"}`:                          `line 1 rate: `,
	} {
		var inv Invoice
		err := json.Unmarshal([]byte(head+line+`]}`), &inv)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: got %v, want %s…", line, err, want)
		}
	}
}
