package invoice

import (
	"bytes"
	"math/big"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/assets"
)

var testCodes = func() *TaxCodes {
	t, err := ParseTaxCodes(bytes.NewReader(assets.TaxCodesCSV()), assets.TaxCodesVersion)
	if err != nil {
		panic(err)
	}
	return t
}()

func testConfig() Config {
	return Config{Codes: testCodes, Limits: DefaultLimits, Operator: "张三"}
}

// validOrder is a one-line order that passes every rule; tests change one thing in it.
func validOrder() *Order {
	return &Order{
		OrderID: "T-1",
		Buyer:   OrderBuyer{Name: "示例公司"},
		Lines: []OrderLine{{
			Name: "软件开发服务", TaxCode: "3040201010000000000", Amount: "1000.00", TaxRate: "0.06",
		}},
	}
}

func check(t *testing.T, o *Order) (*Checked, Errors) {
	t.Helper()
	return Check(o, testConfig())
}

// passes asserts that the order is valid and returns it computed.
func passes(t *testing.T, o *Order) *Checked {
	t.Helper()
	c, errs := check(t, o)
	if errs != nil {
		t.Fatalf("want no error, got %v", errs)
	}
	return c
}

// refused asserts that checking the order reports rule on field (and only returns then).
func refused(t *testing.T, o *Order, field, rule string) Errors {
	t.Helper()
	c, errs := check(t, o)
	if c != nil || errs == nil {
		t.Fatalf("want %s on %s, got no error", rule, field)
	}
	if !errs.Has(field, rule) {
		t.Fatalf("want %s on %s, got %v", rule, field, errs)
	}
	for _, e := range errs {
		if e.Message == "" || e.English == "" {
			t.Errorf("error %s on %s lacks a message: %+v", e.Rule, e.Field, e)
		}
	}
	return errs
}

func zh(n int) string  { return strings.Repeat("中", n) }
func asc(n int) string { return strings.Repeat("a", n) }

func money(t *testing.T, s string) Money {
	t.Helper()
	m, err := ParseMoney(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func bigs(vs ...int64) []*big.Int {
	out := make([]*big.Int, len(vs))
	for i, v := range vs {
		out[i] = big.NewInt(v)
	}
	return out
}
