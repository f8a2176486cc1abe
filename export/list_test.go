package export

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
)

func rec(red bool, lines ...invoice.Line) *store.Record {
	inv := &invoice.Invoice{Kind: invoice.KindOrdinary, Lines: lines}
	inv.Code, inv.Number, inv.IssuedAt = "035020026011", "00000001", time.Date(2026, 3, 3, 9, 0, 0, 0, invoice.Beijing)
	if red {
		inv.Red = &invoice.RedLink{Code: "035020026011", Number: "00000001", Reason: invoice.ReasonError}
	}
	return &store.Record{Invoice: inv}
}

// Totals by rate: highest rate first, 免税 after the rates; a red invoice's negative
// amounts in their own columns; an invoice counted once per rate however many lines.
func TestByRate(t *testing.T) {
	recs := []*store.Record{
		rec(false, invoice.Line{Amount: 10000, Rate: invoice.Rate6, Tax: 600}, invoice.Line{Amount: 5000, Rate: invoice.Rate6, Tax: 300},
			invoice.Line{Amount: 200, ZeroRate: invoice.ZeroExempt}),
		rec(false, invoice.Line{Amount: 100, Rate: invoice.Rate13, Tax: 13}),
		rec(true, invoice.Line{Amount: -10000, Rate: invoice.Rate6, Tax: -600}),
	}
	got := ByRate(recs)
	var rows []string
	for _, r := range got {
		rows = append(rows, strings.Join(rateRow(r), ","))
	}
	want := []string{
		"13%,1,1.00,0.13,0,0.00,0.00,1.00,0.13",
		"6%,1,150.00,9.00,1,-100.00,-6.00,50.00,3.00",
		"免税,1,2.00,0.00,0,0.00,0.00,2.00,0.00",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("by rate:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	var buf bytes.Buffer
	if err := WriteListCSV(&buf, recs, invoice.Beijing); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), ",红字,") || !strings.Contains(buf.String(), "2026-03-03 09:00:00") {
		t.Errorf("CSV:\n%s", buf.String())
	}
}

func TestMonthRange(t *testing.T) {
	from, to, err := MonthRange("202612")
	if err != nil || from.Format(time.RFC3339) != "2026-12-01T00:00:00+08:00" || to.Format(time.RFC3339) != "2027-01-01T00:00:00+08:00" {
		t.Errorf("MonthRange = %v %v %v", from, to, err)
	}
	for _, bad := range []string{"2026-12", "202613", "20261", ""} {
		if _, _, err := MonthRange(bad); err == nil || !strings.Contains(err.Error(), "YYYYMM") {
			t.Errorf("MonthRange(%q): %v", bad, err)
		}
	}
}
