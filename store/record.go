package store

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
)

// The store's own record of an invoice (docs/DESIGN.md "Three records and one hash"):
// what the invoices bucket and the intents keep, converted to and from the domain's
// invoice.Invoice here, so that neither the CLI's JSON form nor the platform's wire form
// can change what is on disk by accident. It keeps the domain's fields and nothing
// derived (no totals, no 价税合计 in words, the 简称 rather than the printed name).
//
// invoiceRecordVersion is written as "v". A record without "v" is the layout of schema 4
// and before — the invoice's JSON form as it was then, printed name and totals included
// — which this file still reads, and migration 4 → 5 rewrites.
const invoiceRecordVersion = 1

// partyRecord has invoice.Party's fields, so that each converts to the other (a field
// added to invoice.Party stops the build here until the record decides how to keep it);
// its JSON keys are the record's own.
type partyRecord struct {
	Name         string `json:"name"`
	TaxID        string `json:"tax_id,omitempty"`
	AddressPhone string `json:"address_phone,omitempty"`
	BankAccount  string `json:"bank_account,omitempty"`
	Email        string `json:"email,omitempty"`
}

type lineRecord struct {
	Name      string `json:"name"`
	ShortName string `json:"short_name,omitempty"`
	// PrintedName is "*简称*名称", in records of schema 4 and before only.
	PrintedName    string `json:"printed_name,omitempty"`
	TaxCode        string `json:"tax_code"`
	Spec           string `json:"spec,omitempty"`
	Unit           string `json:"unit,omitempty"`
	Quantity       string `json:"quantity,omitempty"`
	UnitPrice      string `json:"unit_price,omitempty"`
	GrossUnitPrice string `json:"unit_price_with_tax,omitempty"`
	Amount         string `json:"amount"`
	Rate           string `json:"tax_rate"`
	Tax            string `json:"tax"`
	ZeroRate       string `json:"zero_rate,omitempty"`
	Discount       bool   `json:"discount_line,omitempty"`
	Of             int    `json:"of,omitempty"`
}

type redRecord struct {
	Code   string `json:"code"`
	Number string `json:"number"`
	Reason int    `json:"reason"`
	Notice string `json:"notice,omitempty"`
	Slip   string `json:"slip,omitempty"`
}

type invoiceRecord struct {
	V                int          `json:"v,omitempty"`
	RequestID        string       `json:"request_id"`
	OrderID          string       `json:"order_id"`
	Kind             string       `json:"type"`
	Code             string       `json:"code,omitempty"`
	Number           string       `json:"number,omitempty"`
	Machine          string       `json:"machine,omitempty"`
	IssuedAt         *time.Time   `json:"issued_at,omitempty"`
	CheckCode        string       `json:"check_code,omitempty"`
	Cipher           string       `json:"cipher,omitempty"`
	Signature        string       `json:"signature,omitempty"` // hex
	Seller           *partyRecord `json:"seller,omitempty"`
	Buyer            partyRecord  `json:"buyer"`
	PriceIncludesTax bool         `json:"price_includes_tax"`
	Lines            []lineRecord `json:"lines"`
	Remark           string       `json:"remark,omitempty"`
	Payee            string       `json:"payee,omitempty"`
	Reviewer         string       `json:"reviewer,omitempty"`
	Issuer           string       `json:"issuer,omitempty"`
	Red              *redRecord   `json:"red_of,omitempty"`
	TaxCodeVersion   string       `json:"tax_code_version,omitempty"`
}

func newInvoiceRecord(inv *invoice.Invoice) *invoiceRecord {
	r := &invoiceRecord{V: invoiceRecordVersion, RequestID: inv.RequestID, OrderID: inv.OrderID, Kind: string(inv.Kind),
		Code: inv.Code, Number: inv.Number, Machine: inv.Machine, CheckCode: inv.CheckCode, Cipher: inv.Cipher,
		Buyer: partyRecord(inv.Buyer), PriceIncludesTax: inv.PriceIncludesTax, Lines: make([]lineRecord, len(inv.Lines)),
		Remark: inv.Remark, Payee: inv.Payee, Reviewer: inv.Reviewer, Issuer: inv.Issuer, TaxCodeVersion: inv.TaxCodeVersion}
	if inv.Seller != (invoice.Party{}) {
		s := partyRecord(inv.Seller)
		r.Seller = &s
	}
	if !inv.IssuedAt.IsZero() {
		at := inv.IssuedAt
		r.IssuedAt = &at
	}
	if len(inv.Signature) > 0 {
		r.Signature = hex.EncodeToString(inv.Signature)
	}
	if inv.Red != nil {
		r.Red = &redRecord{Code: inv.Red.Code, Number: inv.Red.Number, Reason: int(inv.Red.Reason), Notice: inv.Red.Notice, Slip: inv.Red.Slip}
	}
	for i := range inv.Lines {
		l := &inv.Lines[i]
		f := l.Figures()
		r.Lines[i] = lineRecord{Name: l.Name, ShortName: l.ShortName, TaxCode: l.TaxCode, Spec: l.Spec, Unit: l.Unit,
			Quantity: f.Quantity, UnitPrice: f.UnitPrice, GrossUnitPrice: f.GrossUnitPrice,
			Amount: f.Amount, Rate: f.Rate, Tax: f.Tax, ZeroRate: string(l.ZeroRate),
			Discount: l.Discount, Of: l.Of}
	}
	return r
}

// invoice converts the record back; a record of schema 4 and before takes its 简称 from
// the printed name.
func (r *invoiceRecord) invoice() (*invoice.Invoice, error) {
	if r.V > invoiceRecordVersion {
		return nil, fmt.Errorf("invoice record version %d, this program knows %d", r.V, invoiceRecordVersion)
	}
	inv := &invoice.Invoice{RequestID: r.RequestID, OrderID: r.OrderID, Kind: invoice.Kind(r.Kind),
		Buyer: invoice.Party(r.Buyer), PriceIncludesTax: r.PriceIncludesTax, Remark: r.Remark, Payee: r.Payee,
		Reviewer: r.Reviewer, Issuer: r.Issuer, TaxCodeVersion: r.TaxCodeVersion,
		Issued: invoice.Issued{Code: r.Code, Number: r.Number, Machine: r.Machine, CheckCode: r.CheckCode, Cipher: r.Cipher}}
	if r.Seller != nil {
		inv.Seller = invoice.Party(*r.Seller)
	}
	if r.IssuedAt != nil {
		inv.IssuedAt = *r.IssuedAt
	}
	if r.Signature != "" {
		sig, err := hex.DecodeString(r.Signature)
		if err != nil {
			return nil, fmt.Errorf("invoice signature: %w", err)
		}
		inv.Signature = sig
	}
	if r.Red != nil {
		inv.Red = &invoice.RedLink{Code: r.Red.Code, Number: r.Red.Number, Reason: invoice.RedReason(r.Red.Reason), Notice: r.Red.Notice, Slip: r.Red.Slip}
	}
	inv.Lines = make([]invoice.Line, len(r.Lines))
	for i, lr := range r.Lines {
		l, err := lr.line(r.V)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		inv.Lines[i] = l
	}
	return inv, nil
}

func (lr *lineRecord) line(v int) (invoice.Line, error) {
	l := invoice.Line{Name: lr.Name, ShortName: lr.ShortName, TaxCode: lr.TaxCode, Spec: lr.Spec, Unit: lr.Unit,
		ZeroRate: invoice.ZeroRate(lr.ZeroRate), Discount: lr.Discount, Of: lr.Of}
	if v == 0 {
		// Schema 4 and before: "*简称*名称".
		short, err := invoice.ShortNameOf(lr.PrintedName, lr.Name)
		if err != nil {
			return l, err
		}
		l.ShortName = short
	}
	err := l.SetFigures(invoice.LineFigures{Quantity: lr.Quantity, UnitPrice: lr.UnitPrice, GrossUnitPrice: lr.GrossUnitPrice,
		Amount: lr.Amount, Rate: lr.Rate, Tax: lr.Tax})
	return l, err
}

// recordJSON is a Record as the invoices bucket keeps it.
type recordJSON struct {
	Invoice     *invoiceRecord `json:"invoice"`
	Counter     uint64         `json:"counter"`
	Imported    bool           `json:"imported,omitempty"`
	PayloadHash string         `json:"payload_hash,omitempty"`
	StoredAt    time.Time      `json:"stored_at"`
	Sync        SyncState      `json:"sync"`
	SyncError   string         `json:"sync_error,omitempty"`
	AckedAt     time.Time      `json:"acked_at,omitzero"`
	Ack         []byte         `json:"ack,omitempty"`
}

// MarshalJSON writes the record in the store's format (its invoice as the store's own
// invoice record, version invoiceRecordVersion).
func (r Record) MarshalJSON() ([]byte, error) {
	j := recordJSON{Counter: r.Counter, Imported: r.Imported, PayloadHash: r.PayloadHash, StoredAt: r.StoredAt,
		Sync: r.Sync, SyncError: r.SyncError, AckedAt: r.AckedAt, Ack: r.Ack}
	if r.Invoice != nil {
		j.Invoice = newInvoiceRecord(r.Invoice)
	}
	return json.Marshal(&j)
}

// UnmarshalJSON reads a record of the store's format, of any version this program knows.
func (r *Record) UnmarshalJSON(data []byte) error {
	var j recordJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*r = Record{ID: r.ID, Counter: j.Counter, Imported: j.Imported, PayloadHash: j.PayloadHash, StoredAt: j.StoredAt,
		Sync: j.Sync, SyncError: j.SyncError, AckedAt: j.AckedAt, Ack: j.Ack}
	if j.Invoice != nil {
		inv, err := j.Invoice.invoice()
		if err != nil {
			return fmt.Errorf("invoice: %w", err)
		}
		r.Invoice = inv
	}
	return nil
}

// intentJSON is an intent as the intents bucket keeps it, its draft a store record.
type intentJSON struct {
	RequestID      string         `json:"request_id"`
	OrderID        string         `json:"order_id"`
	PayloadHash    string         `json:"payload_hash"`
	ExpectedCode   string         `json:"expected_code,omitempty"`
	ExpectedNumber string         `json:"expected_number"`
	Operator       string         `json:"operator"`
	Created        time.Time      `json:"created"`
	Draft          *invoiceRecord `json:"draft"`
}

func encodeIntent(in *invoice.Intent) ([]byte, error) {
	j := intentJSON{RequestID: in.RequestID, OrderID: in.OrderID, PayloadHash: in.PayloadHash, ExpectedCode: in.ExpectedCode,
		ExpectedNumber: in.ExpectedNumber, Operator: in.Operator, Created: in.Created}
	if in.Draft != nil {
		j.Draft = newInvoiceRecord(in.Draft)
	}
	return json.Marshal(&j)
}

func decodeIntent(raw []byte) (invoice.Intent, error) {
	var j intentJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return invoice.Intent{}, err
	}
	in := invoice.Intent{RequestID: j.RequestID, OrderID: j.OrderID, PayloadHash: j.PayloadHash, ExpectedCode: j.ExpectedCode,
		ExpectedNumber: j.ExpectedNumber, Operator: j.Operator, Created: j.Created}
	if j.Draft != nil {
		d, err := j.Draft.invoice()
		if err != nil {
			return in, fmt.Errorf("draft: %w", err)
		}
		in.Draft = d
	}
	return in, nil
}
