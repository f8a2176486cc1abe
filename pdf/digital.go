package pdf

import (
	"image/color"
	"math"
	"strings"

	"github.com/kaipiao/kaipiao/einvoicexml"
	"github.com/kaipiao/kaipiao/invoice"
)

// The 数电 layout (docs/einvoice.md "Layout"): the face of 电子发票（普通发票） and
// 电子发票（增值税专用发票）, 210 × 140 mm as the tax authority's own files. The title sits
// under the tax bureau's oval 监制 mark, the QR code top left, 发票号码 and 开票日期 top
// right; buyer and seller side by side, each with 名称 and 统一社会信用代码/纳税人识别号;
// the item table without column rules, 合计, 价税合计, 备注; 开票人 below the frame. It has
// no 密码区, 发票代码, 校验码 or 发票专用章: the number is unique nationally and the
// enterprise's signature stands for the seal. Past 8 lines the face says
// (详见销货清单) and the lines go to goods-list pages, as on the device layout.
const (
	dPageW, dPageH = 210.0, 140.0
	dFrameL        = 8.0
	dFrameR        = 202.0
	dFrameTop      = 31.0
	dPartyH        = 20.0
	dHeadH         = 5.5
	dRowH          = 4.5 // 8 rows
	dSumH          = 5.5
	dTotalH        = 7.0
	dRemarkH       = 19.0
	dLabelW        = 7.0 // the vertical 购买方信息 / 销售方信息 / 备注 column
	dMidX          = (dFrameL + dFrameR) / 2

	// The 监制 mark: an oval with 全国统一发票监制 along its top and the bureau inside.
	dMarkX, dMarkY   = dPageW / 2, 13.0
	dMarkRX, dMarkRY = 17.0, 10.0
)

// markColor is the 监制 mark's red, as printed on the real form: a colour of its own so
// that the OFD puts it on the page with the data, never mistaking it for the seller's seal.
var markColor = color.RGBA{0xc8, 0x2c, 0x1c, 0xff}

// The item table of the 数电 face.
var dColumns = []column{
	{dFrameL, "项目名称", left},
	{60, "规格型号", left},
	{86, "单　位", center},
	{98, "数　量", right},
	{118, "单　价", right},
	{141, "金　额", right},
	{166, "税率/征收率", center},
	{182, "税　额", right},
}

func dColWidth(i int) float64 {
	if i+1 < len(dColumns) {
		return dColumns[i+1].x - dColumns[i].x
	}
	return dFrameR - dColumns[i].x
}

// digitalLayout is the face and, past 8 lines, the goods list. The seal option does
// not apply: a 数电 invoice carries no 发票专用章.
func digitalLayout(fs *fontSet, inv *invoice.Invoice) (*Document, error) {
	face, err := digitalFace(fs, inv)
	if err != nil {
		return nil, err
	}
	d := &Document{Pages: []Page{face}}
	if inv.NeedsGoodsList() {
		list, err := listPages(fs, inv, digitalList)
		if err != nil {
			return nil, err
		}
		d.Pages = append(d.Pages, list...)
	}
	return d, nil
}

// digitalFace lays out the face of a 数电 invoice.
func digitalFace(fs *fontSet, inv *invoice.Invoice) (Page, error) {
	p := Page{Width: dPageW, Height: dPageH}
	b := &builder{fs: fs, page: &p}

	qrCode(b, invoice.QRPayload(inv), dFrameL, 5, 22)
	supervisionMark(b, inv)
	t := inv.Kind.Title()
	b.text(dPageW/2, 26.5, 16, t, formColor, center)
	w := b.fs.width(t, 16)
	b.line(dPageW/2-w/2-1, 28.2, dPageW/2+w/2+1, 28.2, 0.25, formColor)
	b.line(dPageW/2-w/2-1, 29, dPageW/2+w/2+1, 29, 0.25, formColor)
	for i, l := range []struct{ label, value string }{
		{"发票号码：", inv.Number},
		{"开票日期：", dateText(inv)},
	} {
		y := 14 + float64(i)*6
		b.text(146, y, labelSize, l.label, formColor, left)
		b.text(146+b.fs.width("开票日期：", labelSize), y, dataSize, l.value, dataColor, left)
	}

	partyTop := dFrameTop
	tableTop := partyTop + dPartyH
	itemsTop := tableTop + dHeadH
	sumTop := itemsTop + invoice.FaceLines*dRowH
	totalTop := sumTop + dSumH
	remarkTop := totalTop + dTotalH
	frameBottom := remarkTop + dRemarkH

	b.rect(dFrameL, dFrameTop, dFrameR-dFrameL, frameBottom-dFrameTop, 0.5, formColor)
	for _, y := range []float64{tableTop, totalTop, remarkTop} {
		b.line(dFrameL, y, dFrameR, y, 0.3, formColor)
	}
	b.line(dMidX, partyTop, dMidX, tableTop, 0.3, formColor)
	for _, x := range []float64{dFrameL + dLabelW, dMidX + dLabelW} {
		b.line(x, partyTop, x, tableTop, 0.3, formColor)
	}
	b.line(dFrameL+dLabelW, remarkTop, dFrameL+dLabelW, frameBottom, 0.3, formColor)
	b.line(dColumns[1].x, totalTop, dColumns[1].x, remarkTop, 0.3, formColor)

	digitalParty(b, dFrameL, partyTop, "购买方信息", inv.Buyer)
	digitalParty(b, dMidX, partyTop, "销售方信息", inv.Seller)

	for i, c := range dColumns {
		b.box(c.x, tableTop, dColWidth(i), dHeadH, c.head, labelSize, formColor, center)
	}
	if inv.NeedsGoodsList() {
		tot := inv.Totals()
		sum := invoice.Line{Amount: tot.Amount, Tax: tot.Tax}
		digitalRow(b, itemsTop, []string{"(详见销货清单)", "", "", "", "", sum.Amount.String(), rateSummary(inv), taxSummary(inv, sum)})
	} else {
		for i, l := range inv.Lines {
			digitalRow(b, itemsTop+float64(i)*dRowH, lineCells(l))
		}
	}

	tot := inv.Totals()
	sumBase := sumTop + 3.9
	b.text(dFrameL+dColWidth(0)/2, sumBase, labelSize, "合　　计", formColor, center)
	b.text(dColumns[6].x-1.2, sumBase, dataSize, yuan(tot.Amount), dataColor, right)
	if allUntaxed(inv) {
		b.text(dFrameR-1.2, sumBase, dataSize, "***", dataColor, right)
	} else {
		b.text(dFrameR-1.2, sumBase, dataSize, yuan(tot.Tax), dataColor, right)
	}

	totalBase := totalTop + 4.6
	b.text(dFrameL+dColWidth(0)/2, totalBase, labelSize, "价税合计（大写）", formColor, center)
	b.text(dColumns[1].x+3, totalBase, dataSize+1, "ⓧ", dataColor, left)
	b.box(dColumns[1].x+8, totalTop, dColumns[5].x+6-dColumns[1].x-8, dTotalH, digitalWords(tot.Total), dataSize+1, dataColor, left)
	b.text(dColumns[5].x+8, totalBase, labelSize, "（小写）", formColor, left)
	b.box(dColumns[5].x+8+b.fs.width("（小写）", labelSize), totalTop, dFrameR-dColumns[5].x-10-b.fs.width("（小写）", labelSize), dTotalH, yuan(tot.Total), dataSize+1, dataColor, left)

	b.vertical(dFrameL, dLabelW, remarkTop+3, frameBottom-3, "备注", labelSize, formColor)
	b.topBox(dFrameL+dLabelW+2, remarkTop+1.5, dFrameR-dFrameL-dLabelW-4, dRemarkH-3, digitalRemark(inv.Remark), dataSize, dataColor, left)

	footer := frameBottom + 5
	b.text(dFrameL+12, footer, labelSize, "开票人：", formColor, left)
	b.text(dFrameL+12+b.fs.width("开票人：", labelSize), footer, dataSize, inv.Issuer, dataColor, left)
	return p, b.err
}

// digitalRow draws one item row, each cell wrapped and shrunk to stay in its column.
func digitalRow(b *builder, top float64, cells []string) {
	for i, s := range cells {
		b.box(dColumns[i].x+1.2, top, dColWidth(i)-2.4, dRowH, s, rowSize, dataColor, dColumns[i].align)
	}
}

// digitalParty draws one half of the party row: its vertical label and two fields.
func digitalParty(b *builder, x, top float64, label string, p invoice.Party) {
	b.vertical(x, dLabelW, top+1.5, top+dPartyH-1.5, label, labelSize-1, formColor)
	lx := x + dLabelW + 1.5
	right := x + (dFrameR-dFrameL)/2 - 1.5
	fields := []struct{ label, value string }{
		{"名称：", p.Name},
		{"统一社会信用代码/纳税人识别号：", p.TaxID},
	}
	rowH := (dPartyH - 2) / 2
	for i, f := range fields {
		y := top + 1 + float64(i)*rowH
		lw := b.fs.width(f.label, labelSize-0.5)
		b.box(lx, y, lw, rowH, f.label, labelSize-0.5, formColor, left)
		b.box(lx+lw, y, right-lx-lw, rowH, f.value, dataSize, dataColor, left)
	}
}

// supervisionMark draws the tax bureau's oval 监制 mark centred above the title:
// 全国统一发票监制 along the top arc, 国家税务总局 and the province's bureau inside. The
// bureau is the one the number's region digits name (einvoicexml.TaxBureau).
func supervisionMark(b *builder, inv *invoice.Invoice) {
	b.page.Ellipses = append(b.page.Ellipses, Ellipse{CX: dMarkX, CY: dMarkY, RX: dMarkRX, RY: dMarkRY, Width: 0.45, Color: markColor})
	const arc = "全国统一发票监制"
	rs := []rune(arc)
	arx, ary := dMarkRX-2.6, dMarkRY-2.6
	at := arcPositions(arx, ary, 160, 20, len(rs))
	for i, r := range rs {
		t := at[i] * math.Pi / 180
		px, py := dMarkX+arx*math.Cos(t), dMarkY-ary*math.Sin(t)
		nx, ny := math.Cos(t)/arx, math.Sin(t)/ary
		b.rotated(px, py, 6.5, string(r), markColor, math.Atan2(ny, nx)*180/math.Pi-90)
	}
	_, name := einvoicexml.TaxBureau(inv)
	bureau := strings.TrimPrefix(name, "国家税务总局")
	b.text(dMarkX, dMarkY+2, 7, "国家税务总局", markColor, center)
	if bureau != "" {
		b.text(dMarkX, dMarkY+5.3, 6.5, bureau, markColor, center)
	}
}

// digitalWords is the amount in words as the 数电 form prints it: a red invoice's
// starts with the full-width （负数）.
func digitalWords(m invoice.Money) string {
	w := invoice.Words(m)
	if rest, ok := strings.CutPrefix(w, "(负数)"); ok {
		return "（负数）" + rest
	}
	return w
}

// digitalRemark breaks a red invoice's remark before 红字发票信息确认单编号, so that both
// 20-digit numbers read whole on their own lines. The space stays, at the end of the
// first line: the printed runs still join to the remark as stored.
func digitalRemark(s string) string {
	const slip = " 红字发票信息确认单编号："
	if strings.HasPrefix(s, "被红冲蓝字数电票号码：") {
		return strings.Replace(s, slip, " \n"+strings.TrimPrefix(slip, " "), 1)
	}
	return s
}
