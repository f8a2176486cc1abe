package invoice

import (
	"fmt"
	"testing"
)

// The examples of docs/rules.md "Buyer tax ID".
func TestCheckTaxIDRulesTable(t *testing.T) {
	cases := []struct {
		id      string
		problem TaxIDProblem
		want    string
	}{
		{"91350200776049653A", "", ""},
		{"91440101MA5CJQ4N59", "", ""},
		{"913502000728319549", "", ""},
		{"91350203M0001QAY9B", TaxIDCheck, "9"},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			problem, want := CheckTaxID(c.id)
			if problem != c.problem || want != c.want {
				t.Errorf("CheckTaxID(%s) = %q, %q; want %q, %q", c.id, problem, want, c.problem, c.want)
			}
		})
	}
}

func TestCheckTaxIDForms(t *testing.T) {
	cases := []struct {
		name    string
		id      string
		problem TaxIDProblem
	}{
		{"a legacy 15-character ID has no check digit", "350200776049653", ""},
		{"a legacy 17-character ID", "35020077604965300", ""},
		{"a legacy 20-character ID", "3502007760496530000A", ""},
		{"16 characters is no form", "3502007760496530", TaxIDFormat},
		{"19 characters is no form", "91350200776049653A0", TaxIDFormat},
		{"lower case is refused", "91350200776049653a", TaxIDFormat},
		{"the letter I is outside the alphabet", "9135020077604965IA", TaxIDFormat},
		{"a legacy ID with a symbol", "35020077604965-", TaxIDFormat},
		// 91350200776049653A with its organisation code's check digit changed (3 → 4)
		// and the main check character recomputed: only the org check catches it.
		{"the embedded organisation code is checked", orgBroken(), TaxIDOrgCheck},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if problem, _ := CheckTaxID(c.id); problem != c.problem {
				t.Errorf("CheckTaxID(%s) = %q, want %q", c.id, problem, c.problem)
			}
		})
	}
}

// orgBroken builds a credit code whose 18th character is right but whose organisation
// code check digit is wrong.
func orgBroken() string {
	body := "91350200776049654"
	sum := 0
	for i := 0; i < 17; i++ {
		for v := 0; v < len(creditAlphabet); v++ {
			if creditAlphabet[v] == body[i] {
				sum += v * creditWeights[i]
			}
		}
	}
	return body + string(creditAlphabet[(31-sum%31)%31])
}

// Every single-character change to a valid code is caught by one of the two checks.
func TestCheckTaxIDCatchesEverySubstitution(t *testing.T) {
	valid := "91350200776049653A"
	for i := 0; i < 18; i++ {
		for j := 0; j < len(creditAlphabet); j++ {
			if creditAlphabet[j] == valid[i] {
				continue
			}
			id := valid[:i] + string(creditAlphabet[j]) + valid[i+1:]
			if problem, _ := CheckTaxID(id); problem == "" {
				t.Errorf("%s (position %d changed) passes", id, i+1)
			}
		}
	}
}

func ExampleCheckTaxID() {
	for _, id := range []string{"91350200776049653A", "91350203M0001QAY9B", "12345"} {
		problem, want := CheckTaxID(id)
		fmt.Printf("%s %q %q\n", id, problem, want)
	}
	// Output:
	// 91350200776049653A "" ""
	// 91350203M0001QAY9B "tax_id.check" "9"
	// 12345 "tax_id.format" ""
}
