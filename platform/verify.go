package platform

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/emmansun/gmsm/smx509"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/upload"
)

// errArithmetic: the invoice's amounts do not add up under the tolerances of docs/rules.md.
var errArithmetic = errors.New("the invoice's arithmetic does not hold")

// checkArithmetic re-does, on an issued invoice, the sums invoice.Check made on its
// order: each line's amount against quantity × unit price, each tax against amount ×
// rate within the device's line tolerance, the taxes' drift over the invoice, and the
// totals the JSON states against the lines. A workstation with a broken build, or a
// forged invoice, must not get a receipt.
func checkArithmetic(inv *invoice.Invoice, raw json.RawMessage) error {
	var dev invoice.Money
	for i := range inv.Lines {
		l := &inv.Lines[i]
		if !invoice.ValidRate(l.Rate) {
			return fmt.Errorf("%w: line %d rate %s", errArithmetic, i+1, l.Rate)
		}
		expected := l.Rate.TaxOn(l.Amount)
		// With tax-inclusive prices the tax is the part of the gross; a discount line's
		// is checked against amount × rate whatever the prices (docs/rules.md "Discount lines").
		if inv.PriceIncludesTax && !l.Discount {
			expected = l.Rate.TaxIn(l.Amount + l.Tax)
		}
		if d := l.Tax - expected; d.Abs() > invoice.DefaultLimits.LineTaxTolerance {
			return fmt.Errorf("%w: line %d tax %s, amount × rate %s", errArithmetic, i+1, l.Tax, expected)
		}
		dev += l.Tax - expected
		// The printed line: quantity × the printed unit price (before tax, with or without
		// tax-inclusive prices) gives the amount (docs/rules.md "Printed unit price"). The
		// tax-inclusive price an order gave is not printed, and a piece of a split line
		// need not meet it to the fen.
		if !l.Discount && !l.Quantity.IsZero() && !invoice.PriceConsistent(l.Quantity, l.UnitPrice, l.Amount) {
			return fmt.Errorf("%w: line %d amount %s, quantity × price %s", errArithmetic, i+1, l.Amount, l.Quantity.Mul(l.UnitPrice))
		}
	}
	if dev.Abs() > invoice.InvoiceTaxTolerance {
		return fmt.Errorf("%w: line taxes drift %s from amount × rate", errArithmetic, dev)
	}
	amount, tax, total, err := upload.WireTotals(raw)
	if err != nil {
		return fmt.Errorf("%w: totals: %v", errArithmetic, err)
	}
	t := inv.Totals()
	if amount != t.Amount.String() || tax != t.Tax.String() || total != t.Total.String() {
		return fmt.Errorf("%w: stated totals %s + %s = %s, the lines give %s + %s = %s", errArithmetic,
			amount, tax, total, t.Amount, t.Tax, t.Total)
	}
	return nil
}

// errDevice: no trusted certificate for the invoice's device, or its seal is wrong.
var errDevice = errors.New("device not trusted")

// deviceCert finds the certificate to verify machine's invoices with, for an envelope
// signed by the enterprise taxID. The machine number must be of its form and registered
// to taxID (an enterprise's own tax ID is not a machine number, another taxpayer's device
// is not its device). The certificate is the one the platform was configured with, else
// the one the workstation offered if it chains to the CA, names the machine and carries
// the device key usage — which an enterprise's certificate, chaining to the same CA,
// lacks: an enterprise cannot seal "device" invoices with its own key.
func (s *Server) deviceCert(machine, taxID string, offered *smx509.Certificate) (*smx509.Certificate, error) {
	if !invoice.ValidMachine(machine) {
		return nil, fmt.Errorf("%w: machine number %s is not 12 digits", errDevice, invoice.Quote(machine))
	}
	switch owner, ok := s.PKI.Registry[machine]; {
	case !ok:
		return nil, fmt.Errorf("%w: machine %s is not registered with the platform", errDevice, machine)
	case owner != taxID:
		return nil, fmt.Errorf("%w: machine %s is registered to %s, the envelope is signed by %s", errDevice, machine, owner, taxID)
	}
	if c, ok := s.PKI.Devices[machine]; ok {
		return c, nil
	}
	if offered == nil {
		return nil, fmt.Errorf("%w: no certificate for machine %s", errDevice, machine)
	}
	if offered.Subject.SerialNumber != machine {
		return nil, fmt.Errorf("%w: the certificate offered names machine %s, the invoice %s", errDevice, invoice.Quote(offered.Subject.SerialNumber), machine)
	}
	if s.devCerts.known(offered, s.now()) {
		return offered, nil
	}
	if _, err := offered.Verify(smx509.VerifyOptions{Roots: s.PKI.Roots, CurrentTime: s.now(),
		KeyUsages: []smx509.ExtKeyUsage{smx509.ExtKeyUsageAny}}); err != nil {
		return nil, fmt.Errorf("%w: machine %s: %v", errDevice, machine, err)
	}
	if !pki.HasDeviceEKU(offered) {
		return nil, fmt.Errorf("%w: machine %s: the certificate offered (%q) is not a device certificate", errDevice, machine, offered.Subject.CommonName)
	}
	s.devCerts.add(offered)
	return offered, nil
}

// certCache remembers the device certificates offered that verified (chained to the CA,
// with the device key usage): a workstation offers the same one with every envelope, and
// verifying its chain for every invoice was an SM2 verification per invoice, a third of
// the platform's work. Only what verified is kept, by the certificate's exact bytes, and
// only within its validity; the roots do not change while the platform runs.
type certCache struct {
	mu sync.Mutex
	ok map[[32]byte]bool
}

// maxCertCache bounds the cache: past it the cache starts again (one verification more
// per workstation).
const maxCertCache = 100_000

func (c *certCache) known(cert *smx509.Certificate, now time.Time) bool {
	if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ok[sha256.Sum256(cert.Raw)]
}

func (c *certCache) add(cert *smx509.Certificate) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok == nil || len(c.ok) >= maxCertCache {
		c.ok = map[[32]byte]bool{}
	}
	c.ok[sha256.Sum256(cert.Raw)] = true
}

// verifyItem checks one invoice of an envelope signed by the enterprise taxID and
// returns what to store.
func (s *Server) verifyItem(it *upload.Item, taxID string, offered, signer *smx509.Certificate) (*Stored, error) {
	inv, err := upload.DecodeInvoice(it.Invoice)
	if err != nil {
		return nil, fmt.Errorf("invoice %s: %w", it.RequestID, err)
	}
	if inv.RequestID != it.RequestID {
		return nil, fmt.Errorf("item %s carries invoice %s", it.RequestID, inv.RequestID)
	}
	if inv.Seller.TaxID != taxID {
		return nil, fmt.Errorf("invoice %s: seller %s, but the envelope is signed by %s", it.RequestID, inv.Seller.TaxID, taxID)
	}
	if inv.Kind.Digital() {
		if err := verifyDigital(inv, signer); err != nil {
			return nil, err
		}
		if err := checkArithmetic(inv, it.Invoice); err != nil {
			return nil, fmt.Errorf("invoice %s: %w", inv.Number, err)
		}
		// Last: a red invoice takes its slip here (slipred.go).
		if err := s.checkRedSlip(inv, taxID); err != nil {
			return nil, err
		}
		return &Stored{Number: inv.Number, OrderID: inv.OrderID, RequestID: inv.RequestID, SellerTaxID: taxID,
			Total: inv.Totals().Total.String(), Digest: upload.InvoiceDigest(inv), Invoice: it.Invoice}, nil
	}
	if inv.Machine == "" || inv.Code == "" || inv.Number == "" || len(inv.Signature) == 0 {
		return nil, fmt.Errorf("invoice %s is not issued (no device, code, number or signature)", it.RequestID)
	}
	cert, err := s.deviceCert(inv.Machine, taxID, offered)
	if err != nil {
		return nil, err
	}
	if err := device.VerifySeal(cert.Raw, inv); err != nil {
		return nil, err
	}
	if err := checkArithmetic(inv, it.Invoice); err != nil {
		return nil, fmt.Errorf("invoice %s/%s: %w", inv.Code, inv.Number, err)
	}
	return &Stored{Device: inv.Machine, Code: inv.Code, Number: inv.Number, OrderID: inv.OrderID,
		RequestID: inv.RequestID, SellerTaxID: taxID, Total: inv.Totals().Total.String(),
		Digest: upload.InvoiceDigest(inv), Invoice: it.Invoice}, nil
}
