package pdf

import (
	"github.com/kaipiao/kaipiao/invoice"
)

// Geometry of the face (docs/rules.md "Printed layout"), in mm on the 240 × 140 page. The frame runs from
// frameL to frameR; the sections follow each other down the page.
const (
	pageW, pageH = 240.0, 140.0

	frameL, frameR = 10.0, 230.0
	frameTop       = 33.0
	partyH         = 22.0                // buyer and seller blocks
	headH          = 5.0                 // the item table's column heads
	itemsH         = 38.0                // the 8 item rows
	sumH           = 5.0                 // 合计
	totalH         = 6.0                 // 价税合计
	labelW         = 7.0                 // the vertical 购买方 / 销售方 column
	midX           = 139.0               // where 密码区 and 备注 start
	midLabelW      = 6.0                 // their vertical label column
	partyLabelX    = frameL + labelW + 1 // 名称:, 纳税人识别号: ...
	partyValueX    = 40.0
	labelSize      = 9.0 // pt, the form's labels
	dataSize       = 9.0 // pt, the data's largest size
	rowSize        = 8.0 // pt, item rows' largest size

	// The seal (40 × 30 mm) sits at the foot of the seller's area, to the right of the
	// remark, over the frame's corner and below the item table (docs/rules.md "Printed
	// layout"): it covers no table cell and none of the remark.
	sealRX, sealRY = 20.0, 15.0
	faceSealX      = frameR - sealRX + 7 // 217: 197–237 across
	faceSealY      = pageH - sealRY - 0.5
	remarkX        = midX + midLabelW + 1.5
	remarkW        = faceSealX - sealRX - 1 - remarkX
)

// column is one column of an item table: its left edge and its head; the next
// column's edge, or frameR, closes it.
type column struct {
	x     float64
	head  string
	align align // of the data
}

// The face's item table.
var columns = []column{
	{frameL, "货物或应税劳务、服务名称", left},
	{66, "规格型号", left},
	{92, "单位", center},
	{104, "数量", right},
	{128, "单价", right},
	{154, "金额", right},
	{184, "税率", center},
	{198, "税额", right},
}

func colWidth(i int) float64 { return widthOf(columns, i) }

func widthOf(cols []column, i int) float64 {
	if i+1 < len(cols) {
		return cols[i+1].x - cols[i].x
	}
	return frameR - cols[i].x
}

// facePage lays out the invoice face: every area of docs/rules.md "Printed layout".
func facePage(fs *fontSet, inv *invoice.Invoice, o *Options) (Page, error) {
	p := Page{Width: pageW, Height: pageH}
	b := &builder{fs: fs, page: &p}
	if o.Seal {
		// First, so that the text drawn after stays legible on top of it.
		seal(b, faceSealX, faceSealY, inv.Seller)
	}
	header(b, inv, o)

	buyerTop := frameTop
	tableTop := buyerTop + partyH
	itemsTop := tableTop + headH
	sumTop := itemsTop + itemsH
	totalTop := sumTop + sumH
	sellerTop := totalTop + totalH
	frameBottom := sellerTop + partyH

	// The frame and its rules.
	b.rect(frameL, frameTop, frameR-frameL, frameBottom-frameTop, 0.5, formColor)
	for _, y := range []float64{tableTop, sumTop + sumH, totalTop + totalH} {
		b.line(frameL, y, frameR, y, 0.3, formColor)
	}
	b.line(frameL+labelW, buyerTop, frameL+labelW, tableTop, 0.3, formColor)
	b.line(frameL+labelW, sellerTop, frameL+labelW, frameBottom, 0.3, formColor)
	for _, y := range []float64{buyerTop, sellerTop} {
		b.line(midX, y, midX, y+partyH, 0.3, formColor)
		b.line(midX+midLabelW, y, midX+midLabelW, y+partyH, 0.3, formColor)
	}
	for i := 1; i < len(columns); i++ {
		b.line(columns[i].x, tableTop, columns[i].x, sumTop+sumH, 0.3, formColor)
	}
	b.line(colWidth(0)+frameL, totalTop, colWidth(0)+frameL, totalTop+totalH, 0.3, formColor)

	party(b, buyerTop, "购买方", inv.Buyer)
	party(b, sellerTop, "销售方", inv.Seller)

	// 密码区: 4 lines of 27 on a fixed grid, as the device's monospaced print does.
	b.vertical(midX, midLabelW, buyerTop+2, buyerTop+partyH-2, "密码区", labelSize, formColor)
	cx := midX + midLabelW + 2.5
	pitch := (frameR - cx - 2.5) / 27
	for i, l := range cipherLines(inv.Cipher) {
		y := buyerTop + 5.5 + float64(i)*4.6
		for j, r := range l {
			b.text(cx+pitch*(float64(j)+0.5), y, 10, string(r), dataColor, center)
		}
	}

	items(b, inv, tableTop, itemsTop)

	t := inv.Totals()
	sumBase := sumTop + 3.7
	b.text(frameL+colWidth(0)/2, sumBase, labelSize, "合　　　计", formColor, center)
	b.text(columns[6].x-1, sumBase, dataSize, yuan(t.Amount), dataColor, right)
	if allUntaxed(inv) {
		b.text(frameR-1, sumBase, dataSize, "***", dataColor, right)
	} else {
		b.text(frameR-1, sumBase, dataSize, yuan(t.Tax), dataColor, right)
	}

	// The amounts in words and figures shrink rather than run into （小写） or off the
	// frame, whatever the device's per-invoice limit lets through.
	totalBase := totalTop + 4.2
	b.text(frameL+colWidth(0)/2, totalBase, labelSize, "价税合计（大写）", formColor, center)
	b.text(columns[1].x+3, totalBase, dataSize+1, "ⓧ", dataColor, left)
	b.box(columns[1].x+8, totalTop, columns[5].x+3-columns[1].x-8, totalH, invoice.Words(t.Total), dataSize+1, dataColor, left)
	b.text(columns[5].x+4, totalBase, labelSize, "（小写）", formColor, left)
	b.box(columns[5].x+20, totalTop, frameR-columns[5].x-21, totalH, yuan(t.Total), dataSize+1, dataColor, left)

	b.vertical(midX, midLabelW, sellerTop+4, sellerTop+partyH-4, "备注", labelSize, formColor)
	// The remark keeps to the left of the seal, which never covers it (docs/rules.md
	// "Printed layout"): the red invoice's reference to the blue one must stay legible.
	b.topBox(remarkX, sellerTop+1, remarkW, partyH-2, remarkText(inv.Remark), dataSize, dataColor, left)

	footer := frameBottom + 4.2
	b.text(frameL+4, footer, labelSize, "收款人：", formColor, left)
	b.text(frameL+4+b.fs.width("收款人：", labelSize), footer, dataSize, inv.Payee, dataColor, left)
	b.text(70, footer, labelSize, "复核：", formColor, left)
	b.text(70+b.fs.width("复核：", labelSize), footer, dataSize, inv.Reviewer, dataColor, left)
	b.text(118, footer, labelSize, "开票人：", formColor, left)
	b.text(118+b.fs.width("开票人：", labelSize), footer, dataSize, inv.Issuer, dataColor, left)
	b.text(168, footer, labelSize, "销售方：（章）", formColor, left)
	return p, b.err
}

// header draws what is above the frame: QR code, 机器编号, title, 销项负数, and the
// invoice's identity at the top right.
func header(b *builder, inv *invoice.Invoice, o *Options) {
	qrCode(b, invoice.QRPayload(inv), frameL+1, 4, 21)
	b.text(frameL+1, 30, labelSize, "机器编号：", formColor, left)
	b.text(frameL+1+b.fs.width("机器编号：", labelSize), 30, dataSize, inv.Machine, dataColor, left)

	region := o.Region
	if region == "" {
		region = RegionOf(inv.Code)
	}
	t := title(region, inv.Kind)
	b.text(pageW/2, 15, 18, t, formColor, center)
	w := b.fs.width(t, 18)
	b.line(pageW/2-w/2-2, 18, pageW/2+w/2+2, 18, 0.3, formColor)
	b.line(pageW/2-w/2-2, 19, pageW/2+w/2+2, 19, 0.3, formColor)
	if inv.IsRed() {
		b.text(pageW/2, 26, 12, "销项负数", dataColor, center)
	}

	labels := []struct{ label, value string }{
		{"发票代码：", inv.Code},
		{"发票号码：", inv.Number},
		{"开票日期：", dateText(inv)},
		{"校 验 码：", checkCodeText(inv.CheckCode)},
	}
	for i, l := range labels {
		y := 11 + float64(i)*5
		b.text(170, y, labelSize, l.label, formColor, left)
		b.text(170+b.fs.width("发票代码：", labelSize), y, dataSize, l.value, dataColor, left)
	}
}

// party draws a buyer or seller block: its vertical title and the four fields.
func party(b *builder, top float64, name string, p invoice.Party) {
	b.vertical(frameL, labelW, top+2, top+partyH-2, name, labelSize, formColor)
	fields := []struct{ label, value string }{
		{"名　　　　称：", p.Name},
		{"纳税人识别号：", p.TaxID},
		{"地 址、电 话：", p.AddressPhone},
		{"开户行及账号：", p.BankAccount},
	}
	rowH := partyH / 4
	for i, f := range fields {
		y := top + float64(i)*rowH
		b.box(partyLabelX, y, partyValueX-partyLabelX, rowH, f.label, labelSize, formColor, left)
		b.box(partyValueX, y, midX-partyValueX-1, rowH, f.value, dataSize, dataColor, left)
	}
}

// items draws the column heads and the item rows: the lines themselves, or on an
// invoice with a goods list the one row (详见销货清单) and that list's totals.
func items(b *builder, inv *invoice.Invoice, tableTop, itemsTop float64) {
	for i, c := range columns {
		b.box(c.x, tableTop, colWidth(i), headH, c.head, labelSize, formColor, center)
	}
	rowH := itemsH / invoice.FaceLines
	if inv.NeedsGoodsList() {
		t := inv.Totals()
		sum := invoice.Line{Amount: t.Amount, Tax: t.Tax}
		row(b, columns, itemsTop, rowH, []string{"(详见销货清单)", "", "", "", "", sum.Amount.String(), rateSummary(inv), taxSummary(inv, sum)})
		return
	}
	for i, l := range inv.Lines {
		row(b, columns, itemsTop+float64(i)*rowH, rowH, lineCells(l))
	}
}

// lineCells is what the columns print for one line.
func lineCells(l invoice.Line) []string {
	return []string{
		l.PrintedName(), l.Spec, l.Unit,
		decimalText(l.Quantity), decimalText(l.UnitPrice),
		l.Amount.String(), l.RateText(), l.TaxText(),
	}
}

// row draws one row of cells, each wrapped and shrunk to stay inside its cell: text
// left-aligned, numbers right-aligned, rates centred, as on the real invoice.
func row(b *builder, cols []column, top, h float64, cells []string) {
	for i, s := range cells {
		b.box(cols[i].x+1.2, top, widthOf(cols, i)-2.4, h, s, rowSize, dataColor, cols[i].align)
	}
}

// rateSummary is the rate printed on the (详见销货清单) row: the lines' common rate, or
// nothing when they differ.
func rateSummary(inv *invoice.Invoice) string {
	r := inv.Lines[0].RateText()
	for _, l := range inv.Lines[1:] {
		if l.RateText() != r {
			return ""
		}
	}
	return r
}

func taxSummary(inv *invoice.Invoice, sum invoice.Line) string {
	if allUntaxed(inv) {
		return "***"
	}
	return sum.Tax.String()
}

// allUntaxed reports whether every line is exempt or not taxable, so that the totals
// print *** as the lines do.
func allUntaxed(inv *invoice.Invoice) bool {
	for _, l := range inv.Lines {
		if l.TaxText() != "***" {
			return false
		}
	}
	return len(inv.Lines) > 0
}
