package ofd

import (
	"bytes"
	"crypto/rand"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf"
)

// The seal and signature (GB/T 38540-2020, 信息安全技术 安全电子签章密码技术规范, and
// GB/T 33190 clause 18): the document's files are listed in Signature.xml with their SM3
// digests; SignedValue.dat is an SES_Signature (version 4) whose TBS_Sign holds the
// electronic seal (SESeal: the seal's picture, its owner and certificate, signed by the
// seal's maker) and the SM3 digest of Signature.xml, signed with SM2 by the enterprise's
// seal key. The seal shows as a stamp annotation (StampAnnot) where the PDF draws it, on
// every page. Where the format leaves a choice this follows what ofdrw writes and
// ofd.js verifies: the DER SM2 signature (SEQUENCE r, s) in the BIT STRINGs, the SM2
// default user ID, PNG for the picture, and Signatures.xml left out of the references so
// that a second signature can be added without breaking the first.

// OIDs of GB/T 33560.
var (
	oidSM2SM3 = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 501} // SM2 with SM3
	oidSM3    = "1.2.156.10197.1.401"
)

// Signer is the enterprise's electronic seal: its SM2 key and certificate.
type Signer struct {
	Key  *sm2.PrivateKey
	Cert *smx509.Certificate
	// Time is the signing time; zero means the invoice's IssuedAt.
	Time time.Time
}

// Paths of the signature's files.
const (
	SignaturesPath  = "Doc_0/Signs/Signatures.xml"
	SignaturePath   = "Doc_0/Signs/Sign_0/Signature.xml"
	SignedValuePath = "Doc_0/Signs/Sign_0/SignedValue.dat"
)

// ASN.1 structures of GB/T 38540-2020 version 4.
type sesHeader struct {
	ID      string `asn1:"ia5"` // "ES"
	Version int    // 4
	Vid     string `asn1:"ia5"`
}

type sesPropertyInfo struct {
	Type         int    // 1 单位印章
	Name         string `asn1:"utf8"`
	CertListType int    // 1: the certificates themselves
	CertList     [][]byte
	CreateDate   time.Time `asn1:"generalized"`
	ValidStart   time.Time `asn1:"generalized"`
	ValidEnd     time.Time `asn1:"generalized"`
}

type sesPicture struct {
	Type   string `asn1:"ia5"`
	Data   []byte
	Width  int // mm
	Height int
}

type sesSealInfo struct {
	Header   sesHeader
	EsID     string `asn1:"ia5"`
	Property sesPropertyInfo
	Picture  sesPicture
}

// sealTBS is what the seal's maker signs.
type sealTBS struct {
	SealInfo  sesSealInfo
	Cert      []byte
	SignAlgID asn1.ObjectIdentifier
}

type seSeal struct {
	SealInfo    sesSealInfo
	Cert        []byte
	SignAlgID   asn1.ObjectIdentifier
	SignedValue asn1.BitString
}

type tbsSign struct {
	Version      int
	ESeal        seSeal
	TimeInfo     time.Time `asn1:"generalized"`
	DataHash     asn1.BitString
	PropertyInfo string `asn1:"ia5"`
}

type sesSignature struct {
	ToSign         tbsSign
	Cert           []byte
	SignatureAlgID asn1.ObjectIdentifier
	Signature      asn1.BitString
}

func sm3Sum(b []byte) []byte {
	h := sm3.New()
	h.Write(b)
	return h.Sum(nil)
}

func sm2Sign(k *sm2.PrivateKey, msg []byte) ([]byte, error) {
	return k.Sign(rand.Reader, msg, sm2.DefaultSM2SignerOpts)
}

func bits(b []byte) asn1.BitString { return asn1.BitString{Bytes: b, BitLength: 8 * len(b)} }

// sign seals the document: the stamp on each page where sealed (the layout drawn with
// the seal) has its seal's rim, the references, and the signed value.
func (w *writer) sign(inv *invoice.Invoice, sealed *pdf.Document, s *Signer) error {
	if s.Key == nil || s.Cert == nil {
		return errors.New("ofd: signing needs the seal's SM2 key and certificate")
	}
	at := s.Time
	if at.IsZero() {
		at = inv.IssuedAt
	}
	// A 数电 invoice has no 发票专用章: its OFD carries the enterprise's signature
	// (Type Sign) with no stamp on the page, and the SES structure's seal picture, which
	// the format requires, is blank.
	digital := inv.Kind.Digital()
	var pic []byte
	var err error
	sealName := inv.Seller.Name + "发票专用章"
	if digital {
		pic, sealName = blankPicture, inv.Seller.Name+"电子签名"
	} else if pic, err = cachedSealPicture(inv.Seller); err != nil {
		return err
	}
	seal, err := makeSeal(s, sealName, pic, at)
	if err != nil {
		return err
	}

	var names []string
	for n := range w.files {
		names = append(names, n)
	}
	sort.Strings(names)
	var x strings.Builder
	fmt.Fprintf(&x, xmlHead+`<ofd:Signature xmlns:ofd="%s"><ofd:SignedInfo>`+
		`<ofd:Provider ProviderName="Kaipiao" Version="1.0" Company="Kaipiao"/>`+
		`<ofd:SignatureMethod>%s</ofd:SignatureMethod><ofd:SignatureDateTime>%s</ofd:SignatureDateTime>`+
		`<ofd:References CheckMethod="%s">`, ns, oidSM2SM3.String(), at.UTC().Format("20060102150405Z"), oidSM3)
	for _, n := range names {
		fmt.Fprintf(&x, `<ofd:Reference FileRef="/%s"><ofd:CheckValue>%s</ofd:CheckValue></ofd:Reference>`,
			n, base64.StdEncoding.EncodeToString(sm3Sum(w.files[n])))
	}
	x.WriteString(`</ofd:References>`)
	w2, h2 := pdf.SealSize+1, pdf.SealHeight+1
	stamps := 0
	for i, p := range sealed.Pages {
		for _, e := range p.Ellipses {
			if e.Color != pdf.SealColor {
				continue
			}
			stamps++
			fmt.Fprintf(&x, `<ofd:StampAnnot ID="%d" PageRef="%d" Boundary="%s %s %s %s"/>`,
				stamps, w.pageIDs[i], num(e.CX-w2/2), num(e.CY-h2/2), num(w2), num(h2))
		}
	}
	if stamps == 0 && !digital {
		return errors.New("ofd: the layout has no seal to stamp")
	}
	x.WriteString(`</ofd:SignedInfo><ofd:SignedValue>/` + SignedValuePath + `</ofd:SignedValue></ofd:Signature>`)
	sigXML := []byte(x.String())

	tbs := tbsSign{Version: 4, ESeal: seal, TimeInfo: at.UTC(), DataHash: bits(sm3Sum(sigXML)), PropertyInfo: "/" + SignaturePath}
	tbsDER, err := asn1.Marshal(tbs)
	if err != nil {
		return fmt.Errorf("ofd: TBS_Sign: %w", err)
	}
	sig, err := sm2Sign(s.Key, tbsDER)
	if err != nil {
		return fmt.Errorf("ofd: signing: %w", err)
	}
	value, err := asn1.Marshal(sesSignature{ToSign: tbs, Cert: s.Cert.Raw, SignatureAlgID: oidSM2SM3, Signature: bits(sig)})
	if err != nil {
		return fmt.Errorf("ofd: SES_Signature: %w", err)
	}
	w.files[SignaturePath] = sigXML
	w.files[SignedValuePath] = value
	kind := "Seal"
	if digital {
		kind = "Sign"
	}
	w.files[SignaturesPath] = []byte(fmt.Sprintf(xmlHead+`<ofd:Signatures xmlns:ofd="%s"><ofd:MaxSignId>1</ofd:MaxSignId>`+
		`<ofd:Signature ID="1" Type="%s" BaseLoc="/%s"/></ofd:Signatures>`, ns, kind, SignaturePath))
	return nil
}

// makeSeal makes the electronic seal: its picture and owner, signed by its maker. The
// demo PKI has no seal-making authority, so the enterprise's own certificate makes it:
// a deployment puts the 制章单位's certificate and signature here.
func makeSeal(s *Signer, name string, pic []byte, at time.Time) (seSeal, error) {
	size := [2]int{int(math.Round(pdf.SealSize + 1)), int(math.Round(pdf.SealHeight + 1))}
	if bytes.Equal(pic, blankPicture) {
		size = [2]int{1, 1}
	}
	info := sesSealInfo{
		Header: sesHeader{ID: "ES", Version: 4, Vid: "Kaipiao"},
		EsID:   fmt.Sprintf("%X", sm3Sum(s.Cert.Raw)[:8]),
		Property: sesPropertyInfo{
			Type: 1, Name: name, CertListType: 1, CertList: [][]byte{s.Cert.Raw},
			CreateDate: s.Cert.NotBefore.UTC(), ValidStart: s.Cert.NotBefore.UTC(), ValidEnd: s.Cert.NotAfter.UTC(),
		},
		Picture: sesPicture{Type: "png", Data: pic, Width: size[0], Height: size[1]},
	}
	tbs, err := asn1.Marshal(sealTBS{SealInfo: info, Cert: s.Cert.Raw, SignAlgID: oidSM2SM3})
	if err != nil {
		return seSeal{}, fmt.Errorf("ofd: SESeal: %w", err)
	}
	sig, err := sm2Sign(s.Key, tbs)
	if err != nil {
		return seSeal{}, err
	}
	return seSeal{SealInfo: info, Cert: s.Cert.Raw, SignAlgID: oidSM2SM3, SignedValue: bits(sig)}, nil
}

// blankPicture is a 1 × 1 transparent PNG: the seal picture of a signature that shows
// no seal.
var blankPicture = func() []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 1, 1)))
	return buf.Bytes()
}()

// sealDPI is the seal picture's resolution: sharp in print, small in the file.
const sealDPI = 130

// sealPictures keeps each seller's seal picture: drawing and compressing it costs
// far more than the rest of the document, and a workstation has one seller.
var sealPictures sync.Map // name + "\x00" + tax ID → []byte

func cachedSealPicture(seller invoice.Party) ([]byte, error) {
	key := seller.Name + "\x00" + seller.TaxID
	if p, ok := sealPictures.Load(key); ok {
		return p.([]byte), nil
	}
	p, err := sealPicture(seller)
	if err != nil {
		return nil, err
	}
	sealPictures.Store(key, p)
	return p, nil
}

// sealPicture draws the seal as the PDF does, on transparent ground: red with the
// anti-aliasing as opacity, so the stamp never hides the text under it.
func sealPicture(seller invoice.Party) ([]byte, error) {
	p, err := pdf.SealPage(seller)
	if err != nil {
		return nil, err
	}
	img, err := pdf.DrawPage(p, sealDPI)
	if err != nil {
		return nil, err
	}
	// The seal's red in 16 steps of opacity: a paletted PNG a third the size of a
	// full-colour one, and the steps finer than the eye tells apart at print size.
	c := pdf.SealColor
	pal := make(color.Palette, 16)
	for i := range pal {
		pal[i] = color.NRGBA{c.R, c.G, c.B, uint8(i * 17)}
	}
	out := image.NewPaletted(img.Bounds(), pal)
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
			g := img.RGBAAt(x, y).G // white over the seal's red: green falls from 255 to c.G
			a := (255 - float64(g)) / (255 - float64(c.G))
			if a <= 0 {
				continue
			}
			out.SetColorIndex(x, y, uint8(math.Min(15, math.Round(a*15))))
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
