package pdf

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
)

// digitalFields is what pdftotext must find on a 数电 invoice (docs/einvoice.md "Layout").
func digitalFields(inv *invoice.Invoice) []string {
	t := inv.Totals()
	f := []string{
		inv.Kind.Title(), "全国统一发票监制", "国家税务总局", "福建省税务局",
		"发票号码", inv.Number, "开票日期", dateText(inv),
		"购买方信息", "销售方信息", "名称", "统一社会信用代码/纳税人识别号",
		inv.Buyer.Name, inv.Buyer.TaxID, inv.Seller.Name, inv.Seller.TaxID,
		"项目名称", "规格型号", "单位", "数量", "单价", "金额", "税率/征收率", "税额", "合计",
		"价税合计（大写）", digitalWords(t.Total), "（小写）", yuan(t.Total), yuan(t.Amount), yuan(t.Tax),
		"备注", "开票人", inv.Issuer,
	}
	f = append(f, strings.Split(digitalRemark(inv.Remark), "\n")...)
	if inv.NeedsGoodsList() {
		f = append(f, "(详见销货清单)", "销售货物或者提供应税劳务、服务清单", "小计", "总计")
	}
	for _, l := range inv.Lines {
		f = append(f, l.PrintedName(), l.Spec, l.Unit, decimalText(l.Quantity), decimalText(l.UnitPrice),
			l.Amount.String(), l.RateText(), l.TaxText())
	}
	return f
}

// TestDigitalPDFTextAndQR: pdftotext finds every field of each 数电 sample and none of
// the device form's (密码区, 发票代码, 校验码, 机器编号, the seal); zbarimg reads the QR code
// as 01,<31|32>,,<number>,<价税合计>,<date>,,<4 hex>, — the same number and amount as
// the text.
func TestDigitalPDFTextAndQR(t *testing.T) {
	for _, s := range mustDigitalSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			_, path := signed(t, s)
			text := squash(mustTool(t, "pdftotext", "-raw", path, "-"))
			for _, f := range digitalFields(s.inv) {
				if f != "" && !strings.Contains(text, squash(f)) {
					t.Errorf("pdftotext does not find %q", f)
				}
			}
			for _, f := range []string{"密码区", "发票代码", "校验码", "机器编号", "发票专用章", "销售方：（章）", "收款人", "复核"} {
				if strings.Contains(text, f) {
					t.Errorf("the 数电 layout shows %q", f)
				}
			}
			png := filepath.Join(filepath.Dir(path), "page")
			mustTool(t, "pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", "-singlefile", path, png)
			out, errOut, err := runTool(t, "zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png+".png")
			if err != nil {
				t.Fatalf("zbarimg: %v\n%s%s", err, out, errOut)
			}
			got := strings.TrimSpace(out)
			if want := invoice.QRPayload(s.inv); got != want {
				t.Fatalf("QR code reads %q, want %q", got, want)
			}
			f := strings.Split(got, ",")
			qrType := "32"
			if s.inv.Kind == invoice.KindDigitalSpecial {
				qrType = "31"
			}
			total := s.inv.Totals().Total
			if len(f) != 9 || f[0] != "01" || f[1] != qrType || f[2] != "" || f[3] != s.inv.Number || len(f[3]) != 20 ||
				f[4] != total.String() || f[5] != "20261126" || f[6] != "" || len(f[7]) != 4 || f[8] != "" {
				t.Fatalf("QR fields %q", f)
			}
			if !strings.Contains(text, f[3]) || !strings.Contains(text, "¥"+f[4]) {
				t.Errorf("the QR's number %s and amount %s are not the printed ones", f[3], f[4])
			}
		})
	}
}

func TestDigitalRedPrintsNegativeAmountsAndTheSlip(t *testing.T) {
	red := mustDigitalSamples(t)[1]
	_, path := signed(t, red)
	text := squash(mustTool(t, "pdftotext", "-raw", path, "-"))
	for _, want := range []string{"（负数）", "¥-11401.70", "¥-10090.00", "¥-1311.70", "-10000.00",
		"被红冲蓝字数电票号码：" + pdftest.DigitalNumber(43), "红字发票信息确认单编号：35020026112600000007"} {
		if !strings.Contains(text, squash(want)) {
			t.Errorf("the red 数电 invoice lacks %q", want)
		}
	}
}

func TestDigitalSignedPDFVerifies(t *testing.T) {
	s := mustDigitalSamples(t)[0]
	_, path := signed(t, s)
	out, _ := tool(t, "pdfsig", path)
	if !strings.Contains(out, "Signature is Valid") || !strings.Contains(out, "Total document signed") {
		t.Fatalf("pdfsig:\n%s", out)
	}
}

func TestDigitalGoodsList(t *testing.T) {
	long := mustDigitalSamples(t)[2]
	_, path := signed(t, long)
	pages := strings.Split(mustTool(t, "pdftotext", "-raw", path, "-"), "\f")
	if n := len(pages) - 1; n != 3 {
		t.Fatalf("got %d pages, want a face and 2 goods-list pages", n)
	}
	if strings.Contains(squash(pages[0]), squash(long.inv.Lines[0].PrintedName())) {
		t.Error("the face lists lines although they go to the goods list")
	}
	for k, p := range pages[1:3] {
		p = squash(p)
		for _, f := range []string{long.inv.Number, long.inv.Buyer.Name, long.inv.Seller.Name, "共2页", fmt.Sprintf("第%d页", k+1), "小计"} {
			if !strings.Contains(p, squash(f)) {
				t.Errorf("goods-list page %d lacks %q", k+1, f)
			}
		}
	}
	total := long.inv.Totals()
	if p := squash(pages[2]); !strings.Contains(p, "总计"+yuan(total.Amount)+yuan(total.Tax)) {
		t.Errorf("grand total: want %s %s", yuan(total.Amount), yuan(total.Tax))
	}
}

// TestDigitalLongestFieldsStayInside: every field at its longest stays inside its
// place on the 数电 face and goods list, and no two texts overlap.
func TestDigitalLongestFieldsStayInside(t *testing.T) {
	for _, n := range []int{invoice.FaceLines, 30} {
		inv := pdftest.Digitalize(longest(t, n), pdftest.DigitalNumber(99))
		inv.Remark = "被红冲蓝字数电票号码：" + pdftest.DigitalNumber(98) + " 红字发票信息确认单编号：35020026112600000007\n" + strings.Repeat("鑫", 90)
		d, err := Layout(inv, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range d.Pages {
			if p.Width != dPageW {
				t.Errorf("page %d is %g mm wide", i+1, p.Width)
			}
			for _, b := range overflowsIn(p, dFrameL, dFrameTop, dFrameR) {
				t.Errorf("%d lines, page %d: %s", n, i+1, b)
			}
		}
	}
}

func TestDigitalLayoutHasNoSeal(t *testing.T) {
	for _, s := range mustDigitalSamples(t) {
		d, err := Layout(s.inv, Options{Seal: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range d.Pages {
			for _, e := range p.Ellipses {
				if e.Color == sealColor {
					t.Fatalf("%s: the 数电 layout draws a seal", s.name)
				}
			}
		}
	}
}

// TestDigitalPDFIsWellFormed: qpdf finds no error in the 数电 samples' files, and the
// serif is embedded as a subset with a ToUnicode map, as on the device layout.
func TestDigitalPDFIsWellFormed(t *testing.T) {
	for _, s := range mustDigitalSamples(t) {
		_, path := signed(t, s)
		if out := mustTool(t, "qpdf", "--check", path); !strings.Contains(out, "No syntax or stream encoding errors") {
			t.Errorf("%s: qpdf --check:\n%s", s.name, out)
		}
		rows := pdffontsRow.FindAllStringSubmatch(mustTool(t, "pdffonts", path), -1)
		if len(rows) == 0 {
			t.Errorf("%s: no embedded font", s.name)
		}
		for _, r := range rows {
			if r[3] != "yes" || r[4] != "yes" || r[5] != "yes" {
				t.Errorf("%s: font %s: emb %s sub %s uni %s", s.name, r[2], r[3], r[4], r[5])
			}
		}
	}
}
