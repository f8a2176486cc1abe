package pdf

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/kaipiao/kaipiao/invoice"
)

// Signer is the seller's 电子签章: its seal certificate and key. Standard readers verify
// RSA and ECDSA P-256; poppler cannot verify SM2, so seal certificates for PDFs use one
// of those.
type Signer struct {
	Key         crypto.Signer
	Certificate *x509.Certificate
	// Chain holds the certificates between the seal certificate and the root the
	// reader trusts, embedded so that a reader can build the path.
	Chain []*x509.Certificate
	// Time is the signing time written into the signature; zero means the invoice's
	// IssuedAt, so that the same invoice signs to the same bytes (with an RSA key).
	Time time.Time
	// Reason and Location are shown by readers in the signature's details.
	Reason, Location string
}

// RenderSigned returns the invoice as a PDF signed by s: an adbe.pkcs7.detached
// signature over the whole file, with the seller's seal drawn at 销售方（章）. Changing
// any byte of the file, but for the certificates the signature carries (see Sign),
// makes readers report it invalid.
func RenderSigned(inv *invoice.Invoice, opts Options, s Signer) ([]byte, error) {
	opts.Seal = true
	doc, err := Render(inv, opts)
	if err != nil {
		return nil, err
	}
	if s.Time.IsZero() {
		s.Time = inv.IssuedAt
	}
	return Sign(doc, s)
}

var (
	reStartXref = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	reSize      = regexp.MustCompile(`/Size (\d+)`)
	reInfo      = regexp.MustCompile(`(?s)/Info (<<.*?>>)`)
	reKids      = regexp.MustCompile(`/Kids \[\s*(\d+) 0 R`)
)

// Sign appends a signature to a PDF that Render made, as an incremental update: the
// original bytes stay as they are, followed by the signature dictionary, an invisible
// signature field on the first page, the catalog's AcroForm, and a new xref section.
//
// The signature's /Contents is exactly as long as the signature: the usual zero
// padding is outside what the signature covers, so a byte changed there would go
// unnoticed. With it gone, changing any byte of the file breaks the signature, except
// inside the certificates /Contents carries: those no PDF signature covers, and a
// change there shows when a reader validates the certificate instead.
func Sign(doc []byte, s Signer) ([]byte, error) {
	if s.Key == nil || s.Certificate == nil {
		return nil, errors.New("pdf: signing needs a key and a certificate")
	}
	u, err := newUpdate(doc)
	if err != nil {
		return nil, err
	}
	n, err := cmsSize(s.Key, s.Certificate, s.Chain, s.Time)
	if err != nil {
		return nil, err
	}
	// RSA signatures have the size reckoned; an ECDSA one may come out a byte or two
	// shorter, and the file is then laid out again for that size and signed anew.
	for range 32 {
		out, at, end := u.assemble(&s, n)
		h := sha256.New()
		h.Write(out[:at])
		h.Write(out[end:])
		cms, err := signedData(h.Sum(nil), s.Key, s.Certificate, s.Chain, s.Time)
		if err != nil {
			return nil, err
		}
		if len(cms) == n {
			hex.Encode(out[at+1:], cms)
			return out, nil
		}
		n = len(cms)
	}
	return nil, errors.New("pdf: the signature's size did not settle")
}

// incremental is what an incremental update of a gopdf file needs from it.
type incremental struct {
	doc, trailer, catalog, page []byte
	prev                        int // offset of the file's xref table
	pageID, sigID, fieldID      int
}

func newUpdate(doc []byte) (*incremental, error) {
	m := reStartXref.FindSubmatch(doc)
	trailerAt := bytes.LastIndex(doc, []byte("trailer"))
	if m == nil || trailerAt < 0 {
		return nil, errors.New("pdf: no trailer to sign after")
	}
	u := &incremental{doc: doc, trailer: doc[trailerAt:]}
	u.prev, _ = strconv.Atoi(string(m[1]))
	sm := reSize.FindSubmatch(u.trailer)
	if sm == nil {
		return nil, errors.New("pdf: trailer without /Size")
	}
	size, _ := strconv.Atoi(string(sm[1]))
	u.sigID, u.fieldID = size, size+1
	var err error
	if u.catalog, err = object(doc, u.prev, 1); err != nil {
		return nil, err
	}
	pages, err := object(doc, u.prev, 2)
	if err != nil {
		return nil, err
	}
	km := reKids.FindSubmatch(pages)
	if km == nil {
		return nil, errors.New("pdf: no first page")
	}
	u.pageID, _ = strconv.Atoi(string(km[1]))
	if u.page, err = object(doc, u.prev, u.pageID); err != nil {
		return nil, err
	}
	return u, nil
}

// assemble writes the file with the update appended and room for a signature of n
// bytes, its /ByteRange filled in. It returns the file and where the /Contents hex
// string (with its angle brackets) starts and ends.
func (u *incremental) assemble(s *Signer, n int) (out []byte, contentsAt, contentsEnd int) {
	const rangeHole = "[0 0000000000 0000000000 0000000000]"
	var b bytes.Buffer
	b.Write(u.doc)
	if u.doc[len(u.doc)-1] != '\n' {
		b.WriteByte('\n')
	}
	offsets := map[int]int{}
	begin := func(id int) {
		offsets[id] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", id)
	}
	begin(u.sigID)
	b.WriteString("<<\n/Type /Sig\n/Filter /Adobe.PPKLite\n/SubFilter /adbe.pkcs7.detached\n/ByteRange ")
	rangeAt := b.Len()
	b.WriteString(rangeHole + "\n/Contents ")
	contentsAt = b.Len()
	b.WriteString("<" + strings.Repeat("0", 2*n) + ">")
	contentsEnd = b.Len()
	fmt.Fprintf(&b, "\n/M (%s)\n/Name %s\n", pdfDate(s.Time), pdfText(s.Certificate.Subject.CommonName))
	if s.Reason != "" {
		fmt.Fprintf(&b, "/Reason %s\n", pdfText(s.Reason))
	}
	if s.Location != "" {
		fmt.Fprintf(&b, "/Location %s\n", pdfText(s.Location))
	}
	b.WriteString(">>\nendobj\n")

	begin(u.fieldID)
	fmt.Fprintf(&b, "<<\n/Type /Annot\n/Subtype /Widget\n/FT /Sig\n/T (Seal)\n/F 132\n/Rect [0 0 0 0]\n/V %d 0 R\n/P %d 0 R\n>>\nendobj\n", u.sigID, u.pageID)
	begin(1)
	b.Write(insertBeforeEnd(u.catalog, fmt.Sprintf("/AcroForm << /Fields [%d 0 R] /SigFlags 3 >>\n", u.fieldID)))
	b.WriteString("\nendobj\n")
	begin(u.pageID)
	b.Write(insertBeforeEnd(u.page, fmt.Sprintf("/Annots [%d 0 R]\n", u.fieldID)))
	b.WriteString("\nendobj\n")

	xrefAt := b.Len()
	b.WriteString("xref\n0 1\n0000000000 65535 f \n")
	fmt.Fprintf(&b, "1 1\n%010d 00000 n \n", offsets[1])
	fmt.Fprintf(&b, "%d 1\n%010d 00000 n \n", u.pageID, offsets[u.pageID])
	fmt.Fprintf(&b, "%d 2\n%010d 00000 n \n%010d 00000 n \n", u.sigID, offsets[u.sigID], offsets[u.fieldID])
	fmt.Fprintf(&b, "trailer\n<<\n/Size %d\n/Root 1 0 R\n/Prev %d\n", u.fieldID+1, u.prev)
	if im := reInfo.FindSubmatch(u.trailer); im != nil {
		fmt.Fprintf(&b, "/Info %s\n", im[1])
	}
	fmt.Fprintf(&b, ">>\nstartxref\n%d\n%%%%EOF\n", xrefAt)

	out = b.Bytes()
	copy(out[rangeAt:], fmt.Sprintf("[0 %010d %010d %010d]", contentsAt, contentsEnd, len(out)-contentsEnd))
	return out, contentsAt, contentsEnd
}

// object returns the dictionary of object id, found through the xref table at xref
// (the only one gopdf writes) rather than by searching, which could hit stream data.
func object(doc []byte, xref, id int) ([]byte, error) {
	if xref < 0 || xref >= len(doc) || !bytes.HasPrefix(doc[xref:], []byte("xref\n0 ")) {
		return nil, errors.New("pdf: no xref table at startxref")
	}
	// Entries are 20 bytes each after the "xref\n0 N\n" line.
	lineEnd := bytes.IndexByte(doc[xref+5:], '\n')
	entry := xref + 5 + lineEnd + 1 + 20*id
	if lineEnd < 0 || entry+20 > len(doc) {
		return nil, fmt.Errorf("pdf: object %d not in the xref table", id)
	}
	off, err := strconv.Atoi(string(doc[entry : entry+10]))
	if err != nil || off >= len(doc) || !bytes.HasPrefix(doc[off:], fmt.Appendf(nil, "%d 0 obj", id)) {
		return nil, fmt.Errorf("pdf: object %d: bad xref entry", id)
	}
	body := doc[off:]
	end := bytes.Index(body, []byte("endobj"))
	if end < 0 {
		return nil, fmt.Errorf("pdf: object %d not closed", id)
	}
	body = body[:end]
	from, to := bytes.Index(body, []byte("<<")), bytes.LastIndex(body, []byte(">>"))
	if from < 0 || to < from {
		return nil, fmt.Errorf("pdf: object %d is not a dictionary", id)
	}
	return body[from : to+2], nil
}

// insertBeforeEnd adds entries to a dictionary before its closing >>.
func insertBeforeEnd(dict []byte, entries string) []byte {
	out := append([]byte(nil), dict[:len(dict)-2]...)
	out = append(out, entries...)
	return append(out, ">>"...)
}

// pdfDate is a PDF date string with the time's own offset: D:20261126103000+08'00'.
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("D:%s%c%02d'%02d'", t.Format("20060102150405"), sign, off/3600, off/60%60)
}

// pdfText is a PDF text string in UTF-16BE, which holds Chinese names.
func pdfText(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}
