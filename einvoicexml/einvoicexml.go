// Package einvoicexml writes an issued invoice as its XML data file: the EInvoice
// structure of the 数电 data file (docs/einvoice.md), which every OFD carries as its
// attachment and the digital channel delivers beside its layouts.
// The schema is the project's own, docs/einvoice.xsd: no official one is public.
//
// The output is deterministic: the same invoice gives the same bytes.
package einvoicexml

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"

	"github.com/kaipiao/kaipiao/invoice"
)

// Version is the data file's Header/Version.
const Version = "1.0"

// EInvoice is the data file's root.
type EInvoice struct {
	XMLName              xml.Name           `xml:"EInvoice"`
	Header               Header             `xml:"Header"`
	Data                 Data               `xml:"EInvoiceData"`
	SellerAuthentication *Authentication    `xml:"SellerAuthentication,omitempty"`
	TaxSupervision       TaxSupervisionInfo `xml:"TaxSupervisionInfo"`
}

// Header identifies the invoice and its kind.
type Header struct {
	EIid          string        `xml:"EIid"`        // the 20-digit number; device invoices: 发票代码 + 发票号码
	EInvoiceTag   string        `xml:"EInvoiceTag"` // SWEI + the region's four digits
	Version       string        `xml:"Version"`
	InherentLabel InherentLabel `xml:"InherentLabel"`
}

// InherentLabel says blue or red, and which kind of invoice.
type InherentLabel struct {
	InIssuType          Label `xml:"InIssuType"`          // Y blue, N red
	EInvoiceType        Label `xml:"EInvoiceType"`        // 电子发票
	GeneralOrSpecialVAT Label `xml:"GeneralOrSpecialVAT"` // 普通发票 / 增值税专用发票
}

// Label is a code with its name.
type Label struct {
	LabelCode string `xml:"LabelCode"`
	LabelName string `xml:"LabelName"`
}

// Data is the invoice's content.
type Data struct {
	Seller     Seller      `xml:"SellerInformation"`
	Buyer      Buyer       `xml:"BuyerInformation"`
	Basic      Basic       `xml:"BasicInformation"`
	Items      []Item      `xml:"IssuItemInformation"`
	Specific   *Specific   `xml:"SpecificInformation,omitempty"`
	Additional *Additional `xml:"AdditionalInformation,omitempty"`
}

// Seller is the 销售方.
type Seller struct {
	IDNum      string `xml:"SellerIdNum"`
	Name       string `xml:"SellerName"`
	Addr       string `xml:"SellerAddr,omitempty"`
	TelNum     string `xml:"SellerTelNum,omitempty"`
	BankName   string `xml:"SellerBankName,omitempty"`
	BankAccNum string `xml:"SellerBankAccNum,omitempty"`
}

// Buyer is the 购买方.
type Buyer struct {
	IDNum      string `xml:"BuyerIdNum,omitempty"`
	Name       string `xml:"BuyerName"`
	Addr       string `xml:"BuyerAddr,omitempty"`
	TelNum     string `xml:"BuyerTelNum,omitempty"`
	BankName   string `xml:"BuyerBankName,omitempty"`
	BankAccNum string `xml:"BuyerBankAccNum,omitempty"`
}

// Basic holds the totals and who issued.
type Basic struct {
	TotalAmWithoutTax      string `xml:"TotalAmWithoutTax"`
	TotalTaxAm             string `xml:"TotalTaxAm"`
	TotalTaxIncluded       string `xml:"TotalTax-includedAmount"`
	TotalTaxIncludedInWord string `xml:"TotalTax-includedAmountInChinese"`
	Drawer                 string `xml:"Drawer"`
	RequestTime            string `xml:"RequestTime"`
}

// Item is one line of the item table.
type Item struct {
	ItemName               string `xml:"ItemName"`
	SpecMod                string `xml:"SpecMod,omitempty"`
	MeaUnits               string `xml:"MeaUnits,omitempty"`
	Quantity               string `xml:"Quantity,omitempty"`
	UnPrice                string `xml:"UnPrice,omitempty"`
	Amount                 string `xml:"Amount"`
	TaxRate                string `xml:"TaxRate"`
	ComTaxAm               string `xml:"ComTaxAm"`
	TotaltaxIncludedAmount string `xml:"TotaltaxIncludedAmount"`
	TaxClassificationCode  string `xml:"TaxClassificationCode"`
	// PreferentialMark is the zero-rate flag where there is one: export, exempt,
	// not_taxable or zero_rate (docs/einvoice.md).
	PreferentialMark string `xml:"PreferentialMark,omitempty"`
}

// Specific is the 特定业务 block: for a red invoice, what it reverses.
type Specific struct {
	Red *RedEInvoice `xml:"RedEInvoice,omitempty"`
}

// RedEInvoice names the blue invoice a red one reverses.
type RedEInvoice struct {
	BlueInvoiceCode   string `xml:"BlueInvoiceCode,omitempty"` // device channel only
	BlueInvoiceNumber string `xml:"BlueInvoiceNumber"`         // 8 digits, or the 20-digit 数电 number
	// RedNoticeNumber is the device channel's 红字信息表编号 (a 专票's).
	RedNoticeNumber string `xml:"RedNoticeNumber,omitempty"`
	// ConfirmationNumber is the digital channel's 红字发票信息确认单编号.
	ConfirmationNumber string `xml:"ConfirmationNumber,omitempty"`
	Reason             string `xml:"RedReason,omitempty"`
}

// Additional holds the remark.
type Additional struct {
	Remark string `xml:"Remark"`
}

// Authentication is the seller's signature over the data; the device channel's OFD
// signs the whole package instead and leaves it out.
type Authentication struct {
	SignatureValue string `xml:"SignatureValue"`
}

// TaxSupervisionInfo is what the issuing side recorded: the number, the time, and for
// the device channel the code, the device and the check code.
type TaxSupervisionInfo struct {
	InvoiceCode   string `xml:"InvoiceCode,omitempty"`
	InvoiceNumber string `xml:"InvoiceNumber"`
	IssueTime     string `xml:"IssueTime"`
	MachineNumber string `xml:"MachineNumber,omitempty"`
	CheckCode     string `xml:"CheckCode,omitempty"`
	TaxBureauCode string `xml:"TaxBureauCode,omitempty"`
	TaxBureauName string `xml:"TaxBureauName,omitempty"`
}

const timeLayout = "2006-01-02 15:04:05"

// ErrNotIssued is returned for an invoice the device has not issued: its data file
// would have no number.
var ErrNotIssued = errors.New("einvoicexml: the invoice has no number: it is not issued")

// New builds the data file's structure for an issued invoice.
func New(inv *invoice.Invoice) (*EInvoice, error) {
	if inv.Number == "" || inv.IssuedAt.IsZero() {
		return nil, ErrNotIssued
	}
	e := &EInvoice{}
	digital := inv.Kind.Digital()
	e.Header.EIid = inv.Code + inv.Number
	e.Header.EInvoiceTag = "SWEI" + region(inv)
	e.Header.Version = Version
	e.Header.InherentLabel.InIssuType = Label{"Y", "蓝字发票"}
	if inv.IsRed() {
		e.Header.InherentLabel.InIssuType = Label{"N", "红字发票"}
	}
	e.Header.InherentLabel.EInvoiceType = Label{"01", "电子发票"}
	if inv.Kind == invoice.KindSpecial || inv.Kind == invoice.KindDigitalSpecial {
		e.Header.InherentLabel.GeneralOrSpecialVAT = Label{"01", "增值税专用发票"}
	} else {
		e.Header.InherentLabel.GeneralOrSpecialVAT = Label{"02", "普通发票"}
	}

	s, b := inv.Seller, inv.Buyer
	e.Data.Seller = Seller{IDNum: s.TaxID, Name: s.Name}
	e.Data.Seller.Addr, e.Data.Seller.TelNum = splitTail(s.AddressPhone, "0123456789-+() ")
	e.Data.Seller.BankName, e.Data.Seller.BankAccNum = splitTail(s.BankAccount, "0123456789- ")
	e.Data.Buyer = Buyer{IDNum: b.TaxID, Name: b.Name}
	e.Data.Buyer.Addr, e.Data.Buyer.TelNum = splitTail(b.AddressPhone, "0123456789-+() ")
	e.Data.Buyer.BankName, e.Data.Buyer.BankAccNum = splitTail(b.BankAccount, "0123456789- ")

	t := inv.Totals()
	words := invoice.Words(t.Total)
	if strings.HasPrefix(words, "(负数)") {
		words = "（负数）" + strings.TrimPrefix(words, "(负数)")
	}
	e.Data.Basic = Basic{
		TotalAmWithoutTax: t.Amount.String(), TotalTaxAm: t.Tax.String(),
		TotalTaxIncluded: t.Total.String(), TotalTaxIncludedInWord: words,
		Drawer: inv.Issuer, RequestTime: inv.IssuedAt.In(invoice.Beijing).Format(timeLayout),
	}
	for _, l := range inv.Lines {
		it := Item{
			ItemName: l.PrintedName(), SpecMod: l.Spec, MeaUnits: l.Unit,
			Amount: l.Amount.String(), TaxRate: l.Rate.String(), ComTaxAm: l.Tax.String(),
			TotaltaxIncludedAmount: (l.Amount + l.Tax).String(),
			TaxClassificationCode:  l.TaxCode, PreferentialMark: string(l.ZeroRate),
		}
		if l.HasQuantity() {
			it.Quantity, it.UnPrice = l.Quantity.String(), l.UnitPrice.String()
		}
		e.Data.Items = append(e.Data.Items, it)
	}
	if inv.Red != nil {
		e.Data.Specific = &Specific{Red: &RedEInvoice{
			BlueInvoiceCode: inv.Red.Code, BlueInvoiceNumber: inv.Red.Number,
			RedNoticeNumber: inv.Red.Notice, ConfirmationNumber: inv.Red.Slip, Reason: inv.Red.Reason.Text(),
		}}
	}
	if inv.Remark != "" {
		e.Data.Additional = &Additional{Remark: inv.Remark}
	}
	e.TaxSupervision = TaxSupervisionInfo{
		InvoiceCode: inv.Code, InvoiceNumber: inv.Number,
		IssueTime:     inv.IssuedAt.In(invoice.Beijing).Format(timeLayout),
		MachineNumber: inv.Machine, CheckCode: inv.CheckCode,
	}
	if digital {
		// The digital channel's invoice is signed by the enterprise (its PKI
		// certificate) rather than by a device, and its number names the tax bureau
		// whose segment it came from.
		if len(inv.Signature) > 0 {
			e.SellerAuthentication = &Authentication{SignatureValue: base64.StdEncoding.EncodeToString(inv.Signature)}
		}
		e.TaxSupervision.TaxBureauCode, e.TaxSupervision.TaxBureauName = TaxBureau(inv)
	}
	return e, nil
}

// Marshal writes the invoice's data file: UTF-8, with the XML declaration, indented.
func Marshal(inv *invoice.Invoice) ([]byte, error) {
	e, err := New(inv)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(e); err != nil {
		return nil, fmt.Errorf("einvoicexml: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// Rate reads the line's TaxRate: written as a fraction (0.06), as Marshal writes it, or
// as a percentage (6%), as some data files from elsewhere have it.
func (it Item) Rate() (invoice.Rate, error) {
	r, err := invoice.ParseRate(strings.TrimSpace(it.TaxRate))
	if err != nil {
		return 0, fmt.Errorf("einvoicexml: TaxRate %q of %s: %w", it.TaxRate, it.ItemName, err)
	}
	return r, nil
}

// Unmarshal reads a data file: one Marshal wrote, or another EInvoice file.
func Unmarshal(data []byte) (*EInvoice, error) {
	var e EInvoice
	if err := xml.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("einvoicexml: %w", err)
	}
	return &e, nil
}

// region is the four region digits: of a 12-digit invoice code its 2nd to 5th; of a
// 20-digit 数电 number its two province digits (3rd and 4th) and 00, as SWEI3500 of a
// Fujian invoice.
func region(inv *invoice.Invoice) string {
	if inv.Code == "" && len(inv.Number) == 20 {
		return inv.Number[2:4] + "00"
	}
	if len(inv.Code) >= 5 {
		return inv.Code[1:5]
	}
	return "0000"
}

// splitTail splits s at the first space after which the rest consists of chars only and
// holds a digit: 厦门市思明区 0592-1234567 is an address and a telephone number, 招商银行
// 6225 8801 a bank and an account. Otherwise all of s is the first part.
func splitTail(s, chars string) (head, tail string) {
	s = strings.TrimSpace(s)
	for i, r := range s {
		if r != ' ' && r != '\u3000' {
			continue
		}
		t := strings.TrimSpace(s[i:])
		if t != "" && strings.Trim(t, chars) == "" && strings.ContainsAny(t, "0123456789") {
			return strings.TrimSpace(s[:i]), t
		}
	}
	return s, ""
}
