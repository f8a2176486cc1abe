package workstation

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/ofd"
	ksync "github.com/kaipiao/kaipiao/sync"
)

// RenderOFD writes an invoice's OFD, sealed with the enterprise's SM2 certificate when
// the data folder has one (GB/T 38540 seals are SM2, unlike the PDF's), and reports
// whether it is signed.
func RenderOFD(data string, inv *invoice.Invoice) (doc []byte, signed bool, err error) {
	dir := filepath.Join(data, PKIDir)
	if _, err := os.Stat(filepath.Join(dir, ksync.FileEnterprise+".crt")); errors.Is(err, os.ErrNotExist) {
		doc, err = ofd.Write(inv, ofd.Options{})
		return doc, false, err
	}
	pass, err := ksync.Passphrase(dir)
	if err != nil {
		return nil, false, err
	}
	id, err := ksync.ReadIdentity(dir, ksync.FileEnterprise, pass, time.Now())
	if err != nil {
		return nil, false, err
	}
	key := id.SM2()
	if key == nil {
		return nil, false, errors.New("the enterprise key is not SM2")
	}
	doc, err = ofd.Write(inv, ofd.Options{Signer: &ofd.Signer{Key: key, Cert: id.Cert}})
	return doc, err == nil, err
}
