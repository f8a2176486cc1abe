package invoice

import (
	"encoding/hex"
	"strings"
)

// QRPayload is the text of the QR code on an issued invoice (docs/rules.md "QR code"):
// 01,<type>,<code>,<number>,<amount before tax>,<YYYYMMDD>,<check code>,<4 hex>,
// The 4-hex tail is the first two bytes of the device signature in upper case.
//
// A digital invoice's (docs/einvoice.md "QR code") has no code and no check code, its
// type 31 or 32, its 20-digit number, and the 价税合计 in the amount field: that is the
// amount the national verification platform (查验平台) asks for a 数电 invoice, with the
// number and the date, so a scan fills its form. The tail is the enterprise signature's
// first two bytes.
func QRPayload(inv *Invoice) string {
	tail := "0000"
	if len(inv.Signature) >= 2 {
		tail = strings.ToUpper(hex.EncodeToString(inv.Signature[:2]))
	}
	if inv.Kind.Digital() {
		return strings.Join([]string{"01", inv.Kind.QRType(), "", inv.Number, inv.Totals().Total.String(),
			inv.IssuedAt.In(Beijing).Format("20060102"), "", tail, ""}, ",")
	}
	return strings.Join([]string{
		"01",
		inv.Kind.QRType(),
		inv.Code,
		inv.Number,
		inv.Totals().Amount.String(),
		inv.IssuedAt.Format("20060102"),
		inv.CheckCode,
		tail,
		"",
	}, ",")
}
