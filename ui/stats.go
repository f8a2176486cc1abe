package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/export"
	"github.com/kaipiao/kaipiao/invoice"
)

// statsScreen is a month's invoices at a glance: counts and totals of blue and red
// invoices, by rate, as the store holds them; and, where the device has made the month's
// 抄报, the store's figures set against the device's.
type statsScreen struct {
	u       *UI
	content fyne.CanvasObject

	month    *entry
	summary  *widget.Label
	rates    []export.RateTotal
	table    *selectTable
	check    *widget.Button // 与税控设备核对; nil without a device
	compared *widget.Label
	stats    export.Stats // as last counted
}

var rateColumns = []struct {
	title string
	width float32
	cell  func(r export.RateTotal) string
}{
	{"税率", 90, func(r export.RateTotal) string { return r.Rate }},
	{"蓝字张数", 90, func(r export.RateTotal) string { return fmt.Sprint(r.BlueCount) }},
	{"蓝字金额", 140, func(r export.RateTotal) string { return yuan(r.Amount, false) }},
	{"蓝字税额", 130, func(r export.RateTotal) string { return yuan(r.Tax, false) }},
	{"红字张数", 90, func(r export.RateTotal) string { return fmt.Sprint(r.RedCount) }},
	{"红字金额", 140, func(r export.RateTotal) string { return yuan(r.RedAmount, false) }},
	{"红字税额", 130, func(r export.RateTotal) string { return yuan(r.RedTax, false) }},
}

func newStatsScreen(u *UI) *statsScreen {
	s := &statsScreen{u: u, month: newEntry(), summary: widget.NewLabel(""), compared: widget.NewLabel("")}
	s.month.SetText(u.ws.Now().In(invoice.Beijing).Format("200601"))
	s.month.SetPlaceHolder("202611")
	s.month.OnSubmitted = func(string) { s.refresh() }
	s.table = newTable(func() int { return len(s.rates) }, len(rateColumns),
		func(r, c int) string { return rateColumns[c].cell(s.rates[r]) },
		func(c int) (string, float32) { return rateColumns[c].title, rateColumns[c].width },
		func(int) {})
	s.compared.Wrapping = fyne.TextWrapWord
	bar := []fyne.CanvasObject{widget.NewLabel(lang.L("月份 (YYYYMM)")), sized(s.month, 110),
		widget.NewButton(lang.L("统计"), s.refresh)}
	if u.ws.Device != nil {
		s.check = widget.NewButton(lang.L("与税控设备核对"), s.compare)
		bar = append(bar, s.check)
	} else {
		s.compared.SetText(lang.L("未连接税控设备：只显示本机记录的数字。"))
	}
	s.content = container.NewBorder(
		container.NewVBox(container.NewHBox(bar...), s.summary),
		s.compared, nil, nil, s.table)
	return s
}

// refresh counts the chosen month's invoices in the store.
func (s *statsScreen) refresh() {
	st, _, err := s.u.ws.Service.MonthStats(strings.TrimSpace(s.month.Text))
	if err != nil {
		s.summary.SetText(clerkMessage(err))
		s.summary.Importance = widget.DangerImportance
		s.rates = nil
		s.table.Refresh()
		return
	}
	s.stats = st
	s.summary.Importance = widget.MediumImportance
	s.summary.SetText(lang.L("{{.Month}} 本机记录：蓝字 {{.Count}} 张，金额 ¥{{.Amount}}，税额 ¥{{.Tax}}，价税合计 ¥{{.Total}}；红字 {{.RedCount}} 张，金额 ¥{{.RedAmount}}，税额 ¥{{.RedTax}}，价税合计 ¥{{.RedTotal}}", map[string]any{
		"Month": st.Month, "Count": st.Count, "Amount": st.Amount, "Tax": st.Tax, "Total": st.Amount + st.Tax,
		"RedCount": st.RedCount, "RedAmount": st.RedAmount, "RedTax": st.RedTax, "RedTotal": st.RedAmount + st.RedTax}))
	s.rates = st.ByRate
	s.table.Refresh()
	if s.check != nil {
		s.compared.SetText("")
	}
}

// compare sets the month's store figures against the device's 抄报 of the same month.
// The device gives its figures only for the open period once it is reported (the 抄报
// itself changes the device, so it is made on the device panel, never here); a reported
// period's 抄报 asked again returns the same figures.
func (s *statsScreen) compare() {
	s.refresh()
	if s.summary.Importance == widget.DangerImportance {
		return
	}
	st := s.stats
	s.check.Disable()
	s.compared.SetText(lang.L("正在读取税控设备……"))
	dev := s.u.ws.Device
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		text := ""
		status, err := dev.Status(ctx)
		switch {
		case err != nil:
			text = say("stats.device_failed", invoice.Args{"err": clerkMessage(err)})
		case status.Period != st.Month:
			text = say("stats.other_period", invoice.Args{"period": status.Period, "month": st.Month})
		case !status.Reported:
			text = say("stats.not_reported", invoice.Args{"month": st.Month})
		default:
			rep, err := dev.Report(ctx, "ui-report-"+st.Month, st.Month)
			if err != nil {
				text = say("stats.report_failed", invoice.Args{"err": clerkMessage(err)})
				break
			}
			text = compareText(rep.Count, rep.RedCount, st.CompareSummary(rep))
		}
		onUI(func() {
			s.compared.SetText(text)
			s.check.Enable()
		})
	}()
}

// compareText says whether the store and the device agree, and where they do not.
func compareText(count, red int, ms []export.Mismatch) string {
	if len(ms) == 0 {
		return lang.L("与税控设备抄报一致：蓝字 {{.Count}} 张，红字 {{.RedCount}} 张。", map[string]any{"Count": count, "RedCount": red})
	}
	lines := []string{lang.L("与税控设备抄报不一致：")}
	for _, m := range ms { // export words the mismatch in Chinese (kaipiaoctl's JSON): again in the screens' language
		lines = append(lines, say("stats.mismatch", invoice.Args{"label": m.Label, "field": m.Field, "store": m.Store, "device": m.Device}))
	}
	return strings.Join(lines, "\n")
}
