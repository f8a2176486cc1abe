package ofd

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/einvoicexml"
	"golang.org/x/image/font/sfnt"
)

// TestTagsReadBack reads, for each tag of Tags/CustomTag.xml, the text objects it names
// out of the page files and checks they show the invoice's own values; and checks that
// Attachs holds the data file einvoicexml writes (what `kaipiaoctl xml` prints).
func TestTagsReadBack(t *testing.T) {
	for _, s := range mustSamples(t) {
		data, err := Write(s.inv, Options{Signer: mustSigner(t)})
		if err != nil {
			t.Fatal(err)
		}
		files, err := Unpack(data)
		if err != nil {
			t.Fatal(err)
		}
		// Every text object of every page, by ID.
		texts := map[string]string{}
		for name, f := range files {
			if !strings.HasSuffix(name, "/Content.xml") {
				continue
			}
			var page struct {
				Objs []struct {
					ID   string `xml:"ID,attr"`
					Code string `xml:"TextCode"`
				} `xml:"Content>Layer>TextObject"`
			}
			if err := xml.Unmarshal(f, &page); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, o := range page.Objs {
				texts[o.ID] = o.Code
			}
		}
		var tags struct {
			Fields []struct {
				XMLName xml.Name
				Refs    []string `xml:"ObjectRef"`
			} `xml:",any"`
			Items []struct {
				Refs []string `xml:"ObjectRef"`
			} `xml:"Items>Item"`
		}
		if err := xml.Unmarshal(files["Doc_0/Tags/CustomTag.xml"], &tags); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, f := range tags.Fields {
			for _, r := range f.Refs {
				got[f.XMLName.Local] += texts[r]
			}
		}
		tot := s.inv.Totals()
		want := map[string]string{
			TagInvoiceCode: s.inv.Code, TagInvoiceNo: s.inv.Number,
			TagIssueDate: s.inv.IssuedAt.Format("2006年01月02日"),
			TagBuyerName: s.inv.Buyer.Name, TagBuyerTaxID: s.inv.Buyer.TaxID,
			TagSellerName: s.inv.Seller.Name, TagSellerTaxID: s.inv.Seller.TaxID,
			TagTotalAmount: "¥" + tot.Amount.String(), TagTotalTax: "¥" + tot.Tax.String(),
			TagTotalWithTax: "¥" + tot.Total.String(),
			TagRemark:       strings.ReplaceAll(s.inv.Remark, "\n", ""),
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: tag %s shows %q, want %q", s.name, k, got[k], v)
			}
		}
		if len(tags.Items) != len(s.inv.Lines) {
			t.Errorf("%s: %d items tagged, want %d", s.name, len(tags.Items), len(s.inv.Lines))
		}
		for i, it := range tags.Items {
			var name string
			for _, r := range it.Refs {
				name += texts[r]
			}
			if name != s.inv.Lines[i].PrintedName() {
				t.Errorf("%s: item %d shows %q, want %q", s.name, i+1, name, s.inv.Lines[i].PrintedName())
			}
		}
		x, err := einvoicexml.Marshal(s.inv)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(files["Doc_0/Attachs/"+XMLName], x) {
			t.Errorf("%s: the attached data file differs from einvoicexml's", s.name)
		}
		if !strings.Contains(string(files["OFD.xml"]), `<ofd:CustomData Name="发票号码">`+s.inv.Number+`<`) {
			t.Errorf("%s: OFD.xml's CustomDatas lack the number", s.name)
		}
	}
}

// TestSignatureTamper: the signature verifies (this package's verifier, written from
// GB/T 38540; the reader test checks the same with ofd.js), and one changed byte in any
// signed file — every referenced file, Signature.xml and SignedValue.dat — fails it.
func TestSignatureTamper(t *testing.T) {
	s := mustSamples(t)[0]
	data, err := Write(s.inv, Options{Signer: mustSigner(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(data); err != nil {
		t.Fatalf("a fresh signature does not verify: %v", err)
	}
	files, err := Unpack(data)
	if err != nil {
		t.Fatal(err)
	}
	w := &writer{}
	n := 0
	for name, f := range files {
		if name == SignaturesPath {
			continue // not signed, so that a second signature can be added (sign.go)
		}
		for _, at := range []int{0, len(f) / 2, len(f) - 1} {
			changed := map[string][]byte{}
			for k, v := range files {
				changed[k] = v
			}
			b := bytes.Clone(f)
			b[at] ^= 0x01
			changed[name] = b
			w.files = changed
			repacked, err := w.zip(s.inv.IssuedAt)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Verify(repacked); err == nil {
				t.Errorf("changing byte %d of %s went unnoticed", at, name)
			}
			n++
		}
	}
	t.Logf("%d single-byte changes over %d files, each refused", n, len(files)-1)
}

// TestEmbeddedFontsHoldEveryCharacter: each text object's characters are in the font
// file its Font attribute names (the subset the package embeds), so a reader that uses
// embedded fonts draws them all.
func TestEmbeddedFontsHoldEveryCharacter(t *testing.T) {
	for _, s := range mustSamples(t) {
		data, err := Write(s.inv, Options{Signer: mustSigner(t)})
		if err != nil {
			t.Fatal(err)
		}
		files, err := Unpack(data)
		if err != nil {
			t.Fatal(err)
		}
		var res struct {
			Fonts []struct {
				ID   string `xml:"ID,attr"`
				File string `xml:"FontFile"`
			} `xml:"Fonts>Font"`
		}
		if err := xml.Unmarshal(files["Doc_0/PublicRes.xml"], &res); err != nil {
			t.Fatal(err)
		}
		fonts := map[string]*sfnt.Font{}
		for _, f := range res.Fonts {
			ft, err := sfnt.Parse(files["Doc_0/Res/"+f.File])
			if err != nil {
				t.Fatalf("%s: font %s: %v", s.name, f.File, err)
			}
			fonts[f.ID] = ft
		}
		var buf sfnt.Buffer
		n := 0
		for name, f := range files {
			if !strings.HasSuffix(name, "/Content.xml") {
				continue
			}
			var page struct {
				Objs []struct {
					Font string `xml:"Font,attr"`
					Code string `xml:"TextCode"`
				} `xml:"Content>Layer>TextObject"`
			}
			if err := xml.Unmarshal(f, &page); err != nil {
				t.Fatal(err)
			}
			for _, o := range page.Objs {
				ft := fonts[o.Font]
				if ft == nil {
					t.Fatalf("%s: %s: text %q names font %s, not embedded", s.name, name, o.Code, o.Font)
				}
				for _, r := range o.Code {
					if g, err := ft.GlyphIndex(&buf, r); err != nil || g == 0 {
						t.Errorf("%s: %q (%U) is not in embedded font %s", s.name, r, r, o.Font)
					}
					n++
				}
			}
		}
		if n == 0 {
			t.Fatalf("%s: no text", s.name)
		}
	}
}

// An unsigned OFD is the same bytes every time: the archive can tell a re-export from a
// changed invoice.
func TestUnsignedIsDeterministic(t *testing.T) {
	for _, s := range mustSamples(t) {
		a, err := Write(s.inv, Options{})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Write(s.inv, Options{})
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two writes differ", s.name)
		}
		if files, _ := Unpack(a); files[SignaturesPath] != nil || bytes.Contains(files["OFD.xml"], []byte("Signatures")) {
			t.Errorf("%s: an unsigned OFD names signatures", s.name)
		}
	}
}
