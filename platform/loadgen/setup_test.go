package loadgen

import (
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
)

// The load test's enterprises buy from each other, so their tax IDs must pass the
// buyer's credit-code check; and they must differ.
func TestTaxIDsAreValidCreditCodes(t *testing.T) {
	seen := map[string]bool{}
	for e := range 5000 {
		id := TaxID(e)
		if p, want := invoice.CheckTaxID(id); p != "" {
			t.Fatalf("enterprise %d: %s fails %s (want %s)", e, id, p, want)
		}
		if seen[id] {
			t.Fatalf("enterprise %d: %s twice", e, id)
		}
		seen[id] = true
	}
	if Machine(0) == Machine(1) || !invoice.ValidMachine(Machine(999)) {
		t.Fatal("machine numbers")
	}
}
