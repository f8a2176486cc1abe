// Package ofd writes an issued invoice as an OFD file (GB/T 33190-2016), the national
// fixed-layout format that invoices are archived in: the same display list as the PDF
// and the preview (package pdf), so the three cannot drift apart. The printed form goes
// on a template page, the data on each page's own layer; the fonts are embedded as the
// same subsets the PDF embeds; Tags/CustomTags.xml names the objects that show the
// invoice's number, date, parties, totals, items and remark; Attachs carries the
// invoice's XML data file (package einvoicexml); and with a Signer the document is
// sealed per GB/T 38540 (sign.go). docs/ofd.md says which reader the tests check it with.
//
// Output is deterministic: the same invoice, key and signing time give the same bytes
// but for the SM2 signature's random nonce.
package ofd

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kaipiao/kaipiao/einvoicexml"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf"
)

const (
	ns      = "http://www.ofdspec.org/2016"
	xmlHead = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	// TagNS is the namespace of the invoice's custom tags (Tags/CustomTag.xml).
	TagNS = "urn:kaipiao:ofd:invoice:1"
	// XMLName is the attached data file's name in Attachs.
	XMLName = "invoice.xml"
)

// Options adjust the OFD.
type Options struct {
	Region string  // as pdf.Options.Region
	Signer *Signer // seals and signs the document; nil leaves it unsigned with the seal drawn
}

// Write returns the invoice as an OFD file.
func Write(inv *invoice.Invoice, o Options) ([]byte, error) {
	data, err := einvoicexml.Marshal(inv)
	if err != nil {
		return nil, err
	}
	// One layout, with the seal: unsigned, the seal is drawn with the page; signed, it
	// is the signature's stamp, placed where the layout draws it, and left off the page.
	sealed, err := pdf.Layout(inv, pdf.Options{Region: o.Region, Seal: true})
	if err != nil {
		return nil, err
	}
	d := sealed
	if o.Signer != nil {
		d = withoutSeal(sealed)
	}
	w := &writer{files: map[string][]byte{}}
	fonts, err := pdf.Fonts(d)
	if err != nil {
		return nil, err
	}
	if err := w.document(inv, d, fonts, data); err != nil {
		return nil, err
	}
	w.files["OFD.xml"] = ofdXML(inv, o.Signer != nil)
	if o.Signer != nil {
		if err := w.sign(inv, sealed, o.Signer); err != nil {
			return nil, err
		}
	}
	return w.zip(inv.IssuedAt)
}

// withoutSeal is d without the seal's objects.
func withoutSeal(d *pdf.Document) *pdf.Document {
	out := &pdf.Document{Pages: make([]pdf.Page, len(d.Pages))}
	for i, p := range d.Pages {
		q := pdf.Page{Width: p.Width, Height: p.Height, Lines: p.Lines, Rects: p.Rects}
		for _, t := range p.Texts {
			if t.Color != pdf.SealColor {
				q.Texts = append(q.Texts, t)
			}
		}
		for _, e := range p.Ellipses {
			if e.Color != pdf.SealColor {
				q.Ellipses = append(q.Ellipses, e)
			}
		}
		out.Pages[i] = q
	}
	return out
}

// writer collects the package's files by path.
type writer struct {
	files   map[string][]byte
	ids     ids
	pageIDs []int
}

func (w *writer) document(inv *invoice.Invoice, d *pdf.Document, fonts []pdf.Font, data []byte) error {
	fontID := map[int]int{}
	var res strings.Builder
	res.WriteString(xmlHead + `<ofd:Res xmlns:ofd="` + ns + `" BaseLoc="Res"><ofd:Fonts>`)
	for _, f := range fonts {
		id := w.ids.id()
		fontID[f.Face] = id
		file := fmt.Sprintf("font_%d.ttf", id)
		fmt.Fprintf(&res, `<ofd:Font ID="%d" FontName="%s" FamilyName="%s"><ofd:FontFile>%s</ofd:FontFile></ofd:Font>`,
			id, f.Name, f.Family, file)
		w.files["Doc_0/Res/"+file] = f.Data
	}
	res.WriteString(`</ofd:Fonts></ofd:Res>`)
	w.files["Doc_0/PublicRes.xml"] = []byte(res.String())
	// The form's stroke: one drawing parameter its paths share.
	formParam := w.ids.id()
	w.files["Doc_0/DocumentRes.xml"] = []byte(fmt.Sprintf(xmlHead+`<ofd:Res xmlns:ofd="%s" BaseLoc="Res"><ofd:DrawParams>`+
		`<ofd:DrawParam ID="%d" LineWidth="0.3"><ofd:StrokeColor Value="%s"/></ofd:DrawParam></ofd:DrawParams></ofd:Res>`,
		ns, formParam, rgb(pdf.FormColor)))

	// Templates: the form's objects of each page, one file for each distinct form.
	type tpl struct {
		id  int
		loc string
	}
	var tpls []tpl
	byContent := map[string]int{}
	var pages []*layer
	var pageTpl []int
	for i := range d.Pages {
		p := &d.Pages[i]
		form, content := &layer{}, &layer{}
		formIDs := ids{next: 1 << 20} // provisional: a template's IDs are fixed below
		var formLines, dataLines []pdf.Line
		for _, l := range p.Lines {
			if l.Color == pdf.FormColor {
				formLines = append(formLines, l)
			} else {
				dataLines = append(dataLines, l)
			}
		}
		form.lines(&formIDs, p.Width, p.Height, formLines, formParam)
		for k := range p.Texts {
			if p.Texts[k].Color == pdf.FormColor {
				form.text(&formIDs, &p.Texts[k], fontID[p.Texts[k].Face])
			}
		}
		key := fmt.Sprintf("%gx%g:%s", p.Width, p.Height, form.b.String())
		tid, ok := byContent[key]
		if !ok {
			tid = w.ids.id()
			// Renumber the template's objects in the document's sequence.
			form, formIDs = &layer{}, ids{next: w.ids.next}
			form.lines(&formIDs, p.Width, p.Height, formLines, formParam)
			for k := range p.Texts {
				if p.Texts[k].Color == pdf.FormColor {
					form.text(&formIDs, &p.Texts[k], fontID[p.Texts[k].Face])
				}
			}
			w.ids.next = formIDs.next
			layerID := w.ids.id()
			loc := fmt.Sprintf("Tpls/Tpl_%d/Content.xml", len(tpls))
			w.files["Doc_0/"+loc] = pageXML(p.Width, p.Height, 0, layerID, form)
			tpls = append(tpls, tpl{tid, loc})
			byContent[key] = tid
		}
		pageTpl = append(pageTpl, tid)
		pid := w.ids.id()
		w.pageIDs = append(w.pageIDs, pid)
		content.rects(&w.ids, p.Width, p.Height, p.Rects)
		content.lines(&w.ids, p.Width, p.Height, dataLines, 0)
		for _, e := range p.Ellipses {
			content.ellipse(&w.ids, p.Width, p.Height, e)
		}
		for k := range p.Texts {
			if p.Texts[k].Color != pdf.FormColor {
				content.text(&w.ids, &p.Texts[k], fontID[p.Texts[k].Face])
			}
		}
		pages = append(pages, content)
	}
	for i, content := range pages {
		p := &d.Pages[i]
		layerID := w.ids.id()
		w.files[fmt.Sprintf("Doc_0/Pages/Page_%d/Content.xml", i)] = pageXML(p.Width, p.Height, pageTpl[i], layerID, content)
	}

	tags, err := w.tags(inv, d, pages)
	if err != nil {
		return err
	}
	w.files["Doc_0/Tags/CustomTags.xml"] = []byte(xmlHead + `<ofd:CustomTags xmlns:ofd="` + ns + `"><ofd:CustomTag NameSpace="` + TagNS + `" TypeID="invoice"><ofd:FileLoc>CustomTag.xml</ofd:FileLoc></ofd:CustomTag></ofd:CustomTags>`)
	w.files["Doc_0/Tags/CustomTag.xml"] = tags

	attID := w.ids.id()
	w.files["Doc_0/Attachs/"+XMLName] = data
	w.files["Doc_0/Attachs/Attachments.xml"] = []byte(fmt.Sprintf(xmlHead+`<ofd:Attachments xmlns:ofd="%s">`+
		`<ofd:Attachment ID="%d" Name="%s" Format="xml" CreationDate="%s" Size="%s" Visible="true" Usage="invoice data">`+
		`<ofd:FileLoc>%s</ofd:FileLoc></ofd:Attachment></ofd:Attachments>`,
		ns, attID, "发票数据", inv.IssuedAt.UTC().Format("2006-01-02T15:04:05"), num(float64(len(data))/1024), XMLName))

	first := d.Pages[0]
	var doc strings.Builder
	fmt.Fprintf(&doc, xmlHead+`<ofd:Document xmlns:ofd="%s"><ofd:CommonData><ofd:MaxUnitID>%d</ofd:MaxUnitID>`+
		`<ofd:PageArea><ofd:PhysicalBox>0 0 %s %s</ofd:PhysicalBox></ofd:PageArea>`+
		`<ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>`,
		ns, w.ids.next+64, num(first.Width), num(first.Height))
	for _, t := range tpls {
		fmt.Fprintf(&doc, `<ofd:TemplatePage ID="%d" BaseLoc="%s"/>`, t.id, t.loc)
	}
	doc.WriteString(`</ofd:CommonData><ofd:Pages>`)
	for i, id := range w.pageIDs {
		fmt.Fprintf(&doc, `<ofd:Page ID="%d" BaseLoc="Pages/Page_%d/Content.xml"/>`, id, i)
	}
	doc.WriteString(`</ofd:Pages><ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments><ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags></ofd:Document>`)
	w.files["Doc_0/Document.xml"] = []byte(doc.String())
	return nil
}

// CustomData names in OFD.xml's DocInfo, as the tax authority's invoice OFDs use them.
// A 数电 invoice has no 发票代码 and no 校验码: they are left out.
func customData(inv *invoice.Invoice) [][2]string {
	t := inv.Totals()
	if inv.Kind.Digital() {
		return [][2]string{
			{"发票号码", inv.Number},
			{"开票日期", inv.IssuedAt.In(invoice.Beijing).Format("2006年01月02日")},
			{"购买方纳税人识别号", inv.Buyer.TaxID},
			{"销售方纳税人识别号", inv.Seller.TaxID},
			{"合计金额", t.Amount.String()},
			{"合计税额", t.Tax.String()},
			{"价税合计", t.Total.String()},
		}
	}
	return [][2]string{
		{"发票代码", inv.Code},
		{"发票号码", inv.Number},
		{"开票日期", inv.IssuedAt.In(invoice.Beijing).Format("2006年01月02日")},
		{"校验码", inv.CheckCode},
		{"购买方纳税人识别号", inv.Buyer.TaxID},
		{"销售方纳税人识别号", inv.Seller.TaxID},
		{"合计金额", t.Amount.String()},
		{"合计税额", t.Tax.String()},
		{"价税合计", t.Total.String()},
	}
}

func ofdXML(inv *invoice.Invoice, signed bool) []byte {
	sum := sha256.Sum256([]byte(inv.Code + ":" + inv.Number))
	title := fmt.Sprintf("%s %s %s", inv.Kind.Title(), inv.Code, inv.Number)
	if inv.Code == "" {
		title = inv.Kind.Title() + " " + inv.Number
	}
	var b strings.Builder
	fmt.Fprintf(&b, xmlHead+`<ofd:OFD xmlns:ofd="%s" Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocInfo>`+
		`<ofd:DocID>%s</ofd:DocID><ofd:Title>%s</ofd:Title><ofd:Author>%s</ofd:Author>`+
		`<ofd:CreationDate>%s</ofd:CreationDate><ofd:Creator>Kaipiao</ofd:Creator><ofd:CreatorVersion>1.0</ofd:CreatorVersion><ofd:CustomDatas>`,
		ns, hex.EncodeToString(sum[:16]), escape(title),
		escape(inv.Seller.Name), inv.IssuedAt.In(invoice.Beijing).Format("2006-01-02"))
	for _, c := range customData(inv) {
		fmt.Fprintf(&b, `<ofd:CustomData Name="%s">%s</ofd:CustomData>`, c[0], escape(c[1]))
	}
	b.WriteString(`</ofd:CustomDatas></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>`)
	if signed {
		b.WriteString(`<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>`)
	}
	b.WriteString(`</ofd:DocBody></ofd:OFD>`)
	return []byte(b.String())
}

// zip packs the files, in name order, dated at the invoice's issue time.
func (w *writer) zip(at time.Time) ([]byte, error) {
	names := make([]string, 0, len(w.files))
	for n := range w.files {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, n := range names {
		method := zip.Deflate
		if n == SignedValuePath {
			method = zip.Store // the seal's PNG inside is compressed already
		}
		f, err := z.CreateHeader(&zip.FileHeader{Name: n, Method: method, Modified: at.UTC()})
		if err != nil {
			return nil, err
		}
		if _, err := f.Write(w.files[n]); err != nil {
			return nil, err
		}
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
