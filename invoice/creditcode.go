package invoice

import "strings"

// creditAlphabet is the character set of the 统一社会信用代码 (GB 32100-2015): the digits
// and the capitals without I, O, Z, S, V; a character's value is its index.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// TaxIDProblem says what is wrong with a buyer's tax ID, or is empty when it is valid.
type TaxIDProblem string

// The ways a tax ID can be wrong.
const (
	TaxIDFormat   TaxIDProblem = "tax_id.format"    // neither an 18-character code nor a legacy ID
	TaxIDCheck    TaxIDProblem = "tax_id.check"     // the 18th character is not the check character
	TaxIDOrgCheck TaxIDProblem = "tax_id.org_check" // positions 9–17 fail the organisation code's check
)

// CheckTaxID validates a 纳税人识别号: an 18-character unified social credit code with its
// check character and its embedded organisation code, or a legacy ID of 15, 17 or 20
// capitals and digits (which carry no check digit). For a failed check it also returns
// the character that was expected.
func CheckTaxID(id string) (problem TaxIDProblem, want string) {
	switch len(id) {
	case 18:
		return checkCreditCode(id)
	case 15, 17, 20:
		for i := 0; i < len(id); i++ {
			c := id[i]
			if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
				return TaxIDFormat, ""
			}
		}
		return "", ""
	}
	return TaxIDFormat, ""
}

func checkCreditCode(id string) (TaxIDProblem, string) {
	var sum int
	for i := 0; i < 18; i++ {
		v := strings.IndexByte(creditAlphabet, id[i])
		if v < 0 {
			return TaxIDFormat, ""
		}
		if i < 17 {
			sum += v * creditWeights[i]
		}
	}
	c := (31 - sum%31) % 31
	if id[17] != creditAlphabet[c] {
		return TaxIDCheck, string(creditAlphabet[c])
	}
	// Positions 9–17 are the organisation code (GB 11714): eight characters and a check
	// digit, letters counting A=10 … Z=35.
	org := id[8:17]
	sum = 0
	for i := 0; i < 8; i++ {
		sum += orgValue(org[i]) * orgWeights[i]
	}
	var want byte
	switch d := 11 - sum%11; d {
	case 10:
		want = 'X'
	case 11:
		want = '0'
	default:
		want = byte('0' + d)
	}
	if org[8] != want {
		return TaxIDOrgCheck, string(want)
	}
	return "", ""
}

func orgValue(c byte) int {
	if c >= '0' && c <= '9' {
		return int(c - '0')
	}
	return int(c-'A') + 10
}
