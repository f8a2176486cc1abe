package ofd

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/einvoicexml"
)

// TestDigitalSignature: a 数电 invoice's OFD carries the enterprise's signature with no
// stamp (the invoice has no 发票专用章); it verifies, and a changed byte of its page fails
// it. Its DocInfo has no 发票代码 or 校验码, and its attachment is the digital data file.
func TestDigitalSignature(t *testing.T) {
	for _, s := range mustSamples(t) {
		if !s.inv.Kind.Digital() {
			continue
		}
		data, err := Write(s.inv, Options{Signer: mustSigner(t)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(data); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		files, err := Unpack(data)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(files[SignaturesPath], []byte(`Type="Sign"`)) || bytes.Contains(files[SignaturePath], []byte("StampAnnot")) {
			t.Errorf("%s: the signature is a stamped seal:\n%s\n%s", s.name, files[SignaturesPath], files[SignaturePath])
		}
		if v := files[SignedValuePath]; !bytes.Contains(v, []byte(s.inv.Seller.Name+"电子签名")) || bytes.Contains(v, []byte("发票专用章")) {
			t.Errorf("%s: the signature's seal is not named %s电子签名", s.name, s.inv.Seller.Name)
		}
		doc := string(files["OFD.xml"])
		if strings.Contains(doc, "发票代码") || strings.Contains(doc, "校验码") || !strings.Contains(doc, ">"+s.inv.Number+"<") {
			t.Errorf("%s: OFD.xml %s", s.name, doc)
		}
		e, err := einvoicexml.Unmarshal(files["Doc_0/Attachs/"+XMLName])
		if err != nil || e.Header.EIid != s.inv.Number || e.Data.Basic.TotalTaxIncluded != s.inv.Totals().Total.String() {
			t.Errorf("%s: attachment %v %+v", s.name, err, e)
		}
		if s.inv.IsRed() && (e.Data.Specific == nil || e.Data.Specific.Red.ConfirmationNumber != s.inv.Red.Slip) {
			t.Errorf("%s: the attachment does not name the slip", s.name)
		}
		page := files["Doc_0/Pages/Page_0/Content.xml"]
		k := bytes.Index(page, []byte(s.inv.Number))
		if k < 0 {
			t.Fatalf("%s: the number is not on the page", s.name)
		}
		page[k] ^= 0x01
		w := &writer{files: files}
		z, err := w.zip(s.inv.IssuedAt)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(z); err == nil {
			t.Errorf("%s: a changed number on the page still verifies", s.name)
		}
	}
}

// The device invoice's seal is named <seller>发票专用章, once.
func TestSealName(t *testing.T) {
	s := mustSamples(t)[0]
	data, err := Write(s.inv, Options{Signer: mustSigner(t)})
	if err != nil {
		t.Fatal(err)
	}
	files, err := Unpack(data)
	if err != nil {
		t.Fatal(err)
	}
	v := files[SignedValuePath]
	if !bytes.Contains(v, []byte(s.inv.Seller.Name+"发票专用章")) || bytes.Contains(v, []byte("发票专用章发票专用章")) {
		t.Error("the seal is not named <seller>发票专用章")
	}
}
