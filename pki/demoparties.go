package pki

import (
	"encoding/asn1"
	"time"

	"github.com/emmansun/gmsm/smx509"
)

// WithEnterprise returns a demo set for another enterprise under the same roots and
// platform: its own signing, TLS client and seal identities and its own device. The
// platform's folder written from d trusts it once the machine is registered
// (RegisterMachine). The load generator (kaipiao-platform loadtest) makes its many
// enterprises this way.
func (d *DemoSet) WithEnterprise(taxID, machine string) (*DemoSet, error) {
	e := *d
	nb, validity := time.Now().Add(-time.Hour), demoValidity
	var err error
	if e.Enterprise, err = IssueSM2(d.CA, Leaf{CommonName: "Kaipiao demo enterprise " + taxID, SerialName: taxID,
		Usage: smx509.KeyUsageDigitalSignature | smx509.KeyUsageContentCommitment, NotBefore: nb, Validity: validity}); err != nil {
		return nil, err
	}
	if e.EnterpriseTLS, err = newClientTLS(d.TLSCA, taxID, nb, validity); err != nil {
		return nil, err
	}
	if e.Seal, err = newSeal(d.TLSCA, taxID, nb, validity); err != nil {
		return nil, err
	}
	e.taxID = taxID
	return e.WithDevice(machine)
}

// WithDevice returns d with another device (machine number) of the same enterprise.
func (d *DemoSet) WithDevice(machine string) (*DemoSet, error) {
	e := *d
	var err error
	e.Device, err = IssueSM2(d.CA, Leaf{CommonName: "Kaipiao demo tax-control device " + machine, SerialName: machine,
		Usage: smx509.KeyUsageDigitalSignature | smx509.KeyUsageContentCommitment, NotBefore: time.Now().Add(-time.Hour),
		Validity: demoValidity, ExtKeyUsage: []asn1.ObjectIdentifier{OIDDeviceEKU}})
	e.machine = machine
	return &e, err
}
