package platform

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/internal/pgtest"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
)

const (
	digitalTaxID = "91350200776049653A"
	otherTaxID   = "91110000600037341L"
	period       = "2026-11"
)

// storeGrant is a fetch of digitalTaxID in period.
func storeGrant(id string, numbers int, quota invoice.Money) FetchGrant {
	return FetchGrant{TaxID: digitalTaxID, RequestID: id, Numbers: numbers, Quota: quota, Period: period, Prefix: "26357",
		Deadline: time.Date(2026, 12, 15, 15, 59, 59, 0, time.UTC)}
}

// The digital store's rules, the same on bbolt and PostgreSQL: segments follow each
// other, a fetch repeated gets its answer again, quota is granted up to what is left,
// numbers given back are refused for uploads, and an overlapping return is refused.
func TestDigitalStore(t *testing.T) {
	eachStore(t, func(t *testing.T, st Store) {
		if err := st.SetQuota(digitalTaxID, period, 1000_00); err != nil {
			t.Fatal(err)
		}
		a, err := st.Fetch(storeGrant("F1", 100, 600_00))
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Segments) != 1 || a.Segments[0] != (upload.Segment{First: "26357000000000000001", Last: "26357000000000000100"}) || a.Quota != "600.00" {
			t.Fatalf("first fetch: %+v", a)
		}
		again, err := st.Fetch(storeGrant("F1", 100, 600_00))
		if err != nil || fmt.Sprint(again) != fmt.Sprint(a) {
			t.Fatalf("repeated fetch: %+v %v, want %+v", again, err, a)
		}
		b, err := st.Fetch(storeGrant("F2", 50, 600_00))
		if err != nil || b.Segments[0].First != "26357000000000000101" || b.Quota != "400.00" {
			t.Fatalf("second fetch: %+v %v", b, err)
		}
		if q, err := st.Quota(digitalTaxID, period); err != nil || q.Out != 1000_00 || q.Left() != 0 {
			t.Fatalf("quota %+v %v", q, err)
		}
		// An invoice under an assigned number is stored; one under a number never
		// assigned, or another enterprise's, is refused alone.
		at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
		good := &Stored{Number: "26357000000000000005", SellerTaxID: digitalTaxID, Digest: "d", Receipt: []byte(`"r"`), Invoice: []byte(`{}`)}
		never := &Stored{Number: "26357000000000009999", SellerTaxID: digitalTaxID, Digest: "d", Receipt: []byte(`"r"`), Invoice: []byte(`{}`)}
		foreign := &Stored{Number: "26357000000000000006", SellerTaxID: otherTaxID, Digest: "d", Receipt: []byte(`"r"`), Invoice: []byte(`{}`)}
		_, errs, err := st.Upsert("E1", at, []*Stored{good, never, foreign})
		if err != nil || errs[0] != nil || errs[1] == nil || errs[2] == nil {
			t.Fatalf("upsert: %v %v", errs, err)
		}
		// Numbers 90–100 given back with 300.00 of quota; 5 carries an invoice.
		ret := &upload.DigitalReturn{ID: "R1", Quota: []upload.PeriodAmount{{Period: period, Amount: "300.00"}},
			Unused: []upload.Segment{{First: "26357000000000000090", Last: "26357000000000000100"}}}
		if _, err := st.Return(digitalTaxID, ret); err != nil {
			t.Fatal(err)
		}
		if ans, err := st.Return(digitalTaxID, ret); err != nil || len(ans.Unused) != 1 {
			t.Fatalf("repeated return: %+v %v", ans, err)
		}
		for bad, why := range map[upload.Segment]string{
			{First: "26357000000000000095", Last: "26357000000000000096"}: "numbers 26357000000000000095–26357000000000000096 overlap 26357000000000000090–26357000000000000100 given back before",
			{First: "26357000000000000001", Last: "26357000000000000005"}: "number 26357000000000000005 of the range 26357000000000000001–26357000000000000005 carries an invoice",
			{First: "26357000000000000140", Last: "26357000000000000160"}: "unused range 26357000000000000140–26357000000000000160 is not within one segment assigned to " + digitalTaxID,
			{First: "26357000000000000002", Last: "26357000000000000001"}: `unused range "26357000000000000002"–"26357000000000000001"`,
		} {
			_, err := st.Return(digitalTaxID, &upload.DigitalReturn{ID: "R-" + bad.First, Unused: []upload.Segment{bad}})
			if !errors.Is(err, ErrDigitalRequest) || !strings.HasSuffix(err.Error(), ": "+why) {
				t.Errorf("return %v: %v, want …: %s", bad, err, why)
			}
		}
		_, err = st.Return(digitalTaxID, &upload.DigitalReturn{ID: "R-Q", Quota: []upload.PeriodAmount{{Period: period, Amount: "800.00"}}})
		if want := "giving back 800.00 of " + period + ", but " + digitalTaxID + " holds 700.00"; !errors.Is(err, ErrDigitalRequest) || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("returning more quota than is out: %v, want …%s", err, want)
		}
		if q, _ := st.Quota(digitalTaxID, period); q.Out != 700_00 {
			t.Fatalf("quota after return %+v", q)
		}
		back := &Stored{Number: "26357000000000000091", SellerTaxID: digitalTaxID, Digest: "d", Receipt: []byte(`"r"`), Invoice: []byte(`{}`)}
		if _, errs, err := st.Upsert("E2", at, []*Stored{back}); err != nil || errs[0] == nil {
			t.Fatalf("a number given back was taken: %v %v", errs, err)
		}
		assigned, returned, err := st.Segments(digitalTaxID)
		if err != nil || len(assigned) != 2 || len(returned) != 1 {
			t.Fatalf("segments %v %v %v", assigned, returned, err)
		}
	})
}

// Acceptance 3 (numbers and quota): two platform instances — two stores with their own
// connection pools on one PostgreSQL database — take 40 fetches at once: every number
// is handed out once (the segments are disjoint and leave no gap), the quota granted
// adds up to exactly what was set and never more, what is left never goes below zero,
// and one request ID sent to both instances at once gets one answer. On bbolt the same
// fetches come from goroutines of one process.
func TestDigitalConcurrentFetches(t *testing.T) {
	t.Run("bbolt", func(t *testing.T) {
		db, err := OpenDB(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		concurrentFetches(t, [2]DigitalStore{db, db})
	})
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.Schema(t)
		var insts [2]DigitalStore
		for i := range insts {
			pg, err := OpenPG(url)
			if err != nil {
				t.Fatal(err)
			}
			defer pg.Close()
			insts[i] = pg
		}
		concurrentFetches(t, insts)
	})
}

func concurrentFetches(t *testing.T, insts [2]DigitalStore) {
	// 40 fetches of 30.00 each ask 1,200.00 of 1,000.00; half ask for numbers too (which
	// the prefix's sequence row orders), half for quota alone, which only the quota's
	// row lock orders.
	const fetches, numbers, each = 40, 250, 30_00
	if err := insts[0].SetQuota(digitalTaxID, period, 1000_00); err != nil {
		t.Fatal(err)
	}
	answers := make([]upload.DigitalFetchAnswer, fetches)
	twice := make([]upload.DigitalFetchAnswer, 2)
	errs := make([]error, fetches+2)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range fetches {
		wg.Go(func() {
			<-start
			answers[i], errs[i] = insts[i%2].Fetch(storeGrant(fmt.Sprintf("F%02d", i), numbers*(i/2%2), each))
		})
	}
	for i := range twice { // the same request to both instances
		wg.Go(func() {
			<-start
			twice[i], errs[fetches+i] = insts[i].Fetch(storeGrant("SAME", 10, 1_00))
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(twice[0]) != fmt.Sprint(twice[1]) {
		t.Fatalf("one request ID, two answers: %+v and %+v", twice[0], twice[1])
	}
	var segs []upload.Segment
	var granted invoice.Money
	for _, a := range append(answers, twice[0]) {
		segs = append(segs, a.Segments...)
		g, err := invoice.ParseMoney(a.Quota)
		if err != nil || g < 0 {
			t.Fatalf("granted %q", a.Quota)
		}
		granted += g
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].First < segs[j].First })
	next := "26357000000000000001"
	for _, s := range segs {
		if s.First != next {
			t.Fatalf("segment %s–%s: want it to start at %s (a number twice, or a gap)", s.First, s.Last, next)
		}
		last, err := strconv.ParseUint(s.Last[5:], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		next = fmt.Sprintf("26357%015d", last+1)
	}
	if want := fmt.Sprintf("26357%015d", fetches/2*numbers+10+1); next != want {
		t.Fatalf("numbers end before %s, want %s", next, want)
	}
	q, err := insts[1].Quota(digitalTaxID, period)
	if err != nil {
		t.Fatal(err)
	}
	if granted != 1000_00 || q.Out != granted || q.Set-q.Out < 0 {
		t.Fatalf("granted %s, quota %+v: want 1000.00 granted in all, never more", granted, q)
	}
}
