package invoice

import (
	"encoding/json"
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
