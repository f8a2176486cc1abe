package device

import (
	"fmt"

	"github.com/kaipiao/kaipiao/invoice"
)

// The invoice encoding of PROTOCOL.md §4.3. Field order is the spec; a new field goes at
// the end of its record together with a protocol version bump.

var kindCodes = map[invoice.Kind]byte{"": 0, invoice.KindOrdinary: 1, invoice.KindSpecial: 2}

var zeroRateCodes = map[invoice.ZeroRate]byte{
	"": 0, invoice.ZeroExport: 1, invoice.ZeroExempt: 2, invoice.ZeroNotTaxable: 3, invoice.ZeroOrdinary: 4,
}

func reverse[K comparable, V comparable](m map[K]V) map[V]K {
	r := make(map[V]K, len(m))
	for k, v := range m {
		r[v] = k
	}
	return r
}

var (
	kindByCode     = reverse(kindCodes)
	zeroRateByCode = reverse(zeroRateCodes)
)

func (e *enc) party(field string, p invoice.Party) {
	e.text(field+".name", p.Name)
	e.taxID("taxid", p.TaxID)
	e.text(field+".address_phone", p.AddressPhone)
	e.text(field+".bank_account", p.BankAccount)
	e.text(field+".email", p.Email)
}

func (d *dec) party() invoice.Party {
	return invoice.Party{Name: d.text(), TaxID: d.taxID(), AddressPhone: d.text(), BankAccount: d.text(), Email: d.text()}
}

// invoice writes the invoice's content (not its Issued fields).
func (e *enc) invoice(inv *invoice.Invoice) {
	k, ok := kindCodes[inv.Kind]
	if !ok && e.err == nil {
		e.err = fmt.Errorf("device: invoice kind %q has no device code", inv.Kind)
	}
	e.text("request_id", inv.RequestID)
	e.text("order_id", inv.OrderID)
	e.byte(k)
	e.party("seller", inv.Seller)
	e.party("buyer", inv.Buyer)
	e.bool(inv.PriceIncludesTax)
	e.uint(uint64(len(inv.Lines)))
	var prev *invoice.Line
	for i := range inv.Lines {
		e.line(i, &inv.Lines[i], prev)
		prev = &inv.Lines[i]
	}
	e.text("remark", inv.Remark)
	e.text("payee", inv.Payee)
	e.text("reviewer", inv.Reviewer)
	e.text("issuer", inv.Issuer)
	if inv.Red == nil {
		e.byte(0)
	} else {
		e.byte(1)
		e.digits("code", inv.Red.Code)
		e.digits("number", inv.Red.Number)
		e.uint(uint64(inv.Red.Reason))
		e.digits("notice", inv.Red.Notice)
	}
	e.text("tax_code_version", inv.TaxCodeVersion)
}

// Line flags: a discount line, and which text fields repeat the previous line's (an
// invoice's lines mostly share tax code, short name and unit), so that 8 lines stay in
// a few hundred bytes.
const (
	flagDiscount  = 1 << 0
	flagSameCode  = 1 << 1
	flagSameShort = 1 << 2
	flagSameSpec  = 1 << 3
	flagSameUnit  = 1 << 4
)

func (e *enc) line(i int, l, prev *invoice.Line) {
	f := fmt.Sprintf("lines[%d]", i)
	z, ok := zeroRateCodes[l.ZeroRate]
	if !ok && e.err == nil {
		e.err = fmt.Errorf("device: %s zero-rate flag %q has no device code", f, l.ZeroRate)
	}
	if (l.Rate < 0 || l.Of < 0) && e.err == nil {
		e.err = fmt.Errorf("device: %s has a negative rate %d or red reference %d", f, l.Rate, l.Of)
	}
	var flags byte
	if l.Discount {
		flags |= flagDiscount
	}
	if prev != nil {
		for _, c := range []struct {
			same bool
			flag byte
		}{{l.TaxCode == prev.TaxCode, flagSameCode}, {l.ShortName == prev.ShortName, flagSameShort}, {l.Spec == prev.Spec, flagSameSpec}, {l.Unit == prev.Unit, flagSameUnit}} {
			if c.same {
				flags |= c.flag
			}
		}
	}
	e.byte(flags)
	e.text(f+".name", l.Name)
	if flags&flagSameCode == 0 {
		e.digits("taxcode", l.TaxCode)
	}
	if flags&flagSameShort == 0 {
		e.text(f+".short_name", l.ShortName)
	}
	if flags&flagSameSpec == 0 {
		e.text(f+".spec", l.Spec)
	}
	if flags&flagSameUnit == 0 {
		e.text(f+".unit", l.Unit)
	}
	e.dec(l.Quantity)
	e.dec(l.UnitPrice)
	e.dec(l.GrossUnitPrice)
	e.int(int64(l.Amount))
	e.uint(uint64(l.Rate))
	e.int(int64(l.Tax))
	e.byte(z)
	e.uint(uint64(l.Of))
}

func (d *dec) invoice() invoice.Invoice {
	var inv invoice.Invoice
	inv.RequestID = d.text()
	inv.OrderID = d.text()
	k, ok := kindByCode[d.byte()]
	if !ok {
		d.fail("invoice kind")
	}
	inv.Kind = k
	inv.Seller = d.party()
	inv.Buyer = d.party()
	inv.PriceIncludesTax = d.bool()
	n := d.uint()
	// Every line takes at least 10 bytes, so a count beyond that is a lie to refuse
	// before allocating.
	if n > uint64(len(d.b))/10+1 {
		d.fail("line count")
		return inv
	}
	if n > 0 {
		inv.Lines = make([]invoice.Line, 0, n)
	}
	var prev *invoice.Line
	for i := uint64(0); i < n && d.err == nil; i++ {
		inv.Lines = append(inv.Lines, d.line(prev))
		prev = &inv.Lines[len(inv.Lines)-1]
	}
	inv.Remark = d.text()
	inv.Payee = d.text()
	inv.Reviewer = d.text()
	inv.Issuer = d.text()
	switch d.byte() {
	case 0:
	case 1:
		inv.Red = &invoice.RedLink{Code: d.digits(), Number: d.digits()}
		inv.Red.Reason = invoice.RedReason(d.uint())
		inv.Red.Notice = d.digits()
	default:
		d.fail("red link flag")
	}
	inv.TaxCodeVersion = d.text()
	return inv
}

func (d *dec) line(prev *invoice.Line) invoice.Line {
	var l invoice.Line
	flags := d.byte()
	if flags > 0x1F || (prev == nil && flags&^flagDiscount != 0) {
		d.fail("line flags")
		return l
	}
	l.Discount = flags&flagDiscount != 0
	l.Name = d.text()
	if flags&flagSameCode != 0 {
		l.TaxCode = prev.TaxCode
	} else {
		l.TaxCode = d.digits()
	}
	if flags&flagSameShort != 0 {
		l.ShortName = prev.ShortName
	} else {
		l.ShortName = d.text()
	}
	if flags&flagSameSpec != 0 {
		l.Spec = prev.Spec
	} else {
		l.Spec = d.text()
	}
	if flags&flagSameUnit != 0 {
		l.Unit = prev.Unit
	} else {
		l.Unit = d.text()
	}
	l.Quantity = d.dec()
	l.UnitPrice = d.dec()
	l.GrossUnitPrice = d.dec()
	l.Amount = invoice.Money(d.int())
	r := d.uint()
	if r > 1000 {
		d.fail("rate")
	}
	l.Rate = invoice.Rate(r)
	l.Tax = invoice.Money(d.int())
	z, ok := zeroRateByCode[d.byte()]
	if !ok {
		d.fail("zero-rate flag")
	}
	l.ZeroRate = z
	of := d.uint()
	if of > invoice.MaxLines {
		d.fail("red line reference")
	}
	l.Of = int(of)
	return l
}

func (e *enc) issued(is *invoice.Issued) {
	e.digits("code", is.Code)
	e.digits("number", is.Number)
	e.digits("machine", is.Machine)
	e.time(is.IssuedAt)
	e.digits("checkcode", is.CheckCode)
	e.raw([]byte(is.Cipher))
	e.raw(is.Signature)
}

func (d *dec) issued() invoice.Issued {
	is := invoice.Issued{Code: d.digits(), Number: d.digits(), Machine: d.digits(), IssuedAt: d.time(), CheckCode: d.digits()}
	is.Cipher = string(d.raw())
	is.Signature = d.raw()
	if len(is.Signature) == 0 {
		is.Signature = nil
	}
	return is
}

// MarshalInvoice encodes an invoice's content, the ISSUE payload's core (PROTOCOL.md §4.3).
func MarshalInvoice(inv *invoice.Invoice) ([]byte, error) {
	var e enc
	e.invoice(inv)
	return e.b, e.err
}

// UnmarshalInvoice decodes what MarshalInvoice wrote; every byte must be consumed.
func UnmarshalInvoice(b []byte) (invoice.Invoice, error) {
	d := dec{b: b}
	inv := d.invoice()
	return inv, d.end()
}
