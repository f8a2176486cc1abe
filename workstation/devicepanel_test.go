package workstation

import (
	"context"
	"errors"
	"testing"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
)

// The device panel's adapter gives ui what the device said, figure for figure, each lock
// in the device's Chinese words: ui itself imports neither the device package nor the store.
func TestDevicePanelShowsWhatTheDeviceSaid(t *testing.T) {
	ctx := context.Background()
	c, closeDev, err := device.DialAddr(ctx, t.TempDir(), "sim:inprocess", device.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDev()
	if err := c.VerifyPIN(ctx, sim.DefaultPIN); err != nil {
		t.Fatal(err)
	}
	p := &DevicePanel{c}

	st, _ := c.Status(ctx)
	view, err := p.Status(ctx)
	if err != nil || view.Machine != st.Machine || view.SellerTaxID != st.SellerTaxID || view.Period != st.Period ||
		!view.PINVerified || view.Reported != st.Reported || !view.Clock.Equal(st.Clock) {
		t.Fatalf("status %+v from %+v (%v)", view, st, err)
	}
	rolls, _ := c.Stock(ctx)
	vrolls, err := p.Stock(ctx)
	if err != nil || len(rolls) == 0 || len(vrolls) != len(rolls) {
		t.Fatalf("stock %+v from %+v (%v)", vrolls, rolls, err)
	}
	for i, r := range rolls {
		if v := vrolls[i]; v.Code != r.Code || v.Next() != r.Next() || v.Kind() != r.Kind() || v.Remaining != r.Remaining {
			t.Fatalf("roll %d: %+v from %+v", i, v, r)
		}
	}
	off, _ := c.Offline(ctx)
	voff, err := p.Offline(ctx)
	if err != nil || voff.HoursLimit != off.HoursLimit || voff.AmountLimit != off.AmountLimit ||
		voff.InvoiceLimit != off.InvoiceLimit || voff.Pending != off.Pending || !voff.OldestPending.Equal(off.OldestPending) {
		t.Fatalf("offline %+v from %+v (%v)", voff, off, err)
	}
	// The open period cannot be reported yet: the device's refusal reaches the panel as
	// the device's error, which the panel words in Chinese.
	var de *device.Error
	if _, err := p.Report(ctx, "panel-report", st.Period); !errors.As(err, &de) {
		t.Fatalf("report of the open period: %v", err)
	}
	want := device.Report{Period: "202610", Count: 3, RedCount: 1, Amount: 30000, Tax: 1800, RedAmount: -10000, RedTax: -600}
	rep, err := (&DevicePanel{reportOnly{c, want}}).Report(ctx, "r", "202610")
	if err != nil || rep.Period != want.Period || rep.Count != 3 || rep.RedCount != 1 || rep.Amount != want.Amount ||
		rep.Tax != want.Tax || rep.RedAmount != want.RedAmount || rep.RedTax != want.RedTax {
		t.Fatalf("report %+v from %+v (%v)", rep, want, err)
	}

	locks := statusView(device.Status{Locks: []device.Code{device.CodeOfflineHours, device.CodeMonthLocked}}).Locks
	if len(locks) != 2 || locks[0].Key != "device.code.offline_hours" || locks[0].String() != "离线开票时长已到，请上传发票" {
		t.Fatalf("locks %q", locks)
	}
}

// reportOnly is a device whose REPORT answers rep.
type reportOnly struct {
	deviceAPI
	rep device.Report
}

func (r reportOnly) Report(context.Context, string, string) (device.Report, error) { return r.rep, nil }
