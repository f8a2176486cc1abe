package invoice

import (
	"encoding/hex"
	"strings"
)

// QRPayload is the text of the QR code on an issued invoice (docs/rules.md "QR code"):
// 01,<type>,<code>,<number>,<amount before tax>,<YYYYMMDD>,<check code>,<4 hex>,
// The 4-hex tail is the first two bytes of the device signature in upper case.
//
// A 数电票's (docs/digital.md "QR code") has type 31 or 32, empty code and check code,
// the 20-digit number, and in the amount field the 价税合计: the national verification
// service asks a 数电票's total with tax, and real 数电票 carry it there.
func QRPayload(inv *Invoice) string {
	tail := "0000"
	if len(inv.Signature) >= 2 {
		tail = strings.ToUpper(hex.EncodeToString(inv.Signature[:2]))
	}
	amount := inv.Totals().Amount
	if inv.Kind.Digital() {
		amount = inv.Totals().Total
	}
	return strings.Join([]string{
		"01",
		inv.Kind.QRType(),
		inv.Code,
		inv.Number,
		amount.String(),
		inv.IssuedAt.In(Beijing).Format("20060102"),
		inv.CheckCode,
		tail,
		"",
	}, ",")
}
