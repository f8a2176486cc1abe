package sync_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
	ksync "github.com/kaipiao/kaipiao/sync"
)

// The adversarial review's critical finding: an enterprise sealed an invoice with its own
// key, offered its own certificate (which chains to the same CA) as the device's and its
// tax ID as the machine number, and got a receipt; the same on the tax-upload endpoint got
// the authority's acknowledgement. Each variant must now be refused on both endpoints,
// and the platform must hold nothing.

func TestEnterpriseCannotForgeDeviceInvoices(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.issue("FORGE", 1)
	real := r.items(1)[0]
	noEKU, err := ksync.IssueSM2(r.pki.CA, ksync.Leaf{CommonName: "not a device", SerialName: r.machine,
		Usage: smx509.KeyUsageDigitalSignature, NotBefore: time.Now().Add(-time.Hour), Validity: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, machine string
		id            ksync.Identity
		want          string
	}{
		{"the enterprise's tax ID as machine", sellerTaxID, r.pki.Enterprise, "is not 12 digits"},
		{"an unregistered machine", "999999999999", r.pki.Enterprise, "not registered"},
		{"the registered machine with the enterprise's certificate", r.machine, r.pki.Enterprise, "names machine"},
		{"a CA certificate for the machine without the device usage", r.machine, noEKU, "not a device certificate"},
	}
	for _, c := range cases {
		t.Run("invoices/"+c.name, func(t *testing.T) {
			forged := forgeInvoice(t, real.Invoice, c.machine, c.id)
			status, body := r.postRaw(ksync.PathInvoices, r.seal(&ksync.Payload{ID: ksync.NewID(), Kind: ksync.KindInvoices,
				At: time.Now(), DeviceCert: c.id.Cert.Raw, Items: []ksync.Item{{RequestID: real.RequestID, Invoice: forged}}}))
			var resp ksync.InvoicesResponse
			if status != http.StatusOK || json.Unmarshal(body, &resp) != nil || len(resp.Results) != 1 {
				t.Fatalf("HTTP %d: %s", status, body)
			}
			res := resp.Results[0]
			if len(res.Receipt) != 0 || !strings.Contains(res.Error, "device not trusted") || !strings.Contains(res.Error, c.want) {
				t.Fatalf("forged invoice: receipt %d bytes, error %q (want %q)", len(res.Receipt), res.Error, c.want)
			}
		})
		t.Run("tax upload/"+c.name, func(t *testing.T) {
			packet, err := forgePacket(c.machine, c.id)
			if err != nil && !isDigits(c.machine) {
				return // the wire's digits field refuses a tax ID as machine number
			}
			if err != nil {
				t.Fatal(err)
			}
			status, body := r.postRaw(ksync.PathUpload, r.seal(&ksync.Payload{ID: ksync.NewID(), Kind: ksync.KindUpload,
				At: time.Now(), DeviceCert: c.id.Cert.Raw, Packet: packet}))
			refused := strings.Contains(string(body), "device not trusted") && strings.Contains(string(body), c.want) ||
				!isDigits(c.machine) && strings.Contains(string(body), "upload packet")
			if status != http.StatusBadRequest || !refused {
				t.Fatalf("forged upload: HTTP %d %s (want %q)", status, body, c.want)
			}
		})
	}
	if n, _ := r.pdb.Count(); n != 0 {
		t.Fatalf("the platform holds %d invoices", n)
	}
	// The real device's invoice still goes through.
	if got := r.deliver(real); got[real.RequestID] == "" {
		t.Fatal("the real invoice got no receipt")
	}
}

func isDigits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

// forgeInvoice re-seals an issued invoice under id's key as machine.
func forgeInvoice(t *testing.T, raw json.RawMessage, machine string, id ksync.Identity) json.RawMessage {
	t.Helper()
	var inv invoice.Invoice
	if err := json.Unmarshal(raw, &inv); err != nil {
		t.Fatal(err)
	}
	inv.Machine = machine
	if err := device.Seal(device.SM2Signer{Key: id.SM2()}, &inv); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(&inv)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// forgePacket makes an upload packet for machine signed with id's key.
func forgePacket(machine string, id ksync.Identity) ([]byte, error) {
	p := device.UploadPacket{Machine: machine, From: 1, Through: 1, Records: []device.Record{{Counter: 1, RequestID: "FORGED"}}}
	d, err := device.RecordsDigest(p.Records)
	if err != nil {
		return nil, err
	}
	p.Digest = d
	if p.Signature, err = (device.SM2Signer{Key: id.SM2()}).SignCore(device.PacketSigned(&p)); err != nil {
		return nil, err
	}
	return p.MarshalBinary()
}
