package digital

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
)

// fakePlatform answers fetches and returns like the platform, keeping its answers by
// request ID; failNext makes the next call lose its answer after recording it (a crash
// or a dropped connection). The real platform over HTTPS is exercised by the
// kaipiaoctl acceptance tests; this one lets the channel's own rules be tested alone.
type fakePlatform struct {
	next     uint64
	fetches  map[string]upload.DigitalFetchAnswer
	returns  map[string]upload.DigitalReturnAnswer
	deadline time.Time
	failNext error
	calls    int
}

func newFake(deadline time.Time) *fakePlatform {
	return &fakePlatform{fetches: map[string]upload.DigitalFetchAnswer{}, returns: map[string]upload.DigitalReturnAnswer{}, deadline: deadline}
}

func (f *fakePlatform) DigitalFetch(_ context.Context, r upload.DigitalFetch) (upload.DigitalFetchAnswer, error) {
	f.calls++
	ans, ok := f.fetches[r.ID]
	if !ok {
		ans = upload.DigitalFetchAnswer{ID: r.ID, Quota: r.Quota, Period: "2026-11", UploadDeadline: f.deadline}
		if r.Numbers > 0 {
			ans.Segments = []upload.Segment{{First: fmt.Sprintf("26357%015d", f.next+1), Last: fmt.Sprintf("26357%015d", f.next+uint64(r.Numbers))}}
			f.next += uint64(r.Numbers)
		}
		f.fetches[r.ID] = ans
	}
	if err := f.failNext; err != nil {
		f.failNext = nil
		return upload.DigitalFetchAnswer{}, err
	}
	return ans, nil
}

func (f *fakePlatform) DigitalReturn(_ context.Context, r upload.DigitalReturn) (upload.DigitalReturnAnswer, error) {
	f.calls++
	ans, ok := f.returns[r.ID]
	if !ok {
		ans = upload.DigitalReturnAnswer(r)
		f.returns[r.ID] = ans
	}
	if err := f.failNext; err != nil {
		f.failNext = nil
		return upload.DigitalReturnAnswer{}, err
	}
	return ans, nil
}

var now = time.Date(2026, 11, 20, 10, 0, 0, 0, invoice.Beijing)

func openTest(t *testing.T) (*Channel, *sm2.PrivateKey) {
	t.Helper()
	key, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Open(t.TempDir(), device.SM2Signer{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	c.Signer = device.SM2Signer{Key: key}
	c.Now = func() time.Time { return now }
	t.Cleanup(func() { c.Close() })
	return c, key
}

func draft(id string, amount invoice.Money) *invoice.Invoice {
	return &invoice.Invoice{RequestID: id, OrderID: id, Kind: invoice.KindDigitalOrdinary,
		Seller: invoice.Party{Name: "厦门数电示范有限公司", TaxID: "91350200MA2Y0XXK5W"}, Buyer: invoice.Party{Name: "示例公司"},
		Lines: []invoice.Line{{Name: "服务", ShortName: "信息技术服务", TaxCode: "3040201010000000000",
			Amount: amount, Rate: invoice.Rate6, Tax: invoice.Rate6.TaxOn(amount)}}}
}

func issue(t *testing.T, c *Channel, id string, amount invoice.Money) (invoice.Receipt, error) {
	t.Helper()
	next, err := c.Next(context.Background(), invoice.KindDigitalOrdinary)
	if err != nil {
		t.Fatal(err)
	}
	return c.Issue(context.Background(), id, "", next.Number, draft(id, amount))
}

func TestIssueTakesNumbersInOrderAndQuota(t *testing.T) {
	c, key := openTest(t)
	ctx := context.Background()
	if _, err := issue(t, c, "A", 100); !errors.Is(err, invoice.ErrRefused) {
		t.Fatalf("with nothing fetched: %v", err)
	}
	p := newFake(now.Add(48 * time.Hour))
	// Two fetches: two segments, used in the order assigned.
	if _, err := c.Fetch(ctx, p, 2, 100000); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Fetch(ctx, p, 2, 0); err != nil {
		t.Fatal(err)
	}
	var numbers []string
	for i := range 4 {
		r, err := issue(t, c, fmt.Sprintf("R%d", i), 10000)
		if err != nil {
			t.Fatal(err)
		}
		inv := r.Invoice
		if inv.Code != "" || inv.Machine != "" || !invoice.ValidDigitalNumber(inv.Number) || r.Counter != uint64(i+1) {
			t.Fatalf("issued %+v counter %d", inv.Issued, r.Counter)
		}
		if !device.VerifySM2(&key.PublicKey, device.CoreFields(inv), inv.Signature) {
			t.Fatalf("%s: the enterprise's signature does not verify", inv.Number)
		}
		numbers = append(numbers, inv.Number)
	}
	want := []string{"26357000000000000001", "26357000000000000002", "26357000000000000003", "26357000000000000004"}
	if fmt.Sprint(numbers) != fmt.Sprint(want) {
		t.Fatalf("numbers %v, want %v", numbers, want)
	}
	// A repeated request returns what it got; a wrong expected number is a mismatch;
	// no number left refuses.
	again, err := c.Issue(ctx, "R1", "", "26357000000000000099", draft("R1", 10000))
	if err != nil || again.Invoice.Number != want[1] {
		t.Fatalf("repeat: %v %v", again.Invoice, err)
	}
	if _, err := issue(t, c, "R9", 1); !errors.Is(err, invoice.ErrRefused) {
		t.Fatalf("no number left: %v", err)
	}
	if _, err := c.Fetch(ctx, p, 3, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Issue(ctx, "R9", "", "26357000000000000006", draft("R9", 1)); !errors.Is(err, invoice.ErrNumberMismatch) {
		t.Fatalf("skipping a number: %v", err)
	}
	// Quota: 1000.00 held, 400.00 used; 600.01 is refused, 600.00 fits.
	if _, err := issue(t, c, "Q1", 60001); !errors.Is(err, invoice.ErrRefused) {
		t.Fatalf("over the quota: %v", err)
	}
	if _, err := issue(t, c, "Q2", 60000); err != nil {
		t.Fatalf("the rest of the quota: %v", err)
	}
	st, _ := c.Status(0)
	if st.QuotaHeld != "1000.00" || st.QuotaUsed != "1000.00" || st.NumbersHeld != 2 || st.NextNumber != "26357000000000000006" {
		t.Fatalf("status %+v", st)
	}
	// Journal and Lookup see everything, in order.
	j, err := c.Journal(ctx, 1, 100)
	if err != nil || len(j) != 5 || j[4].Invoice.RequestID != "Q2" {
		t.Fatalf("journal %d %v", len(j), err)
	}
	if r, found, err := c.Lookup(ctx, "Q1"); found || err != nil {
		t.Fatalf("the refused request was issued: %v %v", r, err)
	}
}

func TestRedGivesBackQuotaOfItsMonth(t *testing.T) {
	c, _ := openTest(t)
	ctx := context.Background()
	p := newFake(now.Add(60 * 24 * time.Hour))
	if _, err := c.Fetch(ctx, p, 10, 50000); err != nil {
		t.Fatal(err)
	}
	blue, err := issue(t, c, "B", 50000)
	if err != nil {
		t.Fatal(err)
	}
	red := draft("RED", -20000)
	red.Red = &invoice.RedLink{Number: blue.Invoice.Number, Reason: invoice.ReasonReturn, Slip: "26357000000000000900"}
	next, _ := c.Next(ctx, invoice.KindDigitalOrdinary)
	if _, err := c.Issue(ctx, "RED", "", next.Number, red); err != nil {
		t.Fatal(err)
	}
	if st, _ := c.Status(0); st.QuotaUsed != "300.00" {
		t.Fatalf("after a red of 200.00 in the blue's month: used %s", st.QuotaUsed)
	}
	// Next month the blue one's month is closed: a red gives nothing back.
	c.Now = func() time.Time { return now.AddDate(0, 1, 0) }
	red2 := draft("RED2", -10000)
	red2.Red = &invoice.RedLink{Number: blue.Invoice.Number, Reason: invoice.ReasonReturn}
	next, _ = c.Next(ctx, invoice.KindDigitalOrdinary)
	if _, err := c.Issue(ctx, "RED2", "", next.Number, red2); err != nil {
		t.Fatal(err)
	}
	st, _ := c.State()
	if st.Quota["2026-11"].Used != 30000 || st.Quota["2026-12"].Used != 0 {
		t.Fatalf("quota %+v %+v", st.Quota["2026-11"], st.Quota["2026-12"])
	}
}

func TestDeadlineAndKinds(t *testing.T) {
	c, _ := openTest(t)
	ctx := context.Background()
	if _, err := c.Fetch(ctx, newFake(now.Add(time.Hour)), 5, 100000); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Next(ctx, invoice.KindOrdinary); !errors.Is(err, invoice.ErrRefused) {
		t.Fatalf("a device kind on the digital channel: %v", err)
	}
	c.Now = func() time.Time { return now.Add(time.Hour + time.Second) }
	_, err := issue(t, c, "LATE", 100)
	if !errors.Is(err, invoice.ErrRefused) || !strings.Contains(err.Error(), "上传截止时间") {
		t.Fatalf("after the upload deadline: %v", err)
	}
	h, _ := c.Headroom(ctx)
	if len(h.Locks) == 0 || h.Stock != 5 {
		t.Fatalf("headroom %+v", h)
	}
}

// A fetch whose answer was lost is sent again under the same ID and applied once; a
// return takes the numbers out of use before it is sent.
func TestFetchAndReturnSurviveLostAnswers(t *testing.T) {
	c, _ := openTest(t)
	ctx := context.Background()
	p := newFake(now.Add(48 * time.Hour))
	p.failNext = errors.New("connection reset")
	if _, err := c.Fetch(ctx, p, 5, 1000); err == nil {
		t.Fatal("the lost answer was not reported")
	}
	if st, _ := c.Status(0); !st.PendingFetch || st.NumbersHeld != 0 {
		t.Fatalf("after the lost answer: %+v", st)
	}
	// The next fetch settles the first one (same ID, same answer) before its own.
	if _, err := c.Fetch(ctx, p, 5, 0); err != nil {
		t.Fatal(err)
	}
	st, _ := c.State()
	if st.NumbersHeld() != 10 || st.Quota["2026-11"].Held != 1000 || st.PendingFetch != nil || len(p.fetches) != 2 {
		t.Fatalf("state %+v, %d fetches on the platform", st, len(p.fetches))
	}
	if _, err := issue(t, c, "X", 400); err != nil {
		t.Fatal(err)
	}
	p.failNext = errors.New("connection reset")
	if _, err := c.Return(ctx, p); err == nil {
		t.Fatal("the lost answer was not reported")
	}
	if _, err := issue(t, c, "Y", 1); !errors.Is(err, invoice.ErrRefused) {
		t.Fatalf("issuing during a pending return: %v", err)
	}
	if err := c.Settle(ctx, p); err != nil {
		t.Fatal(err)
	}
	st, _ = c.State()
	if st.PendingReturn != nil || len(st.Returned) != 2 || st.Returned[0].First != "26357000000000000002" ||
		st.Returned[1].Last != "26357000000000000010" || st.Quota["2026-11"].Held != 400 || len(p.returns) != 1 {
		t.Fatalf("after the return: %+v", st)
	}
}

// A refusal for good gives the numbers back to the workstation.
func TestRefusedReturnKeepsTheNumbers(t *testing.T) {
	c, _ := openTest(t)
	ctx := context.Background()
	p := newFake(now.Add(48 * time.Hour))
	if _, err := c.Fetch(ctx, p, 3, 500); err != nil {
		t.Fatal(err)
	}
	p.failNext = &upload.PermanentError{Status: 400, Reason: "no"}
	if _, err := c.Return(ctx, p); err == nil {
		t.Fatal("the refusal was not reported")
	}
	st, _ := c.State()
	if st.NumbersHeld() != 3 || st.Quota["2026-11"].Held != 500 || st.PendingReturn != nil {
		t.Fatalf("after a refused return: %+v", st)
	}
	if _, err := issue(t, c, "Z", 100); err != nil {
		t.Fatal(err)
	}
}
