package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
)

// The digital channel's fakes: the ui tests check the screens against them; main's
// adapters over the real channel and the platform's slips are tested in the root package.

// fakeDigital holds numbers and quota as the digital channel would.
type fakeDigital struct {
	mu       sync.Mutex
	st       DigitalStatus
	next     int64 // the next number's sequence
	fetches  []string
	returns  int
	fetchErr error
}

func (f *fakeDigital) Status(context.Context) (DigitalStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st, nil
}

func (f *fakeDigital) Fetch(_ context.Context, n int, q invoice.Money) (DigitalStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fetches = append(f.fetches, fmt.Sprintf("%d %s", n, q))
	if f.fetchErr != nil {
		return DigitalStatus{}, f.fetchErr
	}
	if f.st.NumbersHeld == 0 && n > 0 {
		f.st.NextNumber = fmt.Sprintf("2635700%013d", f.next)
	}
	f.st.NumbersHeld += n
	f.st.QuotaHeld += q
	f.st.UploadDeadline = time.Date(2026, 12, 15, 23, 59, 59, 0, invoice.Beijing)
	return f.st, nil
}

func (f *fakeDigital) Return(context.Context) (DigitalReturned, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.returns++
	got := DigitalReturned{Quota: f.st.QuotaLeft(), Numbers: f.st.NumbersHeld}
	f.st.QuotaHeld, f.st.NumbersHeld, f.st.NextNumber = f.st.QuotaUsed, 0, ""
	return got, nil
}

// fakeSlips plays the platform's slips between this enterprise (the seller of its own
// invoices, the buyer of the other's) and another enterprise, with the platform's rules.
type fakeSlips struct {
	mu    sync.Mutex
	us    invoice.Party
	other invoice.Party
	slips []*Slip // newest last
	now   time.Time
	seq   int
	reds  int
	// requests counts the requests by ID: a repeated ID returns the slip made first.
	requests map[string]string
}

func newFakeSlips(now time.Time) *fakeSlips {
	return &fakeSlips{now: now, requests: map[string]string{},
		us:    invoice.Party{Name: "厦门开票示范科技有限公司", TaxID: testSeller},
		other: invoice.Party{Name: "福州数电示例贸易有限公司", TaxID: "91350100MA2XXXXX0B"}}
}

func (f *fakeSlips) newID() string {
	f.seq++
	return fmt.Sprintf("2635000000%010d", f.seq)
}

// incoming adds a slip the other enterprise started: as buyer of our invoice blue, or as
// seller of its own invoice to us.
func (f *fakeSlips) incoming(blue string, otherIsSeller bool, amount invoice.Money, state SlipState) *Slip {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := &Slip{ID: f.newID(), Blue: blue, Incoming: true, BySeller: otherIsSeller, Amount: amount, Tax: amount * 6 / 100,
		Reason: invoice.ReasonReturn, State: state, Created: f.now.Add(-time.Hour), Whole: true}
	s.Seller, s.Buyer = f.us, f.other
	if otherIsSeller {
		s.Seller, s.Buyer = f.other, f.us
	}
	f.slips = append(f.slips, s)
	return s
}

func (f *fakeSlips) List(_ context.Context, incoming bool) ([]Slip, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Slip
	for i := len(f.slips) - 1; i >= 0; i-- {
		if f.slips[i].Incoming == incoming {
			out = append(out, *f.slips[i])
		}
	}
	return out, nil
}

// Request: our own invoice (we are the seller) or the other's (we are the buyer), told
// apart by the number's region digits as the platform tells them by its records.
func (f *fakeSlips) Request(_ context.Context, r SlipRequest) (Slip, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id, ok := f.requests[r.RequestID]; ok && r.RequestID != "" {
		for _, s := range f.slips {
			if s.ID == id {
				return *s, nil
			}
		}
	}
	ours := r.Of[2:4] == "35"
	s := &Slip{ID: f.newID(), Blue: r.Of, BySeller: ours, Lines: r.Lines, Amount: r.Amount, Reason: r.Reason,
		Created: f.now, Whole: r.Amount == 0 && len(r.Lines) == 0}
	if s.Amount == 0 {
		s.Amount = 1000_00
	}
	s.Tax = s.Amount * 6 / 100
	s.Seller, s.Buyer, s.State = f.us, f.other, SlipSellerAsked
	if !ours {
		s.Seller, s.Buyer, s.State = f.other, f.us, SlipBuyerAsked
	}
	if r.Quick {
		s.State = SlipNoConfirm
	}
	f.slips = append(f.slips, s)
	f.requests[r.RequestID] = s.ID
	return *s, nil
}

func (f *fakeSlips) find(id string) (*Slip, error) {
	for _, s := range f.slips {
		if s.ID == id {
			return s, nil
		}
	}
	return nil, fmt.Errorf("红字确认单 %s 不存在", id)
}

func (f *fakeSlips) Answer(_ context.Context, id string, a SlipAction) (Slip, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := f.find(id)
	if err != nil {
		return Slip{}, err
	}
	waiting := s.State == SlipSellerAsked || s.State == SlipBuyerAsked
	switch {
	case a == SlipConfirm && s.Incoming && waiting:
		s.State = SlipConfirmed
	case a == SlipRefuse && s.Incoming && waiting && s.BySeller:
		s.State = SlipBuyerRefused
	case a == SlipRefuse && s.Incoming && waiting:
		s.State = SlipSellerRefused
	case a == SlipWithdraw && !s.Incoming && waiting:
		s.State = SlipWithdrawn
	case a == SlipWithdraw && !s.Incoming && s.State == SlipConfirmed && s.Red == "":
		s.State = SlipWithdrawnAfter
	default:
		return Slip{}, fmt.Errorf("红字确认单 %s 处于“%s”，不能%s", id, slipStateText[s.State], a)
	}
	return *s, nil
}

func (f *fakeSlips) IssueRed(_ context.Context, id string) (*invoice.Invoice, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := f.find(id)
	if err != nil {
		return nil, err
	}
	if !s.WeAreSeller() || !slices.Contains([]SlipState{SlipNoConfirm, SlipConfirmed}, s.State) || s.Red != "" {
		return nil, errors.New("该确认单不能开具红字发票")
	}
	f.reds++
	s.Red = fmt.Sprintf("2635700%013d", 900+f.reds)
	return &invoice.Invoice{Kind: invoice.KindOrdinary, Issued: invoice.Issued{Number: s.Red},
		Lines: []invoice.Line{{Name: "退货", Amount: -s.Amount, Tax: -s.Tax}}}, nil
}

func (f *fakeSlips) slip(t *testing.T, id string) Slip {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := f.find(id)
	if err != nil {
		t.Fatal(err)
	}
	return *s
}

// newDigitalWorkstation is a workstation on the digital channel: the store and engine
// of newWorkstation, the fakes in place of the channel and the platform's slips.
func newDigitalWorkstation(t *testing.T) (*Workstation, *fakeDigital, *fakeSlips) {
	t.Helper()
	ws := newWorkstation(t)
	now := time.Date(2026, 11, 29, 10, 30, 0, 0, invoice.Beijing)
	ws.Now = func() time.Time { return now }
	ws.Device = nil
	dig := &fakeDigital{next: 1, st: DigitalStatus{NumbersHeld: 96, NextNumber: "26357000000000000005", QuotaHeld: 100000_00,
		QuotaUsed: 31_415_90, PendingUpload: 0, UploadDeadline: time.Date(2026, 12, 15, 23, 59, 59, 0, invoice.Beijing)}}
	slips := newFakeSlips(now)
	ws.Channel, ws.Digital, ws.Slips = ChannelDigital, dig, slips
	return ws, dig, slips
}
