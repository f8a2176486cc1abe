package store

import (
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
)

// digitalIssued is a 数电票: no code or machine, a 20-digit number.
func digitalIssued(req, number string) invoice.Receipt {
	r := issued(req, 1, "厦门示例科技有限公司", t0)
	inv := r.Invoice
	inv.Kind, inv.Code, inv.Number, inv.Machine, inv.CheckCode = invoice.KindDigitalOrdinary, "", number, "", ""
	inv.Signature = []byte{1, 2, 3}
	return r
}

// A 数电票 is stored, found by its bare number and by search, and its reds are found by
// that number; a device invoice whose 8-digit number and 12-digit code spell the same 20
// digits is another invoice (docs/digital.md "The domain model").
func TestDigitalInvoiceKeys(t *testing.T) {
	db := openTemp(t)
	const number = "00000042035020026011" // = device number 00000042 + code 035020026011
	dev := issued("SO-DEV", 42, "设备客户", t0)
	dig := digitalIssued("SO-DIG", number)
	for _, r := range []invoice.Receipt{dev, dig} {
		if err := db.BeginIssue(intentFor(r)); err != nil {
			t.Fatal(err)
		}
		if err := db.CommitIssued(r); err != nil {
			t.Fatalf("%s: %v", r.Invoice.RequestID, err)
		}
	}
	rec, err := db.ByNumber("", number)
	if err != nil || rec.Invoice.RequestID != "SO-DIG" || rec.Invoice.Kind != invoice.KindDigitalOrdinary {
		t.Fatalf("ByNumber(\"\", %s) = %+v, %v", number, rec, err)
	}
	if rec, err := db.ByNumber("035020026011", "00000042"); err != nil || rec.Invoice.RequestID != "SO-DEV" {
		t.Fatalf("the device invoice: %+v, %v", rec, err)
	}
	page, err := db.List(Query{Number: number})
	if err != nil || len(page.Records) != 1 || page.Records[0].Invoice.RequestID != "SO-DIG" {
		t.Fatalf("search by the 20-digit number: %+v %v", page.Records, err)
	}

	red := digitalIssued("SO-RED", "26350700000000000001")
	red.Invoice.Red = &invoice.RedLink{Number: number, Reason: invoice.ReasonError, Slip: "26350700000000000009"}
	red.Invoice.Lines[0].Amount, red.Invoice.Lines[0].Tax = -red.Invoice.Lines[0].Amount, -red.Invoice.Lines[0].Tax
	if err := db.BeginIssue(intentFor(red)); err != nil {
		t.Fatal(err)
	}
	if err := db.CommitIssued(red); err != nil {
		t.Fatal(err)
	}
	reds, err := db.RedsOf("", number)
	if err != nil || len(reds) != 1 || reds[0].Red.Slip != "26350700000000000009" {
		t.Fatalf("RedsOf the 数电票: %+v %v", reds, err)
	}
	if reds, _ := db.RedsOf("035020026011", "00000042"); len(reds) != 0 {
		t.Fatalf("the device invoice has no reds, got %d", len(reds))
	}
	// A malformed digital number is refused at the door.
	bad := digitalIssued("SO-BAD", "1234")
	if err := db.BeginIssue(intentFor(bad)); err != nil {
		t.Fatal(err)
	}
	if err := db.CommitIssued(bad); err == nil {
		t.Fatal("a 4-digit digital number was stored")
	}
}

// The channel is saved, audited once, and not switched while a request is open.
func TestChannelSwitchWaitsForOpenRequests(t *testing.T) {
	db := openTemp(t)
	if ch, err := db.Channel(); err != nil || ch != ChannelDevice {
		t.Fatalf("a new folder's channel %q %v", ch, err)
	}
	if err := db.SetChannel("tape", "张三"); err == nil {
		t.Fatal("an unknown channel was saved")
	}
	is := issued("SO-OPEN", 7, "客户", t0)
	if err := db.BeginIssue(intentFor(is)); err != nil {
		t.Fatal(err)
	}
	if err := db.SetChannel(ChannelDigital, "张三"); err == nil {
		t.Fatal("switched the channel with a request open")
	}
	if err := db.SetChannel(ChannelDevice, "张三"); err != nil {
		t.Fatalf("keeping the channel with a request open: %v", err)
	}
	if err := db.AbandonIntent("SO-OPEN", "张三", "test"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetChannel(ChannelDigital, "张三"); err != nil {
		t.Fatal(err)
	}
	if ch, _ := db.Channel(); ch != ChannelDigital {
		t.Fatalf("channel %q", ch)
	}
}
