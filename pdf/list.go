package pdf

import (
	"fmt"
	"strconv"

	"github.com/kaipiao/kaipiao/invoice"
)

// Geometry of a 销货清单 page: 26 rows (invoice.GoodsListRows), then 小计, and on the
// last page 总计.
const (
	listTableTop = 27.5
	listHeadH    = 4.5
	listRowH     = 3.4
	// The seal sits below the table and its remark, beside 销售方（章）, covering no cell
	// (docs/rules.md "Printed layout"): the page is taller than the face to hold it.
	listSealX = 112.0 // the seal's centre
	listSealY = listTableTop + listHeadH + (invoice.GoodsListRows+2)*listRowH + 4 + 1.5 + sealRY
	listPageH = listSealY + sealRY + 3
)

var listColumns = []column{
	{frameL, "序号", center},
	{18, "货物（劳务）名称", left},
	{78, "规格型号", left},
	{106, "单位", center},
	{116, "数量", right},
	{136, "单价", right},
	{158, "金额", right},
	{184, "税率", center},
	{196, "税额", right},
}

// listPages lays out the goods list of an invoice with more lines than its face holds.
// Each page repeats the invoice's identity, so a loose page still says where it belongs.
func listPages(fs *fontSet, inv *invoice.Invoice, o *Options) ([]Page, error) {
	n := inv.GoodsListPages()
	pages := make([]Page, 0, n)
	for k := range n {
		p := Page{Width: pageW, Height: listPageH}
		b := &builder{fs: fs, page: &p}
		from := k * invoice.GoodsListRows
		to := min(from+invoice.GoodsListRows, len(inv.Lines))
		if o.Seal {
			seal(b, listSealX, listSealY, inv.Seller)
		}
		listPage(b, inv, k, n, inv.Lines[from:to], from)
		if b.err != nil {
			return nil, b.err
		}
		pages = append(pages, p)
	}
	return pages, nil
}

func listPage(b *builder, inv *invoice.Invoice, k, n int, lines []invoice.Line, first int) {
	b.text(pageW/2, 11, 14, "销售货物或者提供应税劳务、服务清单", formColor, center)
	kv := func(x, y float64, label, value string) {
		b.text(x, y, labelSize, label, formColor, left)
		b.text(x+b.fs.width(label, labelSize), y, dataSize, value, dataColor, left)
	}
	kv(frameL, 17, "购买方名称：", inv.Buyer.Name)
	kv(frameL, 21.5, "销售方名称：", inv.Seller.Name)
	kv(frameL, 26, fmt.Sprintf("所属增值税%s代码：", inv.Kind.Title()), inv.Code)
	kv(120, 26, "号码：", inv.Number)
	b.text(frameR, 26, labelSize, fmt.Sprintf("共%d页　第%d页", n, k+1), formColor, right)

	top := listTableTop
	bodyTop := top + listHeadH
	rows := invoice.GoodsListRows + 1 // + 小计
	last := k == n-1
	if last {
		rows++ // + 总计
	}
	bottom := bodyTop + float64(rows)*listRowH
	remarkBottom := bottom + 4
	b.rect(frameL, top, frameR-frameL, remarkBottom-top, 0.5, formColor)
	b.line(frameL, bodyTop, frameR, bodyTop, 0.3, formColor)
	for r := invoice.GoodsListRows; r < rows; r++ {
		y := bodyTop + float64(r)*listRowH
		b.line(frameL, y, frameR, y, 0.3, formColor)
	}
	b.line(frameL, bottom, frameR, bottom, 0.3, formColor)
	for i := 1; i < len(listColumns); i++ {
		b.line(listColumns[i].x, top, listColumns[i].x, bottom, 0.3, formColor)
	}
	for i, c := range listColumns {
		b.box(c.x, top, widthOf(listColumns, i), listHeadH, c.head, labelSize, formColor, center)
	}

	var page invoice.Totals
	for i, l := range lines {
		page.Amount += l.Amount
		page.Tax += l.Tax
		cells := append([]string{strconv.Itoa(first + i + 1)}, lineCells(l)...)
		row(b, listColumns, bodyTop+float64(i)*listRowH, listRowH, cells)
	}
	sums := func(r int, label string, t invoice.Totals) {
		y := bodyTop + float64(r)*listRowH
		b.box(listColumns[1].x, y, widthOf(listColumns, 1), listRowH, label, labelSize-1, formColor, center)
		row(b, listColumns[6:], y, listRowH, []string{yuan(t.Amount), "", yuan(t.Tax)})
	}
	sums(invoice.GoodsListRows, "小　计", page)
	if last {
		sums(invoice.GoodsListRows+1, "总　计", inv.Totals())
	}
	b.box(frameL, bottom, widthOf(listColumns, 0), 4, "备注", labelSize-1, formColor, center)
	b.line(listColumns[1].x, bottom, listColumns[1].x, remarkBottom, 0.3, formColor)
	b.box(listColumns[1].x+1, bottom, frameR-listColumns[1].x-2, 4, inv.Remark, dataSize-1, dataColor, left)

	b.text(listSealX-sealRX-2-b.fs.width("销售方（章）：", labelSize), listSealY, labelSize, "销售方（章）：", formColor, left)
	b.text(150, listSealY, labelSize, "填开日期：", formColor, left)
	b.text(150+b.fs.width("填开日期：", labelSize), listSealY, dataSize, dateText(inv), dataColor, left)
}
