package upload_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
)

// Acceptance 4: with the platform down the device locks at its offline amount; once the
// platform is back, a sync uploads the invoices, relays the device's records to the tax
// authority, writes its acknowledgement to the device, and issuing works again.
func TestOfflineLimitLoop(t *testing.T) {
	// Each order is 4,338.00 before tax: two fit under 10,000.00, the third does not.
	r := newRig(t, rigOptions{offlineAmount: 1_000_000})
	r.stopPlatform()
	r.issue("OFF", 2)
	ctx := context.Background()
	orders := eightLineOrders("LOCKED", 1)
	if _, err := r.engine.Issue(ctx, orders[0]); !errors.Is(err, invoice.ErrRefused) {
		t.Fatalf("over the offline amount: want ErrRefused, got %v", err)
	}
	s, _ := r.syncer(nil)
	if _, err := s.Once(ctx); err == nil {
		t.Fatal("synced with the platform down")
	}
	if _, err := r.engine.Issue(ctx, orders[0]); !errors.Is(err, invoice.ErrRefused) {
		t.Fatalf("still offline: want ErrRefused, got %v", err)
	}
	r.startPlatform()
	c, err := s.Once(ctx)
	if err != nil || c.Acked != 2 || c.Reported != 2 {
		t.Fatalf("%+v %v", c, err)
	}
	off, err := r.client.Offline(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if off.Pending != 0 || off.PendingAmount != 0 || len(off.Locks) != 0 {
		t.Fatalf("the device is still offline: %+v", off)
	}
	if _, err := r.engine.Issue(ctx, orders[0]); err != nil {
		t.Fatalf("issuing after the acknowledgement: %v", err)
	}
	if c, err := s.Once(ctx); err != nil || c.Acked != 1 || c.Reported != 1 {
		t.Fatalf("%+v %v", c, err)
	}
	r.checkPlatformHoldsExactly(3)
}
