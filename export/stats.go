package export

import (
	"fmt"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
)

// Stats are a month's invoices as the store holds them: counts and totals of blue and
// red invoices (red amounts negative), and the same by rate.
type Stats struct {
	Month     string        `json:"month"` // YYYYMM
	Count     int           `json:"count"`
	Amount    invoice.Money `json:"-"`
	Tax       invoice.Money `json:"-"`
	RedCount  int           `json:"red_count"`
	RedAmount invoice.Money `json:"-"`
	RedTax    invoice.Money `json:"-"`
	ByRate    []RateTotal   `json:"-"`
}

// MonthRange is the month's first instant and the next month's, in invoice.Beijing time.
func MonthRange(month string) (from, to time.Time, err error) {
	from, err = time.ParseInLocation("200601", month, invoice.Beijing)
	if err != nil || len(month) != 6 {
		return time.Time{}, time.Time{}, invoice.NewProblem(nil, "stats.month", invoice.Args{"value": month}, nil)
	}
	return from, from.AddDate(0, 1, 0), nil
}

// MonthStats adds up the month's invoices in the store.
func MonthStats(db *store.DB, month string) (Stats, []*store.Record, error) {
	from, to, err := MonthRange(month)
	if err != nil {
		return Stats{}, nil, err
	}
	recs, err := Records(db, from, to)
	if err != nil {
		return Stats{}, nil, err
	}
	st := Stats{Month: month, ByRate: ByRate(recs)}
	for _, rec := range recs {
		t := rec.Invoice.Totals()
		if rec.Invoice.IsRed() {
			st.RedCount++
			st.RedAmount += t.Amount
			st.RedTax += t.Tax
			continue
		}
		st.Count++
		st.Amount += t.Amount
		st.Tax += t.Tax
	}
	return st, recs, nil
}

// Mismatch is one figure where the store and the device's 抄报 differ.
type Mismatch struct {
	Field   string `json:"field"`
	Label   string `json:"label"`
	Store   string `json:"store"`
	Device  string `json:"device"`
	Message string `json:"message"`
}

// Summary is a period's totals as the device's summary (抄报) states them: what Compare
// sets the store's statistics against. The window's device panel fills it from its own
// view of the device, which does not import the device package.
type Summary struct {
	Period    string
	Count     int
	RedCount  int
	Amount    invoice.Money // positive invoices, before tax
	Tax       invoice.Money
	RedAmount invoice.Money // red invoices (negative)
	RedTax    invoice.Money
}

// Compare sets the month's statistics against the device's report of the same period
// (CompareSummary).
func (s Stats) Compare(rep device.Report) []Mismatch {
	return s.CompareSummary(SummaryOf(rep))
}

// SummaryOf is the device's report as a Summary: its period, counts and totals.
func SummaryOf(rep device.Report) Summary {
	return Summary{Period: rep.Period, Count: rep.Count, RedCount: rep.RedCount,
		Amount: rep.Amount, Tax: rep.Tax, RedAmount: rep.RedAmount, RedTax: rep.RedTax}
}

// CompareSummary sets the month's statistics against a period's summary. Every differing
// figure is a mismatch; none means the store holds exactly what the device issued
// (otherwise reconcile before declaring the month).
func (s Stats) CompareSummary(rep Summary) []Mismatch {
	var out []Mismatch
	add := func(field, label, store, dev string) {
		if store != dev {
			out = append(out, Mismatch{Field: field, Label: label, Store: store, Device: dev,
				Message: invoice.Say(invoice.Chinese, "stats.mismatch", invoice.Args{"label": label, "field": field, "store": store, "device": dev})})
		}
	}
	if rep.Period != s.Month {
		add("period", "所属期", s.Month, rep.Period)
	}
	add("count", "蓝字发票张数", fmt.Sprint(s.Count), fmt.Sprint(rep.Count))
	add("amount", "蓝字金额", s.Amount.String(), rep.Amount.String())
	add("tax", "蓝字税额", s.Tax.String(), rep.Tax.String())
	add("red_count", "红字发票张数", fmt.Sprint(s.RedCount), fmt.Sprint(rep.RedCount))
	add("red_amount", "红字金额", s.RedAmount.String(), rep.RedAmount.String())
	add("red_tax", "红字税额", s.RedTax.String(), rep.RedTax.String())
	return out
}
