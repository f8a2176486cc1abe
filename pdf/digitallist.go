package pdf

import (
	"fmt"
	"strconv"

	"github.com/kaipiao/kaipiao/invoice"
)

// The goods list of a 数电 invoice with more lines than its face holds: pages as wide
// as the face, 26 rows each, 小计 on each and 总计 on the last, the invoice's number and
// parties repeated so a loose page says where it belongs. No seal: the digital
// invoice has none.
const (
	dListTop   = 27.5
	dListHeadH = 4.5
	dListRowH  = 3.4
	dListPageH = dListTop + dListHeadH + (invoice.GoodsListRows+2)*dListRowH + 4 + 12
)

var dListColumns = []column{
	{dFrameL, "序号", center},
	{15, "项目名称", left},
	{73, "规格型号", left},
	{97, "单位", center},
	{106, "数量", right},
	{123, "单价", right},
	{143, "金额", right},
	{165, "税率/征收率", center},
	{181, "税额", right},
}

// dListWidth is the width of the goods list's column i; dFrameR closes the last.
func dListWidth(i int) float64 {
	if i+1 < len(dListColumns) {
		return dListColumns[i+1].x - dListColumns[i].x
	}
	return dFrameR - dListColumns[i].x
}

// digitalListPages lays out the goods list of a 数电 invoice with more lines than its face holds.
func digitalListPages(fs *fontSet, inv *invoice.Invoice) ([]Page, error) {
	n := inv.GoodsListPages()
	pages := make([]Page, 0, n)
	for k := range n {
		p := Page{Width: dPageW, Height: dListPageH}
		b := &builder{fs: fs, page: &p}
		from := k * invoice.GoodsListRows
		to := min(from+invoice.GoodsListRows, len(inv.Lines))
		digitalListPage(b, inv, k, n, inv.Lines[from:to], from)
		if b.err != nil {
			return nil, b.err
		}
		pages = append(pages, p)
	}
	return pages, nil
}

// digitalListPage draws page k of n, holding lines (the first is line first+1).
func digitalListPage(b *builder, inv *invoice.Invoice, k, n int, lines []invoice.Line, first int) {
	b.text(dPageW/2, 11, 14, "销售货物或者提供应税劳务、服务清单", formColor, center)
	kv := func(x, y float64, label, value string) {
		b.text(x, y, labelSize, label, formColor, left)
		b.text(x+b.fs.width(label, labelSize), y, dataSize, value, dataColor, left)
	}
	kv(dFrameL, 17, "购买方名称：", inv.Buyer.Name)
	kv(dFrameL, 21.5, "销售方名称：", inv.Seller.Name)
	kv(dFrameL, 26, fmt.Sprintf("所属%s号码：", inv.Kind.Title()), inv.Number)
	b.text(dFrameR, 26, labelSize, fmt.Sprintf("共%d页　第%d页", n, k+1), formColor, right)

	top := dListTop
	bodyTop := top + dListHeadH
	rows := invoice.GoodsListRows + 1 // + 小计
	last := k == n-1
	if last {
		rows++ // + 总计
	}
	bottom := bodyTop + float64(rows)*dListRowH
	remarkBottom := bottom + 4
	b.rect(dFrameL, top, dFrameR-dFrameL, remarkBottom-top, 0.5, formColor)
	b.line(dFrameL, bodyTop, dFrameR, bodyTop, 0.3, formColor)
	for r := invoice.GoodsListRows; r < rows; r++ {
		y := bodyTop + float64(r)*dListRowH
		b.line(dFrameL, y, dFrameR, y, 0.3, formColor)
	}
	b.line(dFrameL, bottom, dFrameR, bottom, 0.3, formColor)
	for i := 1; i < len(dListColumns); i++ {
		b.line(dListColumns[i].x, top, dListColumns[i].x, bottom, 0.3, formColor)
	}
	for i, c := range dListColumns {
		b.box(c.x, top, dListWidth(i), dListHeadH, c.head, labelSize-1, formColor, center)
	}
	cols := dListColumns
	var page invoice.Totals
	for i, l := range lines {
		page.Amount += l.Amount
		page.Tax += l.Tax
		cells := append([]string{strconv.Itoa(first + i + 1)}, lineCells(l)...)
		for c, s := range cells {
			b.box(cols[c].x+1, bodyTop+float64(i)*dListRowH, dListWidth(c)-2, dListRowH, s, rowSize, dataColor, cols[c].align)
		}
	}
	sums := func(r int, label string, t invoice.Totals) {
		y := bodyTop + float64(r)*dListRowH
		b.box(cols[1].x, y, dListWidth(1), dListRowH, label, labelSize-1, formColor, center)
		b.box(cols[6].x+1, y, dListWidth(6)-2, dListRowH, yuan(t.Amount), rowSize, dataColor, right)
		b.box(cols[8].x+1, y, dListWidth(8)-2, dListRowH, yuan(t.Tax), rowSize, dataColor, right)
	}
	sums(invoice.GoodsListRows, "小　计", page)
	if last {
		sums(invoice.GoodsListRows+1, "总　计", inv.Totals())
	}
	b.box(dFrameL, bottom, dListWidth(0), 4, "备注", labelSize-1, formColor, center)
	b.line(cols[1].x, bottom, cols[1].x, remarkBottom, 0.3, formColor)
	b.box(cols[1].x+1, bottom, dFrameR-cols[1].x-2, 4, inv.Remark, dataSize-1, dataColor, left)

	foot := remarkBottom + 6
	kv(dFrameL+4, foot, "开票人：", inv.Issuer)
	kv(140, foot, "开票日期：", dateText(inv))
}
