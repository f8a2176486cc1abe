package main

import (
	"context"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/ui"
	"github.com/kaipiao/kaipiao/upload"
)

// The window shows a platform's slip from this enterprise's side: which party started
// it, whether it is this workstation's to answer, amounts positive, the reason and lines
// read back (scripts/gui-digital.sh runs the adapters against a real platform).
func TestSlipViewFromEitherSide(t *testing.T) {
	const seller, buyer = "91350200MA2Y0XXK5W", "91110108MA01ABCD5T"
	at := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	s := &upload.Slip{Number: "26358000000000000001", State: upload.SlipBuyerAwaitsSeller, Blue: "26357000000000000001",
		SellerTaxID: seller, SellerName: "厦门开票示范科技有限公司", BuyerTaxID: buyer, BuyerName: "北京示例买方有限公司",
		Initiator: "buyer", Reason: "销货退回", Amount: "-1000.00", Tax: "-130.00", Total: "-1130.00",
		Lines: []invoice.RedLineRequest{{Line: 1, Amount: "1000.00"}}, CreatedAt: at, Deadline: at.Add(72 * time.Hour)}
	v := slipView(s, seller)
	if !v.Incoming || v.BySeller || !v.WeAreSeller() || v.Amount != 1000_00 || v.Tax != 130_00 ||
		v.Reason != invoice.ReasonReturn || len(v.Lines) != 1 || v.Lines[0] != 1 || v.State != ui.SlipBuyerAsked ||
		!v.Deadline.Equal(at.Add(72*time.Hour)) || v.Seller.Name != "厦门开票示范科技有限公司" {
		t.Fatalf("the seller's view: %+v", v)
	}
	v = slipView(s, buyer)
	if v.Incoming || v.WeAreSeller() {
		t.Fatalf("the buyer started it: %+v", v)
	}
	s.BlueCode, s.Blue = "035022600111", "00000001"
	if v := slipView(s, seller); v.Blue != "035022600111 00000001" {
		t.Fatalf("a device invoice's slip names %q", v.Blue)
	}
}

// Without the platform's client the fetch and the return say why, before touching the
// channel: no platform set, or the one set did not start.
func TestDigitalWithoutPlatformSaysWhy(t *testing.T) {
	d := windowDigital{noPlatform: errNoPlatform}
	if _, err := d.Fetch(context.Background(), 10, 0); err != errNoPlatform {
		t.Fatalf("fetch: %v", err)
	}
	if _, err := d.Return(context.Background()); err != errNoPlatform {
		t.Fatalf("return: %v", err)
	}
}
