package invoice

import (
	"encoding/hex"
	"strings"
)

// QRPayload is the text of the QR code on an issued invoice (docs/rules.md "QR code"):
// 01,<type>,<code>,<number>,<amount before tax>,<YYYYMMDD>,<check code>,<4 hex>,
// The 4-hex tail is the first two bytes of the device signature in upper case.
func QRPayload(inv *Invoice) string {
	tail := "0000"
	if len(inv.Signature) >= 2 {
		tail = strings.ToUpper(hex.EncodeToString(inv.Signature[:2]))
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
