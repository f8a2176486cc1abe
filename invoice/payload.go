package invoice

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// The canonical payload decides whether an order that comes again is the same order
// (docs/DESIGN.md "Three records and one hash"). It holds the invoice as the order asked
// for it, after the rules computed its money: the parties, the lines' own fields and the
// people named on it. It leaves out whatever is derived for display or assigned by the
// device — 价税合计 in words, the printed *简称*名称 and the 简称 itself (both follow from
// the tax code), the totals (sums of the lines), the code table's version, the code,
// number, date, check code, cipher and signature — so that a fix to Words or to the
// printed-name rule, or a newer code table, does not turn an earlier order's replay into
// "changed".
//
// The encoding is canonical JSON: objects with their keys in sorted order, no
// insignificant space, strings as encoding/json writes them, decimals as their shortest
// exact string. A hash is "v2:" and the SHA-256 of the payload in hex; a hash without a
// version prefix is version 1, the SHA-256 of the whole JSON form (MarshalJSON) of the
// draft, which older stores carry (see SamePayload).

// PayloadVersion is the version of the canonical payload PayloadHash writes.
const PayloadVersion = 2

const payloadPrefix = "v2:"

// The payload's fields are declared in the order of their JSON keys, sorted, so that
// encoding/json writes canonical JSON (a test checks it).
type payloadParty struct {
	AddressPhone string `json:"address_phone"`
	BankAccount  string `json:"bank_account"`
	Email        string `json:"email"`
	Name         string `json:"name"`
	TaxID        string `json:"tax_id"`
}

type payloadLine struct {
	Amount         string `json:"amount"`
	Discount       bool   `json:"discount"`
	GrossUnitPrice string `json:"gross_unit_price"`
	Name           string `json:"name"`
	Of             int    `json:"of"`
	Quantity       string `json:"quantity"`
	Rate           string `json:"rate"`
	Spec           string `json:"spec"`
	Tax            string `json:"tax"`
	TaxCode        string `json:"tax_code"`
	Unit           string `json:"unit"`
	UnitPrice      string `json:"unit_price"`
	ZeroRate       string `json:"zero_rate"`
}

type payloadRed struct {
	Code   string `json:"code"`
	Notice string `json:"notice"`
	Number string `json:"number"`
	Reason int    `json:"reason"`
	// Slip is omitted when empty so that the device channel's payloads, and the hashes
	// stored for them, stay as they were.
	Slip string `json:"slip,omitempty"`
}

type payload struct {
	Buyer            payloadParty  `json:"buyer"`
	Issuer           string        `json:"issuer"`
	Kind             string        `json:"kind"`
	Lines            []payloadLine `json:"lines"`
	OrderID          string        `json:"order_id"`
	Payee            string        `json:"payee"`
	PriceIncludesTax bool          `json:"price_includes_tax"`
	Red              *payloadRed   `json:"red"`
	Remark           string        `json:"remark"`
	RequestID        string        `json:"request_id"`
	Reviewer         string        `json:"reviewer"`
	Seller           payloadParty  `json:"seller"`
	Version          int           `json:"v"`
}

func payloadPartyOf(p Party) payloadParty {
	return payloadParty{AddressPhone: p.AddressPhone, BankAccount: p.BankAccount, Email: p.Email, Name: p.Name, TaxID: p.TaxID}
}

// CanonicalPayload is the canonical encoding of a draft's own fields, the input of
// PayloadHash. The device's fields, if the invoice has them, are not part of it.
func CanonicalPayload(inv *Invoice) []byte {
	p := payload{
		Buyer: payloadPartyOf(inv.Buyer), Issuer: inv.Issuer, Kind: string(inv.Kind),
		Lines: make([]payloadLine, len(inv.Lines)), OrderID: inv.OrderID, Payee: inv.Payee,
		PriceIncludesTax: inv.PriceIncludesTax, Remark: inv.Remark, RequestID: inv.RequestID,
		Reviewer: inv.Reviewer, Seller: payloadPartyOf(inv.Seller), Version: PayloadVersion,
	}
	for i := range inv.Lines {
		l := &inv.Lines[i]
		// decimal's String is its shortest exact form: "1.0" and "1" are one quantity.
		p.Lines[i] = payloadLine{Amount: l.Amount.String(), Discount: l.Discount,
			GrossUnitPrice: l.GrossUnitPrice.String(), Name: l.Name, Of: l.Of,
			Quantity: l.Quantity.String(), Rate: l.Rate.String(), Spec: l.Spec, Tax: l.Tax.String(),
			TaxCode: l.TaxCode, Unit: l.Unit, UnitPrice: l.UnitPrice.String(), ZeroRate: string(l.ZeroRate)}
	}
	if inv.Red != nil {
		p.Red = &payloadRed{Code: inv.Red.Code, Notice: inv.Red.Notice, Number: inv.Red.Number, Reason: int(inv.Red.Reason), Slip: inv.Red.Slip}
	}
	raw, err := json.Marshal(&p)
	if err != nil {
		panic("invoice: the canonical payload cannot fail to encode: " + err.Error())
	}
	return raw
}

// PayloadHash identifies a draft's content, so that the same order sent twice is
// recognised and a changed one is not mistaken for it: "v2:" and the hex SHA-256 of its
// CanonicalPayload.
func PayloadHash(draft *Invoice) string {
	sum := sha256.Sum256(CanonicalPayload(draft))
	return payloadPrefix + hex.EncodeToString(sum[:])
}

// PayloadHashV1 is the version-1 hash older stores carry: the SHA-256 of the draft's
// whole JSON form, display fields included. Only SamePayload and the store's migration
// use it; it is exact only while MarshalJSON writes what it wrote then.
func PayloadHashV1(draft *Invoice) string {
	d := *draft
	d.Issued = Issued{}
	raw, _ := json.Marshal(&d)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// SamePayload reports whether draft is the content a stored hash was made from, in the
// hash's own version.
func SamePayload(stored string, draft *Invoice) bool {
	if strings.HasPrefix(stored, payloadPrefix) {
		return stored == PayloadHash(draft)
	}
	return stored == PayloadHashV1(draft)
}
