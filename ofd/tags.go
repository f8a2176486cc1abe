package ofd

import (
	"fmt"
	"strings"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf"
)

// The custom tags (GB/T 33190 clause 22): Tags/CustomTag.xml names, for each field a
// program reads from an invoice, the text objects that show it, so that an archive or
// an accountant's tool reads the number, date, parties and totals off the layout
// without OCR, and can check them against the attached data file.

// Tag names, the elements of Tags/CustomTag.xml.
const (
	TagInvoiceCode  = "InvoiceCode"
	TagInvoiceNo    = "InvoiceNo"
	TagIssueDate    = "IssueDate"
	TagBuyerName    = "BuyerName"
	TagBuyerTaxID   = "BuyerTaxID"
	TagSellerName   = "SellerName"
	TagSellerTaxID  = "SellerTaxID"
	TagTotalAmount  = "TotalAmount"  // 合计金额
	TagTotalTax     = "TotalTax"     // 合计税额
	TagTotalWithTax = "TotalWithTax" // 价税合计（小写）
	TagItem         = "Item"         // one per line, inside Items: its printed name
	TagRemark       = "Remark"
)

// tags finds the objects showing each field by their text: the field's printed form,
// made of consecutive runs (a wrapped or font-switching value spans several), searched
// among the data texts of the pages in order; an object found for one field is not
// taken for another, so the buyer (drawn first) and the seller stay apart even with
// equal names.
func (w *writer) tags(inv *invoice.Invoice, d *pdf.Document, pages []*layer) ([]byte, error) {
	used := map[int]bool{}
	find := func(value string, facePageOnly bool) (page int, objs []int) {
		want := strings.ReplaceAll(value, "\n", "")
		if want == "" {
			return 0, nil
		}
		for p, l := range pages {
			if facePageOnly && p > 0 {
				break
			}
			refs := l.refs
			for i := range refs {
				if used[refs[i].id] || refs[i].t.Angle != 0 {
					continue
				}
				var got string
				var ids []int
				for j := i; j < len(refs) && strings.HasPrefix(want, got+refs[j].t.S); j++ {
					if used[refs[j].id] || refs[j].t.Angle != 0 {
						break
					}
					got += refs[j].t.S
					ids = append(ids, refs[j].id)
					if got == want {
						for _, id := range ids {
							used[id] = true
						}
						return p, ids
					}
				}
			}
		}
		return 0, nil
	}
	t := inv.Totals()
	fields := []struct{ tag, value string }{
		{TagInvoiceCode, inv.Code},
		{TagInvoiceNo, inv.Number},
		{TagIssueDate, inv.IssuedAt.In(invoice.Beijing).Format("2006年01月02日")},
		{TagBuyerName, inv.Buyer.Name},
		{TagBuyerTaxID, inv.Buyer.TaxID},
		{TagSellerName, inv.Seller.Name},
		{TagSellerTaxID, inv.Seller.TaxID},
		{TagTotalAmount, "¥" + t.Amount.String()},
		{TagTotalTax, "¥" + t.Tax.String()},
		{TagTotalWithTax, "¥" + t.Total.String()},
	}
	var b strings.Builder
	b.WriteString(xmlHead + `<kp:Invoice xmlns:kp="` + TagNS + `" xmlns:ofd="` + ns + `">`)
	ref := func(tag string, page int, objs []int) {
		fmt.Fprintf(&b, `<kp:%s>`, tag)
		for _, id := range objs {
			fmt.Fprintf(&b, `<ofd:ObjectRef PageRef="%d">%d</ofd:ObjectRef>`, w.pageIDs[page], id)
		}
		fmt.Fprintf(&b, `</kp:%s>`, tag)
	}
	for _, f := range fields {
		if f.tag == TagInvoiceCode && inv.Code == "" {
			continue // a 数电 invoice has no code
		}
		page, objs := find(f.value, true)
		if objs == nil && f.value != "" && f.tag != TagTotalTax {
			// Every field but an all-exempt invoice's tax (printed ***) is on the face.
			return nil, fmt.Errorf("ofd: %s %q is not on the face", f.tag, f.value)
		}
		ref(f.tag, page, objs)
	}
	b.WriteString(`<kp:Items>`)
	for i, l := range inv.Lines {
		page, objs := find(l.PrintedName(), false)
		fmt.Fprintf(&b, `<kp:%s Index="%d">`, TagItem, i+1)
		for _, id := range objs {
			fmt.Fprintf(&b, `<ofd:ObjectRef PageRef="%d">%d</ofd:ObjectRef>`, w.pageIDs[page], id)
		}
		fmt.Fprintf(&b, `</kp:%s>`, TagItem)
	}
	b.WriteString(`</kp:Items>`)
	page, objs := find(inv.Remark, true)
	ref(TagRemark, page, objs)
	b.WriteString(`</kp:Invoice>`)
	return []byte(b.String()), nil
}
