package platform

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
)

const (
	slipSeller = "91350200776049653A"
	slipBuyer  = "91110108MA01ABCD2X"
	slipOther  = "91440300MA5EXAMP1K"
)

// slipRig is a platform store holding one blue invoice of slipSeller to slipBuyer: lines
// 3 × 120.50 and 99.99 at 13 %.
type slipRig struct {
	t    testing.TB
	db   Store
	blue *invoice.Invoice
	now  time.Time
}

func newSlipRig(t testing.TB) *slipRig {
	t.Helper()
	db := testStore(t)
	t.Cleanup(func() { db.Close() })
	return newSlipRigOn(t, db)
}

// newSlipRigOn is newSlipRig on a store the caller opened.
func newSlipRigOn(t testing.TB, db Store) *slipRig {
	t.Helper()
	at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	blue := checkedInvoice(t)
	blue.Kind = invoice.KindDigitalOrdinary
	blue.Buyer.TaxID, blue.Buyer.Name = slipBuyer, "北京示例买方有限公司"
	putDigital(t, db, blue, at)
	return &slipRig{t: t, db: db, blue: blue, now: at.Add(time.Hour)}
}

// putDigital stores inv on the platform under the next number assigned to its seller
// (a segment fetched as the digital channel does) and returns the number.
func putDigital(t testing.TB, db Store, inv *invoice.Invoice, at time.Time) string {
	t.Helper()
	ans, err := db.Fetch(FetchGrant{TaxID: inv.Seller.TaxID, RequestID: fmt.Sprint("F-", inv.RequestID),
		Numbers: 1, Period: Period(at), Prefix: "26357", Deadline: at.Add(24 * time.Hour)})
	if err != nil || len(ans.Segments) != 1 {
		t.Fatalf("fetch: %+v %v", ans, err)
	}
	inv.Code, inv.Number, inv.Machine = "", ans.Segments[0].First, ""
	raw, err := upload.EncodeInvoice(inv)
	if err != nil {
		t.Fatal(err)
	}
	_, errs, err := db.Upsert("E-"+inv.Number, at, []*Stored{{Number: inv.Number, SellerTaxID: inv.Seller.TaxID, Digest: "d" + inv.Number, Invoice: raw}})
	if err != nil || errs[0] != nil {
		t.Fatalf("upsert: %v %v", err, errs[0])
	}
	return inv.Number
}

// request makes a slip through the same path as the API.
func (r *slipRig) request(who, id string, req upload.SlipRequest) (*upload.Slip, error) {
	r.t.Helper()
	req.RequestID, req.Of = id, r.blue.Number
	if req.Reason == "" {
		req.Reason = "销售折让"
	}
	held, err := r.db.HeldInvoice("", r.blue.Number)
	if err != nil || held == nil {
		r.t.Fatalf("held: %v %v", held, err)
	}
	blue, err := upload.DecodeInvoice(held.Invoice)
	if err != nil {
		r.t.Fatal(err)
	}
	s, _, err := r.db.CreateSlip(who, id, "", r.blue.Number, r.now, func(earlier []*upload.Slip) (*upload.Slip, error) {
		return makeSlip(&req, who, blue, nil, earlier)
	})
	return s, err
}

func TestSlipLifeSellerStartsBuyerConfirms(t *testing.T) {
	r := newSlipRig(t)
	s, err := r.request(slipSeller, "req-1", upload.SlipRequest{Amount: "100"})
	if err != nil {
		t.Fatal(err)
	}
	if s.State != upload.SlipSellerAwaitsBuyer || s.Lrfsf != "0" || s.Amount != "-100.00" || s.Tax != "-13.00" || s.Total != "-113.00" {
		t.Fatalf("slip: %+v", s)
	}
	if !upload.ValidSlipNumber(s.Number) || s.Number[:5] != "26358" {
		t.Fatalf("number %s: want 26 + region 35 + 8 + sequence", s.Number)
	}
	if len(s.Lines) != 1 || s.Lines[0].Line != 1 || s.Lines[0].Amount != "100.00" {
		t.Fatalf("lines: %+v", s.Lines)
	}
	// The same request again (a retry after a lost answer) is the same slip.
	again, err := r.request(slipSeller, "req-1", upload.SlipRequest{Amount: "100"})
	if err != nil || again.Number != s.Number {
		t.Fatalf("retry: %v %v", again, err)
	}
	// The seller cannot confirm its own slip; a stranger does not see it.
	if _, err := r.db.AnswerSlip(s.Number, slipSeller, upload.SlipConfirm, r.now); !errors.Is(err, ErrSlipState) {
		t.Fatalf("seller confirming: %v", err)
	}
	if _, err := r.db.AnswerSlip(s.Number, slipOther, upload.SlipConfirm, r.now); !errors.Is(err, ErrSlipNotFound) {
		t.Fatalf("stranger: %v", err)
	}
	got, err := r.db.AnswerSlip(s.Number, slipBuyer, upload.SlipConfirm, r.now)
	if err != nil || got.State != upload.SlipConfirmed || got.StateText != "购销双方已确认" {
		t.Fatalf("confirm: %+v %v", got, err)
	}
	// Confirming again is no error; refusing now is.
	if _, err := r.db.AnswerSlip(s.Number, slipBuyer, upload.SlipConfirm, r.now); err != nil {
		t.Fatal(err)
	}
	if _, err := r.db.AnswerSlip(s.Number, slipBuyer, upload.SlipRefuse, r.now); !errors.Is(err, ErrSlipState) {
		t.Fatalf("refuse after confirm: %v", err)
	}
	// One red invoice only.
	if _, err := r.db.UseSlip(s.Number, slipSeller, "26352000000000000009", r.now); err != nil {
		t.Fatal(err)
	}
	if _, err := r.db.UseSlip(s.Number, slipSeller, "26352000000000000009", r.now); err != nil {
		t.Fatalf("the same red again: %v", err)
	}
	if _, err := r.db.UseSlip(s.Number, slipSeller, "26352000000000000010", r.now); !errors.Is(err, ErrSlipUsed) {
		t.Fatalf("a second red: %v", err)
	}
	if _, err := r.db.AnswerSlip(s.Number, slipSeller, upload.SlipWithdraw, r.now); !errors.Is(err, ErrSlipUsed) {
		t.Fatalf("withdraw after the red: %v", err)
	}
}

func TestSlipStates(t *testing.T) {
	cases := []struct {
		name      string
		starter   string
		answerer  string
		action    string
		after     time.Duration
		wantState string
		wantErr   error
	}{
		{"buyer refuses the seller's", slipSeller, slipBuyer, upload.SlipRefuse, 0, upload.SlipVoidBuyerRefused, nil},
		{"seller refuses the buyer's", slipBuyer, slipSeller, upload.SlipRefuse, 0, upload.SlipVoidSellerRefused, nil},
		{"seller confirms the buyer's", slipBuyer, slipSeller, upload.SlipConfirm, 0, upload.SlipConfirmed, nil},
		{"starter withdraws", slipSeller, slipSeller, upload.SlipWithdraw, 0, upload.SlipVoidWithdrawn, nil},
		{"buyer cannot withdraw the seller's", slipSeller, slipBuyer, upload.SlipWithdraw, 0, upload.SlipSellerAwaitsBuyer, ErrSlipState},
		{"71h59m is still in time", slipSeller, slipBuyer, upload.SlipConfirm, SlipExpiry - time.Minute, upload.SlipConfirmed, nil},
		{"72h is too late", slipSeller, slipBuyer, upload.SlipConfirm, SlipExpiry, upload.SlipVoidExpired, ErrSlipState},
		{"a refusal after 72h too", slipBuyer, slipSeller, upload.SlipRefuse, SlipExpiry + time.Hour, upload.SlipVoidExpired, ErrSlipState},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newSlipRig(t)
			s, err := r.request(c.starter, "x", upload.SlipRequest{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.db.AnswerSlip(s.Number, c.answerer, c.action, r.now.Add(c.after))
			if !errors.Is(err, c.wantErr) || (c.wantErr == nil && err != nil) {
				t.Fatalf("err %v, want %v", err, c.wantErr)
			}
			if got == nil {
				t.Fatal("no slip returned")
			}
			stored, err := r.db.Slip(s.Number, r.now.Add(c.after))
			if err != nil || stored.State != c.wantState || got.State != c.wantState {
				t.Fatalf("state %s (stored %v %v), want %s", got.State, stored, err, c.wantState)
			}
		})
	}
}

func TestSlipExpiryIsStoredAndAVoidSlipYieldsNoRed(t *testing.T) {
	r := newSlipRig(t)
	s, err := r.request(slipSeller, "x", upload.SlipRequest{})
	if err != nil {
		t.Fatal(err)
	}
	late := r.now.Add(SlipExpiry + time.Second)
	list, err := r.db.Slips(slipBuyer, late)
	if err != nil || len(list) != 1 || list[0].State != upload.SlipVoidExpired {
		t.Fatalf("list: %+v %v", list, err)
	}
	// Stored: even a read with the clock back finds it void.
	back, err := r.db.Slip(s.Number, r.now)
	if err != nil || back.State != upload.SlipVoidExpired {
		t.Fatalf("stored: %+v %v", back, err)
	}
	if _, err := r.db.UseSlip(s.Number, slipSeller, "26352000000000000009", late); !errors.Is(err, ErrSlipState) {
		t.Fatalf("red from a void slip: %v", err)
	}
}

func TestSlipsNeverReverseMoreThanTheInvoice(t *testing.T) {
	r := newSlipRig(t)
	// The invoice: 361.50 + 99.99 before tax. A slip for 400 stands while it waits.
	if _, err := r.request(slipSeller, "a", upload.SlipRequest{Amount: "400"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.request(slipSeller, "b", upload.SlipRequest{Amount: "61.50"}); !errors.Is(err, ErrSlipRequest) {
		t.Fatalf("over the rest: %v", err)
	}
	s, err := r.request(slipSeller, "c", upload.SlipRequest{Amount: "61.49"})
	if err != nil {
		t.Fatal(err)
	}
	// The amount comes off the lines in order: what line 1 had left, then line 2.
	if s.Amount != "-61.49" || len(s.Lines) != 1 || s.Lines[0].Line != 2 {
		t.Fatalf("second slip: %+v", s)
	}
	// A refused slip gives its amount back to what may be reversed.
	first, _ := r.db.Slips(slipSeller, r.now)
	if _, err := r.db.AnswerSlip(first[0].Number, slipBuyer, upload.SlipRefuse, r.now); err != nil {
		t.Fatal(err)
	}
	whole, err := r.request(slipSeller, "d", upload.SlipRequest{})
	if err != nil || whole.Amount != "-400.00" {
		t.Fatalf("the rest after the refusal: %+v %v", whole, err)
	}
	if _, err := r.request(slipOther, "e", upload.SlipRequest{}); !errors.Is(err, ErrSlipNotFound) {
		t.Fatalf("a stranger's request: %v", err)
	}
}

func TestQuickFullRedNeedsABuyerWithoutTaxID(t *testing.T) {
	r := newSlipRig(t)
	if _, err := r.request(slipSeller, "q", upload.SlipRequest{Quick: true}); !errors.Is(err, ErrSlipState) {
		t.Fatalf("quick red to an enterprise: %v", err)
	}
	// A consumer buyer: the slip needs no confirmation.
	r2 := newSlipRig(t)
	r2.blue.Buyer.TaxID = ""
	r2.blue.RequestID = "A-2"
	putDigital(t, r2.db, r2.blue, r2.now)
	s, err := r2.request(slipSeller, "q", upload.SlipRequest{Quick: true})
	if err != nil || s.State != upload.SlipNoConfirmation || s.Total != "-521.49" {
		t.Fatalf("quick red: %+v %v", s, err)
	}
}

// Answers to one slip at once (two clerks of the buyer, the seller withdrawing): of the
// buyer's confirm and refuse exactly one wins, and the slip ends in the state the winners'
// order gives — never a confirmed slip that was also withdrawn or refused.
func TestConcurrentAnswersHaveOneWinner(t *testing.T) {
	for round := 0; round < 20; round++ {
		r := newSlipRig(t)
		s, err := r.request(slipSeller, fmt.Sprint(round), upload.SlipRequest{})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i, a := range []struct{ who, action string }{
			{slipBuyer, upload.SlipConfirm}, {slipBuyer, upload.SlipRefuse}, {slipSeller, upload.SlipWithdraw}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = r.db.AnswerSlip(s.Number, a.who, a.action, r.now)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil && !errors.Is(err, ErrSlipState) {
				t.Fatal(err)
			}
		}
		confirmed, refused, withdrew := errs[0] == nil, errs[1] == nil, errs[2] == nil
		final, _ := r.db.Slip(s.Number, r.now)
		want := map[string]bool{
			upload.SlipConfirmed:           confirmed && !refused && !withdrew,
			upload.SlipVoidConfirmWithdraw: confirmed && !refused && withdrew,
			upload.SlipVoidBuyerRefused:    refused && !confirmed && !withdrew,
			upload.SlipVoidWithdrawn:       withdrew && !confirmed && !refused,
		}
		if !want[final.State] {
			t.Fatalf("round %d: final %s after confirm %t refuse %t withdraw %t", round, final.State, confirmed, refused, withdrew)
		}
	}
}

// The upload of a red 数电票 takes its slip: only a usable slip of the seller's for the
// same blue invoice and the same totals, and only once.
func TestRedUploadTakesItsSlipOnce(t *testing.T) {
	r := newSlipRig(t)
	srv := &Server{DB: r.db, Now: func() time.Time { return r.now }}
	sl, err := r.request(slipSeller, "x", upload.SlipRequest{Amount: "100"})
	if err != nil {
		t.Fatal(err)
	}
	red := func(slip, amount string) *invoice.Invoice {
		o := &invoice.Order{OrderID: "R-" + slip + amount, RedOf: &invoice.RedRequest{Number: r.blue.Number, Reason: 4, Slip: slip,
			Lines: []invoice.RedLineRequest{{Line: 1, Amount: amount}}}}
		inv, errs := invoice.Reverse(r.blue, nil, o, invoice.Config{Limits: invoice.DefaultLimits})
		if errs != nil {
			t.Fatal(errs)
		}
		inv.Number = fmt.Sprintf("263570000000000001%02d", len(amount))
		return inv
	}
	if err := srv.checkRedSlip(red(sl.Number, "100"), slipSeller); !errors.Is(err, ErrSlipState) {
		t.Fatalf("before the buyer confirmed: %v", err)
	}
	if _, err := r.db.AnswerSlip(sl.Number, slipBuyer, upload.SlipConfirm, r.now); err != nil {
		t.Fatal(err)
	}
	if err := srv.checkRedSlip(red(sl.Number, "99"), slipSeller); err == nil || !strings.Contains(err.Error(), "slip "+sl.Number+" states") {
		t.Fatalf("other totals: %v", err)
	}
	// A red 数电票 without a slip (the workstation's own rules refuse one; an old or
	// foreign workstation might send it).
	noSlip := red(sl.Number, "100")
	noSlip.Red.Slip = ""
	if err := srv.checkRedSlip(noSlip, slipSeller); err == nil || !strings.Contains(err.Error(), "no confirmation slip") {
		t.Fatalf("no slip: %v", err)
	}
	if err := srv.checkRedSlip(red(sl.Number, "100"), slipBuyer); !errors.Is(err, ErrSlipNotFound) {
		t.Fatalf("another seller: %v", err)
	}
	first := red(sl.Number, "100")
	if err := srv.checkRedSlip(first, slipSeller); err != nil {
		t.Fatal(err)
	}
	if err := srv.checkRedSlip(first, slipSeller); err != nil {
		t.Fatalf("the same red again: %v", err)
	}
	second := red(sl.Number, "100.00")
	if err := srv.checkRedSlip(second, slipSeller); !errors.Is(err, ErrSlipUsed) {
		t.Fatalf("a second red: %v", err)
	}
	if got, _ := r.db.Slip(sl.Number, r.now); got.RedNumber != first.Number {
		t.Fatalf("red_number %q", got.RedNumber)
	}
}

// The seller claims a usable slip for the number its red invoice is about to take: from
// then on the slip cannot be withdrawn; the claim moves to another number only while no
// invoice is held under the first; the upload then accepts that red invoice alone.
func TestClaimReservesTheSlip(t *testing.T) {
	r := newSlipRig(t)
	s, err := r.request(slipBuyer, "c", upload.SlipRequest{Amount: "10"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.db.ClaimSlip(s.Number, slipSeller, "26357000000000000050", r.now); !errors.Is(err, ErrSlipState) {
		t.Fatalf("claiming a slip waiting for the seller's answer: %v", err)
	}
	if _, err := r.db.AnswerSlip(s.Number, slipSeller, upload.SlipConfirm, r.now); err != nil {
		t.Fatal(err)
	}
	if _, err := r.db.ClaimSlip(s.Number, slipBuyer, "26357000000000000050", r.now); !errors.Is(err, ErrSlipNotFound) {
		t.Fatalf("the buyer claiming: %v", err)
	}
	if c, err := r.db.ClaimSlip(s.Number, slipSeller, "26357000000000000050", r.now); err != nil || c.RedNumber != "26357000000000000050" {
		t.Fatalf("claim: %+v %v", c, err)
	}
	if _, err := r.db.AnswerSlip(s.Number, slipBuyer, upload.SlipWithdraw, r.now); !errors.Is(err, ErrSlipUsed) {
		t.Fatalf("the buyer withdrawing a claimed slip: %v", err)
	}
	// Nothing is held under ...050: the claim may move (the workstation issued nothing).
	if c, err := r.db.ClaimSlip(s.Number, slipSeller, "26357000000000000051", r.now); err != nil || c.RedNumber != "26357000000000000051" {
		t.Fatalf("moving the claim: %+v %v", c, err)
	}
	if _, err := r.db.UseSlip(s.Number, slipSeller, "26357000000000000050", r.now); !errors.Is(err, ErrSlipUsed) {
		t.Fatalf("a red invoice under the number given up: %v", err)
	}
	if _, err := r.db.UseSlip(s.Number, slipSeller, "26357000000000000051", r.now); err != nil {
		t.Fatal(err)
	}
	// A blue invoice took the claimed number (issuing the red one was refused, say): the
	// claim may still move.
	other := *r.blue
	other.RequestID = "other"
	n := putDigital(t, r.db, &other, r.now)
	if _, err := r.db.ClaimSlip(s.Number, slipSeller, n, r.now); err != nil {
		t.Fatal(err)
	}
	if c, err := r.db.ClaimSlip(s.Number, slipSeller, "26357000000000000052", r.now); err != nil || c.RedNumber != "26357000000000000052" {
		t.Fatalf("moving a claim whose number a blue invoice took: %+v %v", c, err)
	}
	// Once the slip's red invoice is held under the claimed number, the claim stays.
	red, errs := invoice.Reverse(r.blue, nil, &invoice.Order{OrderID: "R", RedOf: &invoice.RedRequest{Number: r.blue.Number,
		Reason: 4, Slip: s.Number, Lines: s.Lines}}, invoice.Config{Limits: invoice.DefaultLimits})
	if errs != nil {
		t.Fatal(errs)
	}
	rn := putDigital(t, r.db, red, r.now)
	if _, err := r.db.ClaimSlip(s.Number, slipSeller, rn, r.now); err != nil {
		t.Fatal(err)
	}
	if _, err := r.db.ClaimSlip(s.Number, slipSeller, "26357000000000000053", r.now); !errors.Is(err, ErrSlipUsed) {
		t.Fatalf("moving a claim whose red invoice is held: %v", err)
	}
}
