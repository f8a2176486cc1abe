package pdftest

import (
	"fmt"

	"github.com/kaipiao/kaipiao/invoice"
)

// DigitalNumber is the sample 20-digit 数电 number with sequence seq: year 26, region
// 35 (the sample seller's credit code's province), channel digit 7.
func DigitalNumber(seq int) string { return fmt.Sprintf("26357%015d", seq) }

// DigitalIssued is what the digital channel records for number: no code, machine,
// check code or cipher; the sample time; a signature that varies with the number.
func DigitalIssued(number string) invoice.Issued {
	d := Device(number[len(number)-8:])
	return invoice.Issued{Number: number, IssuedAt: IssuedAt, Signature: d.Signature}
}

// Digitalize turns a sample issued on the device into the digital kind of the same
// type, issued as number: what the digital channel makes of the same order.
func Digitalize(inv *invoice.Invoice, number string) *invoice.Invoice {
	out := *inv
	out.Kind = inv.Kind.Digitalized()
	out.Issued = DigitalIssued(number)
	return &out
}

// DigitalExample checks docs/examples/<name> and issues it on the digital channel.
func DigitalExample(name, number string) (*invoice.Invoice, error) {
	inv, err := Example(name, "00000001")
	if err != nil {
		return nil, err
	}
	return Digitalize(inv, number), nil
}

// DigitalRed reverses a digital blue invoice entirely through confirmation slip slip,
// issued as number: the blue number and the slip in its RedLink and its remark.
func DigitalRed(blue *invoice.Invoice, number, slip string) (*invoice.Invoice, error) {
	cfg, err := Config()
	if err != nil {
		return nil, err
	}
	o := &invoice.Order{
		OrderID: "RED-" + blue.Number,
		Issuer:  "张三",
		RedOf:   &invoice.RedRequest{Number: blue.Number, Reason: int(invoice.ReasonReturn), Slip: slip},
	}
	red, errs := invoice.Reverse(blue, nil, o, cfg)
	if errs != nil {
		return nil, fmt.Errorf("pdftest: red of %s: %w", blue.Number, errs)
	}
	red.Seller = Seller
	red.Issued = DigitalIssued(number)
	return red, nil
}

// DigitalLong is Long on the digital channel: n lines, a goods list past 8.
func DigitalLong(n int, number string) (*invoice.Invoice, error) {
	inv, err := Long(n, "00000001")
	if err != nil {
		return nil, err
	}
	return Digitalize(inv, number), nil
}
