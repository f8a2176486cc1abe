// Command kaipiao-pdfdemo writes the example orders of docs/examples as signed invoice
// PDFs, with a red reversal and a 30-line invoice, so that the print can be looked at
// before the store exists to issue real ones. The seal certificate is a throw-away one
// made on each run: readers will report its issuer as untrusted.
//
//	go run ./cmd/kaipiao-pdfdemo -o /tmp/invoices
package main

import (
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
)

func main() {
	out := flag.String("o", "invoices", "folder to write the PDFs to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "kaipiao-pdfdemo:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	creds, err := pdftest.NewCredentials(false)
	if err != nil {
		return err
	}
	signer := pdf.Signer{Key: creds.Key, Certificate: creds.Cert, Chain: []*x509.Certificate{creds.CA}, Reason: "电子发票签章"}
	type doc struct {
		name string
		inv  *invoice.Invoice
	}
	var docs []doc
	for i, name := range []string{"01-software-service.json", "02-computers-tax-inclusive.json", "03-exempt-rice.json", "04-twelve-lines.json"} {
		inv, err := pdftest.Example(name, fmt.Sprintf("%08d", 42+i))
		if err != nil {
			return err
		}
		docs = append(docs, doc{name[:len(name)-len(".json")], inv})
	}
	red, err := pdftest.Red(docs[1].inv, "00000050")
	if err != nil {
		return err
	}
	long, err := pdftest.Long(30, "00000051")
	if err != nil {
		return err
	}
	docs = append(docs, doc{"red-of-02", red}, doc{"thirty-lines", long})
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	for _, d := range docs {
		data, err := pdf.RenderSigned(d.inv, pdf.Options{}, signer)
		if err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		path := filepath.Join(dir, d.name+".pdf")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return err
		}
		fmt.Printf("%s  %s:%s  %d bytes\n", path, d.inv.Code, d.inv.Number, len(data))
	}
	return nil
}
