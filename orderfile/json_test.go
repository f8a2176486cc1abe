package orderfile

import (
	"reflect"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
)

func TestDecodeExamples(t *testing.T) {
	cases := map[string][][2]string{
		"e04-unknown-field.json":   {{"buyer_name", "field.unknown"}},
		"e09-money-as-number.json": {{"lines[0].unit_price", "decimal.string"}},
	}
	for file, want := range cases {
		orders, err := DecodeOrders(readExample(t, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !orders[0].DecodeErrors.Has(w[0], w[1]) {
				t.Errorf("%s: want %s on %s, got %v", file, w[1], w[0], orders[0].DecodeErrors)
			}
		}
	}
}

func TestDecodeReportsEveryStructuralError(t *testing.T) {
	data := `[{"order_id": 5, "buyer": {"name": "x", "nmae": "y"}, "lines": [{"amount": 1.5, "tax_rate": "0.06", "extra": true}],
	  "price_includes_tax": "yes"}, {"order_id": "B"}]`
	orders, err := DecodeOrders([]byte(data))
	if err != nil || len(orders) != 2 {
		t.Fatalf("%v %d", err, len(orders))
	}
	errs := orders[0].DecodeErrors
	for _, w := range [][2]string{{"order_id", "field.type"}, {"buyer.nmae", "field.unknown"},
		{"lines[0].amount", "decimal.string"}, {"lines[0].extra", "field.unknown"}, {"price_includes_tax", "field.type"}} {
		if !errs.Has(w[0], w[1]) {
			t.Errorf("want %s on %s, got %v", w[1], w[0], errs)
		}
	}
	// Check does not report those fields a second time.
	_, all := invoice.Check(orders[0], checkConfig(t))
	n := 0
	for _, e := range all {
		if e.Field == "lines[0].amount" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("lines[0].amount reported %d times: %v", n, all)
	}
}

func TestDecodeIsCaseSensitiveAndRefusesDuplicates(t *testing.T) {
	orders, err := DecodeOrders([]byte(`{"Order_ID": "A", "buyer": {"name": "x", "name": "y"}}`))
	if err != nil {
		t.Fatal(err)
	}
	errs := orders[0].DecodeErrors
	if !errs.Has("Order_ID", "field.unknown") || !errs.Has("buyer.name", "field.duplicate") {
		t.Errorf("got %v", errs)
	}
}

// The typed fast path and the walker must read a valid order identically.
func TestFastPathAndWalkerAgree(t *testing.T) {
	for _, f := range []string{"01-software-service.json", "02-computers-tax-inclusive.json", "03-exempt-rice.json", "04-twelve-lines.json"} {
		data := readExample(t, f)
		fast, err := DecodeOrders(data)
		if err != nil || fast[0].DecodeErrors != nil {
			t.Fatalf("%s: %v %v", f, err, fast[0].DecodeErrors)
		}
		if walked := walkOrder(data); !reflect.DeepEqual(fast[0], walked) {
			t.Errorf("%s:\nfast   %+v\nwalker %+v", f, fast[0], walked)
		}
	}
	red := []byte(`{"order_id": "R1", "red_of": {"code": "035020026011", "number": "00000042", "reason": 2, "lines": [{"line": 1, "amount": "2.00"}]}}`)
	fast, _ := DecodeOrders(red)
	if walked := walkOrder(red); !reflect.DeepEqual(fast[0], walked) {
		t.Errorf("red:\nfast   %+v\nwalker %+v", fast[0].RedOf, walked.RedOf)
	}
}

func TestDecodeRejectsWhatIsNotJSON(t *testing.T) {
	for _, s := range []string{"", "{", "[]", "nope", "[1,"} {
		if _, err := DecodeOrders([]byte(s)); err == nil {
			t.Errorf("%q decoded", s)
		}
	}
	orders, err := DecodeOrders([]byte(`[1, "x"]`))
	if err != nil || orders[0].DecodeErrors == nil || orders[1].DecodeErrors == nil {
		t.Errorf("non-objects in the array must be errors of their order: %v", err)
	}
}

func TestDecodeRedOrder(t *testing.T) {
	orders, err := DecodeOrders([]byte(`{"order_id": "R1", "red_of": {"code": "035020026011", "number": "00000042",
	  "reason": 2, "lines": [{"line": 1, "quantity": "2"}]}}`))
	if err != nil || orders[0].DecodeErrors != nil {
		t.Fatal(err, orders[0].DecodeErrors)
	}
	want := &invoice.RedRequest{Code: "035020026011", Number: "00000042", Reason: 2, Lines: []invoice.RedLineRequest{{Line: 1, Quantity: "2"}}}
	if !reflect.DeepEqual(orders[0].RedOf, want) {
		t.Errorf("red_of %+v", orders[0].RedOf)
	}
}
