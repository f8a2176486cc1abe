package pdf

import (
	"fmt"
	"strconv"

	"github.com/kaipiao/kaipiao/invoice"
)

// The goods list (销售货物或者提供应税劳务、服务清单) of an invoice with more lines than its
// face holds, for both channels: pages of 26 rows (invoice.GoodsListRows), 小计 on each
// and 总计 on the last, then the 备注; each page repeats the invoice's identity and
// parties, so a loose page still says where it belongs. One renderer draws both; a
// listForm holds what differs between the tax-control list (taxList) and the 数电 list
// (digitalList): page and frame, columns, the identity line, the foot, the seal.

// The table's geometry, the same on both lists.
const (
	listTableTop = 27.5
	listHeadH    = 4.5
	listRowH     = 3.4
	// listTableH runs from the table's top to the 备注's bottom on the last page.
	listTableH = listHeadH + (invoice.GoodsListRows+2)*listRowH + 4
)

// The tax-control list's page: the seal sits below the table and its remark, beside
// 销售方（章）, covering no cell (docs/rules.md "Printed layout"), so the page is taller
// than the face to hold it.
const (
	listSealX = 112.0 // the seal's centre
	listSealY = listTableTop + listTableH + 1.5 + sealRY
	listPageH = listSealY + sealRY + 3
)

// The 数电 list's page, as wide as its face. No seal: the digital invoice has none.
const dListPageH = listTableTop + listTableH + 12

// A listForm is what a channel's goods list has of its own.
type listForm struct {
	pageW, pageH   float64
	frameL, frameR float64
	cols           []column
	headSize       float64 // the column heads' largest size
	inset          float64 // a cell's text keeps this far from its column rules
	// identity draws the line naming the invoice, at the height of 共n页 第k页.
	identity func(b *builder, inv *invoice.Invoice)
	// foot draws what comes below the 备注, which ends at remarkBottom.
	foot func(b *builder, inv *invoice.Invoice, remarkBottom float64)
	// seal draws the seller's seal, nil for none; it is drawn first, under the page.
	seal func(b *builder, inv *invoice.Invoice)
}

// taxList is the tax-control invoice's list; it carries the seal when o asks for it.
func taxList(o *Options) *listForm {
	f := &listForm{pageW: pageW, pageH: listPageH, frameL: frameL, frameR: frameR,
		cols: []column{
			{frameL, "序号", center},
			{18, "货物（劳务）名称", left},
			{78, "规格型号", left},
			{106, "单位", center},
			{116, "数量", right},
			{136, "单价", right},
			{158, "金额", right},
			{184, "税率", center},
			{196, "税额", right},
		},
		headSize: labelSize, inset: 1.2,
		identity: func(b *builder, inv *invoice.Invoice) {
			listKV(b, frameL, 26, fmt.Sprintf("所属增值税%s代码：", inv.Kind.Title()), inv.Code)
			listKV(b, 120, 26, "号码：", inv.Number)
		},
		foot: func(b *builder, inv *invoice.Invoice, _ float64) {
			b.text(listSealX-sealRX-2-b.fs.width("销售方（章）：", labelSize), listSealY, labelSize, "销售方（章）：", formColor, left)
			b.text(150, listSealY, labelSize, "填开日期：", formColor, left)
			b.text(150+b.fs.width("填开日期：", labelSize), listSealY, dataSize, dateText(inv), dataColor, left)
		},
	}
	if o.Seal {
		f.seal = func(b *builder, inv *invoice.Invoice) { seal(b, listSealX, listSealY, inv.Seller) }
	}
	return f
}

// digitalList is the 数电 invoice's list.
var digitalList = &listForm{pageW: dPageW, pageH: dListPageH, frameL: dFrameL, frameR: dFrameR,
	cols: []column{
		{dFrameL, "序号", center},
		{15, "项目名称", left},
		{73, "规格型号", left},
		{97, "单位", center},
		{106, "数量", right},
		{123, "单价", right},
		{143, "金额", right},
		{165, "税率/征收率", center},
		{181, "税额", right},
	},
	headSize: labelSize - 1, inset: 1,
	identity: func(b *builder, inv *invoice.Invoice) {
		listKV(b, dFrameL, 26, fmt.Sprintf("所属%s号码：", inv.Kind.Title()), inv.Number)
	},
	foot: func(b *builder, inv *invoice.Invoice, remarkBottom float64) {
		foot := remarkBottom + 6
		listKV(b, dFrameL+4, foot, "开票人：", inv.Issuer)
		listKV(b, 140, foot, "开票日期：", dateText(inv))
	},
}

// listKV draws a label and, after it, its value.
func listKV(b *builder, x, y float64, label, value string) {
	b.text(x, y, labelSize, label, formColor, left)
	b.text(x+b.fs.width(label, labelSize), y, dataSize, value, dataColor, left)
}

// width is column i's width; the frame's right edge closes the last.
func (f *listForm) width(i int) float64 {
	if i+1 < len(f.cols) {
		return f.cols[i+1].x - f.cols[i].x
	}
	return f.frameR - f.cols[i].x
}

// cell draws s in column c of the row at top.
func (f *listForm) cell(b *builder, c int, top float64, s string) {
	b.box(f.cols[c].x+f.inset, top, f.width(c)-2*f.inset, listRowH, s, rowSize, dataColor, f.cols[c].align)
}

// listPages lays out the goods list of an invoice with more lines than its face holds.
func listPages(fs *fontSet, inv *invoice.Invoice, f *listForm) ([]Page, error) {
	n := inv.GoodsListPages()
	pages := make([]Page, 0, n)
	for k := range n {
		p := Page{Width: f.pageW, Height: f.pageH}
		b := &builder{fs: fs, page: &p}
		from := k * invoice.GoodsListRows
		to := min(from+invoice.GoodsListRows, len(inv.Lines))
		if f.seal != nil {
			f.seal(b, inv)
		}
		f.page(b, inv, k, n, inv.Lines[from:to], from)
		if b.err != nil {
			return nil, b.err
		}
		pages = append(pages, p)
	}
	return pages, nil
}

// page draws page k of n, holding lines (the first is line first+1).
func (f *listForm) page(b *builder, inv *invoice.Invoice, k, n int, lines []invoice.Line, first int) {
	b.text(f.pageW/2, 11, 14, "销售货物或者提供应税劳务、服务清单", formColor, center)
	listKV(b, f.frameL, 17, "购买方名称：", inv.Buyer.Name)
	listKV(b, f.frameL, 21.5, "销售方名称：", inv.Seller.Name)
	f.identity(b, inv)
	b.text(f.frameR, 26, labelSize, fmt.Sprintf("共%d页　第%d页", n, k+1), formColor, right)

	top := listTableTop
	bodyTop := top + listHeadH
	rows := invoice.GoodsListRows + 1 // + 小计
	last := k == n-1
	if last {
		rows++ // + 总计
	}
	bottom := bodyTop + float64(rows)*listRowH
	remarkBottom := bottom + 4
	b.rect(f.frameL, top, f.frameR-f.frameL, remarkBottom-top, 0.5, formColor)
	b.line(f.frameL, bodyTop, f.frameR, bodyTop, 0.3, formColor)
	for r := invoice.GoodsListRows; r < rows; r++ {
		y := bodyTop + float64(r)*listRowH
		b.line(f.frameL, y, f.frameR, y, 0.3, formColor)
	}
	b.line(f.frameL, bottom, f.frameR, bottom, 0.3, formColor)
	for i := 1; i < len(f.cols); i++ {
		b.line(f.cols[i].x, top, f.cols[i].x, bottom, 0.3, formColor)
	}
	for i, c := range f.cols {
		b.box(c.x, top, f.width(i), listHeadH, c.head, f.headSize, formColor, center)
	}

	var page invoice.Totals
	for i, l := range lines {
		page.Amount += l.Amount
		page.Tax += l.Tax
		y := bodyTop + float64(i)*listRowH
		for c, s := range append([]string{strconv.Itoa(first + i + 1)}, lineCells(l)...) {
			f.cell(b, c, y, s)
		}
	}
	sums := func(r int, label string, t invoice.Totals) {
		y := bodyTop + float64(r)*listRowH
		b.box(f.cols[1].x, y, f.width(1), listRowH, label, labelSize-1, formColor, center)
		f.cell(b, 6, y, yuan(t.Amount))
		f.cell(b, 8, y, yuan(t.Tax))
	}
	sums(invoice.GoodsListRows, "小　计", page)
	if last {
		sums(invoice.GoodsListRows+1, "总　计", inv.Totals())
	}
	b.box(f.frameL, bottom, f.width(0), 4, "备注", labelSize-1, formColor, center)
	b.line(f.cols[1].x, bottom, f.cols[1].x, remarkBottom, 0.3, formColor)
	b.box(f.cols[1].x+1, bottom, f.frameR-f.cols[1].x-2, 4, inv.Remark, dataSize-1, dataColor, left)

	f.foot(b, inv, remarkBottom)
}
