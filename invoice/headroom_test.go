package invoice

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func drafts(n int, kind Kind, amount Money) []*Invoice {
	out := make([]*Invoice, n)
	for i := range out {
		out[i] = &Invoice{Kind: kind, Lines: []Line{{Amount: amount, Tax: amount * 13 / 100, Rate: Rate13}}}
	}
	return out
}

// Each limit refuses a whole order that does not fit, naming the limit; one that fits
// passes, and a batch's orders take their share in turn.
func TestHeadroomChecksTheWholeOrder(t *testing.T) {
	now := time.Date(2026, 3, 10, 10, 0, 0, 0, Beijing)
	room := func() *Headroom {
		return &Headroom{Now: now, Stock: 100, StockOf: map[Kind]int{KindOrdinary: 100, KindSpecial: 2},
			OfflineLimit: 100000000, OfflineLeft: 100000000}
	}
	cases := []struct {
		name  string
		h     func(*Headroom)
		parts []*Invoice
		limit string
	}{
		{"offline amount", nil, drafts(13, KindOrdinary, 9000000), "离线正数累计金额上限"},
		{"stock of the kind", nil, drafts(3, KindSpecial, 100), "电子专用发票"},
		{"offline hours", func(h *Headroom) { h.OfflineUntil = now.Add(10 * time.Second) }, drafts(3, KindOrdinary, 100), "离线开票时长"},
		{"month lock", func(h *Headroom) { h.LockAt = now.Add(time.Second) }, drafts(2, KindOrdinary, 100), "开票截止时间"},
		{"locked now", func(h *Headroom) { h.Locks = []Said{{Key: "device.code.month_locked"}} }, drafts(2, KindOrdinary, 100), "抄报并清卡"},
	}
	for _, c := range cases {
		h := room()
		if c.h != nil {
			c.h(h)
		}
		err := h.fits("ORD-1", len(c.parts), needsOf(c.parts))
		if !errors.Is(err, ErrNoHeadroom) || !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), c.limit) ||
			!strings.Contains(err.Error(), "未开具任何发票") {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	h := room()
	fit := drafts(11, KindOrdinary, 9000000) // 99,000,000 of 100,000,000
	if err := h.fits("ORD-2", 11, needsOf(fit)); err != nil {
		t.Fatalf("an order that fits: %v", err)
	}
	h.take(needsOf(fit))
	if err := h.fits("ORD-3", 2, needsOf(drafts(2, KindOrdinary, 9000000))); !errors.Is(err, ErrNoHeadroom) {
		t.Fatalf("the next order of the batch, over what is left: %v", err)
	}
	if err := h.fits("ORD-4", 2, needsOf(drafts(2, KindOrdinary, -100))); err != nil {
		t.Fatalf("red invoices take no offline amount: %v", err)
	}
}

// A lock refuses in the reader's language, naming the lock in English too.
func TestLockedRefusalNamesTheLockInBothLanguages(t *testing.T) {
	h := &Headroom{Now: time.Date(2026, 3, 10, 10, 0, 0, 0, Beijing), Stock: 100, OfflineLimit: 100000000, OfflineLeft: 100000000,
		Locks: []Said{{Key: "device.code.offline_hours"}}}
	err := h.fits("ORD-1", 1, needsOf(drafts(1, KindOrdinary, 100)))
	if en := Explain(English, err); !strings.Contains(en, "(offline hours limit reached)") {
		t.Errorf("English: %q", en)
	}
	if zh := Explain(Chinese, err); !strings.Contains(zh, "离线开票时长已到") {
		t.Errorf("Chinese: %q", zh)
	}
}
