package invoice

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// The JSON form of an invoice: what `kaipiaoctl check` and `show` print (docs/cli.md).
// The store keeps its own record (store/record.go), the platform gets its own wire form
// (upload.EncodeInvoice), and whether an order is the same order is decided by the
// canonical payload (payload.go), not by this form. But the digital channel's journal
// (digital/issue.go) keeps invoices in this form on disk, so it must keep reading what it
// wrote (testdata/invoice-json.jsonl). Money, quantities and rates are decimal strings;
// lines' figures and printed names are written and read by linetext.go, as in the other
// two forms.

type lineJSON struct {
	Name             string `json:"name"`
	PrintedName      string `json:"printed_name"`
	TaxCode          string `json:"tax_code"`
	Spec             string `json:"spec,omitempty"`
	Unit             string `json:"unit,omitempty"`
	Quantity         string `json:"quantity,omitempty"`
	UnitPrice        string `json:"unit_price,omitempty"`
	UnitPriceWithTax string `json:"unit_price_with_tax,omitempty"`
	Amount           string `json:"amount"`
	TaxRate          string `json:"tax_rate"`
	Tax              string `json:"tax"`
	ZeroRate         string `json:"zero_rate,omitempty"`
	DiscountLine     bool   `json:"discount_line,omitempty"`
	Of               int    `json:"of,omitempty"`
}

type redJSON struct {
	Code   string `json:"code"`
	Number string `json:"number"`
	Reason int    `json:"reason"`
	Notice string `json:"notice,omitempty"`
	Slip   string `json:"slip,omitempty"`
}

type totalsJSON struct {
	Amount       string `json:"amount"`
	Tax          string `json:"tax"`
	Total        string `json:"total"`
	TotalInWords string `json:"total_in_words"`
}

type invoiceJSON struct {
	RequestID        string     `json:"request_id"`
	OrderID          string     `json:"order_id"`
	Type             Kind       `json:"type"`
	Code             string     `json:"code,omitempty"`
	Number           string     `json:"number,omitempty"`
	Machine          string     `json:"machine,omitempty"`
	IssuedAt         *time.Time `json:"issued_at,omitempty"`
	CheckCode        string     `json:"check_code,omitempty"`
	Cipher           string     `json:"cipher,omitempty"`
	Signature        string     `json:"signature,omitempty"`
	Seller           *Party     `json:"seller,omitempty"`
	Buyer            Party      `json:"buyer"`
	PriceIncludesTax bool       `json:"price_includes_tax"`
	Lines            []lineJSON `json:"lines"`
	Totals           totalsJSON `json:"totals"`
	Remark           string     `json:"remark,omitempty"`
	Payee            string     `json:"payee,omitempty"`
	Reviewer         string     `json:"reviewer,omitempty"`
	Issuer           string     `json:"issuer,omitempty"`
	RedOf            *redJSON   `json:"red_of,omitempty"`
	TaxCodeVersion   string     `json:"tax_code_version,omitempty"`
}

// MarshalJSON writes the invoice with its lines, computed totals and 价税合计 in words.
func (inv *Invoice) MarshalJSON() ([]byte, error) {
	return marshalPlain(inv.toJSON())
}

// marshalPlain is json.Marshal without HTML escaping: the cipher text's < and > stay
// readable instead of becoming \u003c and \u003e.
func marshalPlain(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

type partJSON struct {
	RequestID string `json:"request_id"`
	Rows      int    `json:"rows"`
	Amount    string `json:"amount"`
	Tax       string `json:"tax"`
	Total     string `json:"total"`
}

// MarshalJSON writes the whole order as an invoice, then "split", the number of invoices
// it becomes, and when that is more than one, "parts" with each one's request ID, rows
// and totals.
func (c *Checked) MarshalJSON() ([]byte, error) {
	out := struct {
		invoiceJSON
		Split int        `json:"split"`
		Parts []partJSON `json:"parts,omitempty"`
	}{invoiceJSON: c.Invoice.toJSON(), Split: len(c.Parts)}
	if len(c.Parts) > 1 {
		for _, p := range c.Parts {
			t := p.Totals()
			out.Parts = append(out.Parts, partJSON{RequestID: p.RequestID, Rows: len(p.Lines),
				Amount: t.Amount.String(), Tax: t.Tax.String(), Total: t.Total.String()})
		}
	}
	return marshalPlain(out)
}

func (inv *Invoice) toJSON() invoiceJSON {
	t := inv.Totals()
	j := invoiceJSON{
		RequestID: inv.RequestID, OrderID: inv.OrderID, Type: inv.Kind,
		Code: inv.Code, Number: inv.Number, Machine: inv.Machine,
		CheckCode: inv.CheckCode, Cipher: inv.Cipher,
		Buyer: inv.Buyer, PriceIncludesTax: inv.PriceIncludesTax,
		Totals: totalsJSON{Amount: t.Amount.String(), Tax: t.Tax.String(), Total: t.Total.String(),
			TotalInWords: Words(t.Total)},
		Remark: inv.Remark, Payee: inv.Payee, Reviewer: inv.Reviewer, Issuer: inv.Issuer,
		TaxCodeVersion: inv.TaxCodeVersion,
		Lines:          make([]lineJSON, len(inv.Lines)),
	}
	if inv.Seller != (Party{}) {
		seller := inv.Seller
		j.Seller = &seller
	}
	if !inv.IssuedAt.IsZero() {
		at := inv.IssuedAt
		j.IssuedAt = &at
	}
	if len(inv.Signature) > 0 {
		j.Signature = hex.EncodeToString(inv.Signature)
	}
	if inv.Red != nil {
		j.RedOf = &redJSON{Code: inv.Red.Code, Number: inv.Red.Number, Reason: int(inv.Red.Reason), Notice: inv.Red.Notice, Slip: inv.Red.Slip}
	}
	for i := range inv.Lines {
		l := &inv.Lines[i]
		f := l.Figures()
		j.Lines[i] = lineJSON{
			Name: l.Name, PrintedName: l.PrintedName(), TaxCode: l.TaxCode, Spec: l.Spec, Unit: l.Unit,
			Quantity: f.Quantity, UnitPrice: f.UnitPrice, UnitPriceWithTax: f.GrossUnitPrice,
			Amount: f.Amount, TaxRate: f.Rate, Tax: f.Tax,
			ZeroRate: string(l.ZeroRate), DiscountLine: l.Discount, Of: l.Of,
		}
	}
	return j
}

// UnmarshalJSON reads what MarshalJSON wrote. The 简称 comes back from the printed name,
// so no code table is needed to read a stored invoice.
func (inv *Invoice) UnmarshalJSON(data []byte) error {
	var j invoiceJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*inv = Invoice{
		RequestID: j.RequestID, OrderID: j.OrderID, Kind: j.Type,
		Buyer: j.Buyer, PriceIncludesTax: j.PriceIncludesTax,
		Remark: j.Remark, Payee: j.Payee, Reviewer: j.Reviewer, Issuer: j.Issuer,
		TaxCodeVersion: j.TaxCodeVersion,
		Issued:         Issued{Code: j.Code, Number: j.Number, Machine: j.Machine, CheckCode: j.CheckCode, Cipher: j.Cipher},
	}
	if j.Seller != nil {
		inv.Seller = *j.Seller
	}
	if j.IssuedAt != nil {
		inv.IssuedAt = *j.IssuedAt
	}
	if j.Signature != "" {
		sig, err := hex.DecodeString(j.Signature)
		if err != nil {
			return fmt.Errorf("invoice signature: %w", err)
		}
		inv.Signature = sig
	}
	if j.RedOf != nil {
		inv.Red = &RedLink{Code: j.RedOf.Code, Number: j.RedOf.Number, Reason: RedReason(j.RedOf.Reason), Notice: j.RedOf.Notice, Slip: j.RedOf.Slip}
	}
	inv.Lines = make([]Line, len(j.Lines))
	for i, lj := range j.Lines {
		l := Line{Name: lj.Name, TaxCode: lj.TaxCode, Spec: lj.Spec, Unit: lj.Unit,
			ZeroRate: ZeroRate(lj.ZeroRate), Discount: lj.DiscountLine, Of: lj.Of}
		short, err := ShortNameOf(lj.PrintedName, lj.Name)
		if err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
		l.ShortName = short
		// "line 1 quantity: …": this form's errors have no colon after the line.
		if err := l.SetFigures(LineFigures{Quantity: lj.Quantity, UnitPrice: lj.UnitPrice, GrossUnitPrice: lj.UnitPriceWithTax,
			Amount: lj.Amount, Rate: lj.TaxRate, Tax: lj.Tax}); err != nil {
			return fmt.Errorf("line %d %w", i+1, err)
		}
		inv.Lines[i] = l
	}
	return nil
}
