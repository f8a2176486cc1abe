package upload

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
)

// The platform's wire form of an issued invoice (docs/DESIGN.md "Three records and one
// hash"): what an Item carries to PathInvoices and the platform keeps and lists. It is
// version 1 of the /v1/ paths — a new form comes with new paths, never under these — and
// it is this package's own type, converted to and from the domain's invoice.Invoice
// here, so that neither the CLI's JSON output nor the store's record can change what the
// platform receives. Its layout is the one the platform has always read: money as
// decimal strings, the printed *简称*名称 and the stated totals with 价税合计 in words,
// which the platform checks against the lines.

type wireLine struct {
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

type wireRed struct {
	Code   string `json:"code"`
	Number string `json:"number"`
	Reason int    `json:"reason"`
	Notice string `json:"notice,omitempty"`
	Slip   string `json:"slip,omitempty"`
}

type wireTotals struct {
	Amount       string `json:"amount"`
	Tax          string `json:"tax"`
	Total        string `json:"total"`
	TotalInWords string `json:"total_in_words"`
}

// wireParty has invoice.Party's fields, so that each converts to the other (a field
// added to invoice.Party stops the build here until the wire form decides whether to
// carry it); its JSON keys are the wire form's own.
type wireParty struct {
	Name         string `json:"name"`
	TaxID        string `json:"tax_id,omitempty"`
	AddressPhone string `json:"address_phone,omitempty"`
	BankAccount  string `json:"bank_account,omitempty"`
	Email        string `json:"email,omitempty"`
}

type wireInvoice struct {
	RequestID        string     `json:"request_id"`
	OrderID          string     `json:"order_id"`
	Type             string     `json:"type"`
	Code             string     `json:"code,omitempty"`
	Number           string     `json:"number,omitempty"`
	Machine          string     `json:"machine,omitempty"`
	IssuedAt         *time.Time `json:"issued_at,omitempty"`
	CheckCode        string     `json:"check_code,omitempty"`
	Cipher           string     `json:"cipher,omitempty"`
	Signature        string     `json:"signature,omitempty"`
	Seller           *wireParty `json:"seller,omitempty"`
	Buyer            wireParty  `json:"buyer"`
	PriceIncludesTax bool       `json:"price_includes_tax"`
	Lines            []wireLine `json:"lines"`
	Totals           wireTotals `json:"totals"`
	Remark           string     `json:"remark,omitempty"`
	Payee            string     `json:"payee,omitempty"`
	Reviewer         string     `json:"reviewer,omitempty"`
	Issuer           string     `json:"issuer,omitempty"`
	RedOf            *wireRed   `json:"red_of,omitempty"`
	TaxCodeVersion   string     `json:"tax_code_version,omitempty"`
}

// EncodeInvoice writes an issued invoice in the wire form an Item carries.
func EncodeInvoice(inv *invoice.Invoice) (json.RawMessage, error) {
	t := inv.Totals()
	w := wireInvoice{RequestID: inv.RequestID, OrderID: inv.OrderID, Type: string(inv.Kind),
		Code: inv.Code, Number: inv.Number, Machine: inv.Machine, CheckCode: inv.CheckCode, Cipher: inv.Cipher,
		Buyer: wireParty(inv.Buyer), PriceIncludesTax: inv.PriceIncludesTax, Lines: make([]wireLine, len(inv.Lines)),
		Totals: wireTotals{Amount: t.Amount.String(), Tax: t.Tax.String(), Total: t.Total.String(), TotalInWords: invoice.Words(t.Total)},
		Remark: inv.Remark, Payee: inv.Payee, Reviewer: inv.Reviewer, Issuer: inv.Issuer, TaxCodeVersion: inv.TaxCodeVersion}
	if inv.Seller != (invoice.Party{}) {
		s := wireParty(inv.Seller)
		w.Seller = &s
	}
	if !inv.IssuedAt.IsZero() {
		at := inv.IssuedAt
		w.IssuedAt = &at
	}
	if len(inv.Signature) > 0 {
		w.Signature = hex.EncodeToString(inv.Signature)
	}
	if inv.Red != nil {
		w.RedOf = &wireRed{Code: inv.Red.Code, Number: inv.Red.Number, Reason: int(inv.Red.Reason), Notice: inv.Red.Notice, Slip: inv.Red.Slip}
	}
	for i := range inv.Lines {
		l := &inv.Lines[i]
		f := l.Figures()
		w.Lines[i] = wireLine{Name: l.Name, PrintedName: l.PrintedName(), TaxCode: l.TaxCode,
			Spec: l.Spec, Unit: l.Unit, Quantity: f.Quantity, UnitPrice: f.UnitPrice,
			UnitPriceWithTax: f.GrossUnitPrice, Amount: f.Amount, TaxRate: f.Rate,
			Tax: f.Tax, ZeroRate: string(l.ZeroRate), DiscountLine: l.Discount, Of: l.Of}
	}
	return json.Marshal(&w)
}

// DecodeInvoice reads an invoice of the wire form. The 简称 comes back from the printed
// name. The stated totals are not read back (they follow from the lines); the platform
// checks them against the lines with WireTotals.
func DecodeInvoice(raw []byte) (*invoice.Invoice, error) {
	var w wireInvoice
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, err
	}
	inv := &invoice.Invoice{RequestID: w.RequestID, OrderID: w.OrderID, Kind: invoice.Kind(w.Type),
		Buyer: invoice.Party(w.Buyer), PriceIncludesTax: w.PriceIncludesTax, Remark: w.Remark, Payee: w.Payee,
		Reviewer: w.Reviewer, Issuer: w.Issuer, TaxCodeVersion: w.TaxCodeVersion,
		Issued: invoice.Issued{Code: w.Code, Number: w.Number, Machine: w.Machine, CheckCode: w.CheckCode, Cipher: w.Cipher}}
	if w.Seller != nil {
		inv.Seller = invoice.Party(*w.Seller)
	}
	if w.IssuedAt != nil {
		inv.IssuedAt = *w.IssuedAt
	}
	if w.Signature != "" {
		sig, err := hex.DecodeString(w.Signature)
		if err != nil {
			return nil, fmt.Errorf("invoice signature: %w", err)
		}
		inv.Signature = sig
	}
	if w.RedOf != nil {
		inv.Red = &invoice.RedLink{Code: w.RedOf.Code, Number: w.RedOf.Number, Reason: invoice.RedReason(w.RedOf.Reason), Notice: w.RedOf.Notice, Slip: w.RedOf.Slip}
	}
	inv.Lines = make([]invoice.Line, len(w.Lines))
	for i, wl := range w.Lines {
		l, err := wl.line()
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		inv.Lines[i] = l
	}
	return inv, nil
}

func (wl *wireLine) line() (invoice.Line, error) {
	l := invoice.Line{Name: wl.Name, TaxCode: wl.TaxCode, Spec: wl.Spec, Unit: wl.Unit,
		ZeroRate: invoice.ZeroRate(wl.ZeroRate), Discount: wl.DiscountLine, Of: wl.Of}
	short, err := invoice.ShortNameOf(wl.PrintedName, wl.Name)
	if err != nil {
		return l, err
	}
	l.ShortName = short
	err = l.SetFigures(invoice.LineFigures{Quantity: wl.Quantity, UnitPrice: wl.UnitPrice, GrossUnitPrice: wl.UnitPriceWithTax,
		Amount: wl.Amount, Rate: wl.TaxRate, Tax: wl.Tax})
	return l, err
}

// WireTotals are the totals a wire invoice states: 合计金额, 合计税额 and 价税合计, as
// written.
func WireTotals(raw []byte) (amount, tax, total string, err error) {
	var w struct {
		Totals wireTotals `json:"totals"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return "", "", "", err
	}
	return w.Totals.Amount, w.Totals.Tax, w.Totals.Total, nil
}
