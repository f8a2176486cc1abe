package pdf

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
)

// printedFields is every field a reader of the invoice checks, as pdftotext must find
// it in the file.
func printedFields(inv *invoice.Invoice) []string {
	t := inv.Totals()
	f := []string{
		title(RegionOf(inv.Code), inv.Kind),
		"机器编号", inv.Machine, "发票代码", inv.Code, "发票号码", inv.Number,
		"开票日期", dateText(inv), checkCodeText(inv.CheckCode),
		"购买方", "密码区", "销售方", "备注",
		inv.Buyer.Name, inv.Buyer.TaxID, inv.Buyer.AddressPhone, inv.Buyer.BankAccount,
		inv.Seller.Name, inv.Seller.TaxID, inv.Seller.AddressPhone, inv.Seller.BankAccount,
		"货物或应税劳务、服务名称", "规格型号", "单位", "数量", "单价", "金额", "税率", "税额",
		"价税合计（大写）", "ⓧ", invoice.Words(t.Total), "（小写）", yuan(t.Total),
		yuan(t.Amount), yuan(t.Tax),
		"收款人", inv.Payee, "复核", inv.Reviewer, "开票人", inv.Issuer, "销售方：（章）",
	}
	f = append(f, cipherLines(inv.Cipher)...)
	f = append(f, strings.Split(inv.Remark, "\n")...)
	if inv.IsRed() {
		f = append(f, "销项负数")
	}
	if inv.NeedsGoodsList() {
		f = append(f, "(详见销货清单)", "销售货物或者提供应税劳务、服务清单", "小计", "总计")
	}
	for _, l := range inv.Lines {
		f = append(f, l.PrintedName(), l.Spec, l.Unit, decimalText(l.Quantity), decimalText(l.UnitPrice),
			l.Amount.String(), l.RateText(), l.TaxText())
	}
	return f
}

// squash drops the white space pdftotext puts between characters laid out apart
// (spaced labels, the cipher's grid, wrapped cells), so fields compare as text.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\u3000' || r == '\f' {
			return -1
		}
		return r
	}, s)
}

func TestPdftotextFindsEveryPrintedField(t *testing.T) {
	for _, s := range mustSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			_, path := signed(t, s)
			text := squash(mustTool(t, "pdftotext", "-raw", path, "-"))
			for _, f := range printedFields(s.inv) {
				if f != "" && !strings.Contains(text, squash(f)) {
					t.Errorf("pdftotext does not find %q", f)
				}
			}
		})
	}
}

func TestRedInvoicePrintsNegativeAmountsAndRemark(t *testing.T) {
	red := mustSamples(t)[1].inv
	_, path := signed(t, mustSamples(t)[1])
	text := squash(mustTool(t, "pdftotext", "-raw", path, "-"))
	for _, want := range []string{"销项负数", "(负数)", "¥-", "对应正数发票代码:035020026011号码:00000043", "客户退货"} {
		if !strings.Contains(text, squash(want)) {
			t.Errorf("red invoice lacks %q", want)
		}
	}
	if !strings.HasPrefix(invoice.Words(red.Totals().Total), "(负数)") {
		t.Fatal("sample red invoice is not negative")
	}
}

func TestGoodsListPagesRepeatTheInvoiceAndAddUp(t *testing.T) {
	long := mustSamples(t)[2]
	_, path := signed(t, long)
	pages := strings.Split(mustTool(t, "pdftotext", "-raw", path, "-"), "\f")
	if got := len(strings.TrimSpace(strings.Join(pages, ""))) > 0; !got {
		t.Fatal("no text")
	}
	want := 1 + long.inv.GoodsListPages()
	if n := len(pages) - 1; n != want { // a form feed ends every page
		t.Fatalf("got %d pages, want %d", n, want)
	}
	if strings.Contains(squash(pages[0]), squash(long.inv.Lines[0].PrintedName())) {
		t.Error("the face lists lines although they go to the goods list")
	}
	for k, p := range pages[1:want] {
		p = squash(p)
		for _, f := range []string{long.inv.Code, long.inv.Number, long.inv.Buyer.Name, long.inv.Seller.Name, "共2页", "第" + string(rune('1'+k)) + "页", "小计"} {
			if !strings.Contains(p, squash(f)) {
				t.Errorf("goods-list page %d lacks %q", k+1, f)
			}
		}
	}
	// Page 1 holds rows 1–26, page 2 rows 27–30 and the grand total.
	var first invoice.Totals
	for _, l := range long.inv.Lines[:invoice.GoodsListRows] {
		first.Amount += l.Amount
		first.Tax += l.Tax
	}
	if p := squash(pages[1]); !strings.Contains(p, "小计"+yuan(first.Amount)+yuan(first.Tax)) {
		t.Errorf("page 1 subtotal: want %s %s", yuan(first.Amount), yuan(first.Tax))
	}
	total := long.inv.Totals()
	if p := squash(pages[2]); !strings.Contains(p, "总计"+yuan(total.Amount)+yuan(total.Tax)) {
		t.Errorf("grand total: want %s %s", yuan(total.Amount), yuan(total.Tax))
	}
}

func TestQRCodeDecodesToThePayload(t *testing.T) {
	for _, s := range mustSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			_, path := signed(t, s)
			png := filepath.Join(filepath.Dir(path), "page")
			mustTool(t, "pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", "-singlefile", path, png)
			// zbarimg's standard error carries D-Bus noise on machines without it.
			out, errOut, err := runTool(t, "zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png+".png")
			if err != nil {
				t.Fatalf("zbarimg: %v\n%s%s", err, out, errOut)
			}
			if got, want := strings.TrimSpace(out), invoice.QRPayload(s.inv); got != want {
				t.Fatalf("QR code reads %q, want %q", got, want)
			}
		})
	}
}

func TestQpdfCheckPasses(t *testing.T) {
	for _, s := range mustSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			_, path := signed(t, s)
			out := mustTool(t, "qpdf", "--check", path)
			if !strings.Contains(out, "No syntax or stream encoding errors") {
				t.Fatalf("qpdf --check:\n%s", out)
			}
		})
	}
}

var pdffontsRow = regexp.MustCompile(`(?m)^([A-Z]{6})\+(\S+)\s+CID TrueType\s+Identity-H\s+(yes|no)\s+(yes|no)\s+(yes|no)`)

func TestFontIsEmbeddedAsSubset(t *testing.T) {
	for _, s := range mustSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			_, path := signed(t, s)
			out := mustTool(t, "pdffonts", path)
			rows := pdffontsRow.FindAllStringSubmatch(out, -1)
			if len(rows) == 0 {
				t.Fatalf("pdffonts lists no embedded CID TrueType font:\n%s", out)
			}
			for _, r := range rows {
				if r[2] != "NotoSerifSC-Regular" || r[3] != "yes" || r[4] != "yes" || r[5] != "yes" {
					t.Errorf("font %s+%s: emb %s sub %s uni %s, want the serif embedded as a subset with a ToUnicode map", r[1], r[2], r[3], r[4], r[5])
				}
			}
		})
	}
}

func TestPdfsigVerifiesTheSignatureAndDetectsAnyChange(t *testing.T) {
	for _, s := range mustSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			data, path := signed(t, s)
			out, _ := tool(t, "pdfsig", path)
			for _, want := range []string{"Signature is Valid", "adbe.pkcs7.detached", "Total document signed", s.inv.Seller.Name} {
				if !strings.Contains(out, want) {
					t.Fatalf("pdfsig does not say %q:\n%s", want, out)
				}
			}
			// One byte changed: in the page content, in the appended update, in the
			// signature dictionary, and in the signature value at the very end of
			// /Contents (where padding would be, were there any). The certificates
			// inside /Contents are not covered by the signature, in any PDF; a change
			// there shows in certificate validation instead.
			contents := bytes.Index(data, []byte("/Contents <")) + len("/Contents <")
			end := contents + bytes.IndexByte(data[contents:], '>')
			for _, at := range []int{len(data) / 3, len(data) - 40, contents - 20, end - 1} {
				bad := append([]byte(nil), data...)
				switch {
				case at < contents || at >= end:
					bad[at] ^= 0x01
				case bad[at] == '0': // a hex digit stays a hex digit
					bad[at] = '1'
				default:
					bad[at] = '0'
				}
				p := filepath.Join(t.TempDir(), "changed.pdf")
				if err := os.WriteFile(p, bad, 0o644); err != nil {
					t.Fatal(err)
				}
				out, _ := tool(t, "pdfsig", p)
				if strings.Contains(out, "Signature is Valid") {
					t.Errorf("byte %d changed, pdfsig still says valid:\n%s", at, out)
				}
			}
		})
	}
}
