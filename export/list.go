package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
	"github.com/xuri/excelize/v2"
)

// The list's columns, as the clerk's accountant expects them.
var listHeader = []string{"发票代码", "发票号码", "开票日期", "订单号", "发票类型", "蓝/红", "购买方名称", "购买方纳税人识别号",
	"金额", "税额", "价税合计", "对应蓝字发票", "同步状态"}

// moneyColumns are the list columns holding amounts (0-based).
var moneyColumns = map[int]bool{8: true, 9: true, 10: true}

// RateTotal sums the lines of one rate: 税率 as printed (13%, 免税, 不征税), blue and red
// apart (red amounts are negative).
type RateTotal struct {
	Rate      string
	BlueCount int // blue invoices with at least one line at this rate
	Amount    invoice.Money
	Tax       invoice.Money
	RedCount  int
	RedAmount invoice.Money
	RedTax    invoice.Money
}

// ByRate adds up the records' lines by rate, highest rate first, 免税 and 不征税 last.
func ByRate(recs []*store.Record) []RateTotal {
	byRate := map[string]*RateTotal{}
	order := map[string]int{}
	for _, rec := range recs {
		seen := map[string]bool{}
		for _, l := range rec.Invoice.Lines {
			key := l.RateText()
			t := byRate[key]
			if t == nil {
				t = &RateTotal{Rate: key}
				byRate[key] = t
				order[key] = int(l.Rate)
				if l.ZeroRate == invoice.ZeroExempt || l.ZeroRate == invoice.ZeroNotTaxable {
					order[key] = -1 - l.ZeroRate.Code()
				}
			}
			if rec.Invoice.IsRed() {
				t.RedAmount += l.Amount
				t.RedTax += l.Tax
			} else {
				t.Amount += l.Amount
				t.Tax += l.Tax
			}
			if !seen[key] {
				seen[key] = true
				if rec.Invoice.IsRed() {
					t.RedCount++
				} else {
					t.BlueCount++
				}
			}
		}
	}
	out := make([]RateTotal, 0, len(byRate))
	for _, t := range byRate {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b RateTotal) int { return order[b.Rate] - order[a.Rate] })
	return out
}

var ratesHeader = []string{"税率", "蓝字发票张数", "蓝字金额", "蓝字税额", "红字发票张数", "红字金额", "红字税额", "合计金额", "合计税额"}

func rateRow(t RateTotal) []string {
	return []string{t.Rate, fmt.Sprint(t.BlueCount), t.Amount.String(), t.Tax.String(), fmt.Sprint(t.RedCount),
		t.RedAmount.String(), t.RedTax.String(), (t.Amount + t.RedAmount).String(), (t.Tax + t.RedTax).String()}
}

// rateMoney are the money columns of a rate row.
var rateMoney = map[int]bool{2: true, 3: true, 5: true, 6: true, 7: true, 8: true}

func listRow(rec *store.Record, loc *time.Location) []string {
	inv := rec.Invoice
	t := inv.Totals()
	colour, redOf := "蓝字", ""
	if inv.IsRed() {
		colour, redOf = "红字", inv.Red.Code+":"+inv.Red.Number
	}
	return []string{inv.Code, inv.Number, inv.IssuedAt.In(loc).Format("2006-01-02 15:04:05"), inv.OrderID, inv.Kind.Title(), colour,
		inv.Buyer.Name, inv.Buyer.TaxID, t.Amount.String(), t.Tax.String(), t.Total.String(), redOf, syncText(rec)}
}

func syncText(rec *store.Record) string {
	switch rec.Sync {
	case store.SyncAcked:
		return "已上传"
	case store.SyncDead:
		return "上传失败：" + rec.SyncError
	}
	return "待上传"
}

// WriteListCSV writes the invoice list as UTF-8 CSV with a byte-order mark (so that Excel
// in a Chinese locale opens it right), then a blank row and the totals by rate.
func WriteListCSV(w io.Writer, recs []*store.Record, loc *time.Location) error {
	if _, err := w.Write([]byte("\ufeff")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	rows := [][]string{listHeader}
	for _, rec := range recs {
		rows = append(rows, listRow(rec, loc))
	}
	rows = append(rows, nil, ratesHeader)
	for _, t := range ByRate(recs) {
		rows = append(rows, rateRow(t))
	}
	for _, row := range rows {
		for i := range row {
			row[i] = NeutralCell(row[i])
		}
	}
	return cw.WriteAll(rows)
}

// NeutralCell keeps a CSV cell from being read as a formula: a buyer named
// =HYPERLINK("http://…") would otherwise run in the spreadsheet of whoever opens the
// export. A cell starting with = + - @ or a tab or carriage return gets a leading
// apostrophe (OWASP's advice), except a plain number such as a red invoice's -100.00.
func NeutralCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) || plainNumber.MatchString(s) {
		return s
	}
	return "'" + s
}

var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// WriteListXLSX writes the invoice list to a workbook: sheet 发票清单 with one row per
// invoice, sheet 按税率汇总 with the totals by rate. Amount cells are numbers with two
// decimals.
func WriteListXLSX(w io.Writer, recs []*store.Record, loc *time.Location) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "发票清单"); err != nil {
		return err
	}
	rows := [][]string{listHeader}
	for _, rec := range recs {
		rows = append(rows, listRow(rec, loc))
	}
	if err := writeSheet(f, "发票清单", rows, moneyColumns); err != nil {
		return err
	}
	if _, err := f.NewSheet("按税率汇总"); err != nil {
		return err
	}
	rows = [][]string{ratesHeader}
	for _, t := range ByRate(recs) {
		rows = append(rows, rateRow(t))
	}
	if err := writeSheet(f, "按税率汇总", rows, rateMoney); err != nil {
		return err
	}
	return f.Write(w)
}

// writeSheet writes rows of text; the columns in numeric hold decimal text written as
// number cells (SetCellDefault takes the text as it is: no float64 on the way), shown
// with two decimals.
func writeSheet(f *excelize.File, sheet string, rows [][]string, numeric map[int]bool) error {
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return err
	}
	for r, row := range rows {
		for c, v := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				return err
			}
			if r > 0 && numeric[c] && v != "" {
				if err := f.SetCellDefault(sheet, cell, v); err != nil {
					return err
				}
				if err := f.SetCellStyle(sheet, cell, cell, money); err != nil {
					return err
				}
				continue
			}
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				return err
			}
		}
	}
	return nil
}
