package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/upload"
)

// Config is one load run.
type Config struct {
	Dir  string   // made by Setup; the workstations' stores are kept in it
	URLs []string // the platform instances; workstation w starts with URLs[w % len]
	// Invoices is how many invoices all workstations issue together (split evenly).
	Invoices int
	// Rounds: each workstation issues its share in this many rounds and syncs after
	// each; 1 issues everything first and then syncs (the sync throughput alone).
	Rounds int
	// Batch is the invoices per envelope (the uploader's BatchSize); Parallel the
	// envelopes one workstation has in flight.
	Batch, Parallel int
	// Deadline bounds the whole run: an outbox not empty by then is reported.
	Deadline time.Duration
	// Progress, when set, is called after every envelope the platform accepted, with
	// the number of invoices accepted so far (the two-instance test kills an instance
	// midway by it).
	Progress func(acked int64)
	// Digital is how many workstations (the last ones) issue 数电票 on the digital
	// channel: they fetch numbers and quota from the platform before each round and sign
	// with the enterprise's key. Their enterprises need quota (SetQuota).
	Digital int
	// Slips is how many confirmation slips the digital workstations ask for after
	// syncing, each answered at once by the buyer (confirm) and withdrawn by the seller
	// through the other instance.
	Slips int
	// Logf, when set, logs failovers and retries.
	Logf func(format string, args ...any)

	// Presealed times the platform alone: every workstation issues its share and seals
	// its whole outbox into envelopes first (upload.Syncer.SealOutbox), the timed phase
	// only posts them, and the receipts are verified and stored after it — the work of
	// twenty PCs kept off the two cores the platform is measured on. Rounds is 1.
	Presealed bool
	// Senders is how many presealed envelopes are in flight at once, all workstations
	// together (a closed loop: each sender posts the next envelope when its last is
	// answered): the platform's throughput at that concurrency. Default: 2 per
	// platform instance.
	Senders int
	// Rate, when set, offers presealed envelopes at this many invoices per second,
	// evenly spaced and each posted on time whatever the platform's pace (an open loop):
	// the latency at that load, measured from each envelope's planned sending time.
	Rate float64
}

// workstation is one simulated workstation.
type workstation struct {
	n        int
	machine  string
	keys     *pki.Workstation
	device   pki.Identity
	db       *store.DB
	issued   []string // request IDs
	counter  uint64
	failover int
	digital  bool
	m        int      // enterprises in the run
	numbers  []string // 数电票 numbers fetched and not used yet
}

// Run issues and syncs as cfg says and checks what the platform holds.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	// Sealed envelopes are good for upload.MaxSkew (the platform's replay window):
	// a schedule longer than half of it would have the last ones refused as stale.
	if cfg.Presealed && cfg.Rate > 0 {
		if span := time.Duration(float64(cfg.Invoices) / cfg.Rate * float64(time.Second)); span > upload.MaxSkew/2 {
			return nil, fmt.Errorf("loadtest: %d invoices at %.0f a second take %v, longer than presealed envelopes stay valid (%v): fewer invoices or a higher rate",
				cfg.Invoices, cfg.Rate, span.Round(time.Second), upload.MaxSkew/2)
		}
	}
	n, m, err := layout(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if len(cfg.URLs) == 0 {
		return nil, errors.New("loadtest: no platform URL")
	}
	cfg.Rounds, cfg.Batch, cfg.Parallel = max(cfg.Rounds, 1), max(cfg.Batch, 1), max(cfg.Parallel, 1)
	if cfg.Deadline == 0 {
		cfg.Deadline = time.Hour
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Deadline)
	defer cancel()
	codes, err := invoice.ParseTaxCodes(bytes.NewReader(assets.TaxCodesCSV()), assets.TaxCodesVersion)
	if err != nil {
		return nil, err
	}
	rec := &recorder{}
	wss := make([]*workstation, n)
	for w := range wss {
		if wss[w], err = openWorkstation(cfg.Dir, w); err != nil {
			return nil, err
		}
		defer wss[w].db.Close()
	}
	share := func(w int) int { return cfg.Invoices/n + btoi(w < cfg.Invoices%n) }
	rep := &Report{Workstations: n, Enterprises: m, Instances: len(cfg.URLs), Digital: min(cfg.Digital, n),
		Presealed: cfg.Presealed}
	if cfg.Presealed {
		cfg.Rounds = 1
		if cfg.Rate > 0 {
			rep.Rate = cfg.Rate
		} else {
			cfg.Senders = orDefault(cfg.Senders, 2*len(cfg.URLs))
			rep.Senders = cfg.Senders
		}
	}
	for w := range wss {
		wss[w].digital, wss[w].m = w >= n-rep.Digital, m
	}
	var issueTime atomic.Int64
	errs := make([]error, n)
	if cfg.Presealed {
		errs = append(errs, presealed(ctx, cfg, wss, codes, share, rec, rep))
	} else {
		start := time.Now()
		stopWatch := watch(wss, cfg.Progress)
		var wg sync.WaitGroup
		for w, ws := range wss {
			wg.Go(func() {
				errs[w] = ws.run(ctx, cfg, codes, share(w), rec, &issueTime)
			})
		}
		wg.Wait()
		rep.Elapsed = time.Since(start)
		stopWatch()
		rep.IssueTime = time.Duration(issueTime.Load()) / time.Duration(n)
	}
	for _, ws := range wss {
		rep.Issued += len(ws.issued)
		rep.Failovers += ws.failover
	}
	rep.Requests, rep.Latency = rec.summary()
	rep.Retried = int(rec.failed.Load())
	if err := errors.Join(errs...); err != nil {
		rep.Errors = append(rep.Errors, err.Error())
	}
	if err := check(ctx, cfg, wss, m, rep); err != nil {
		return rep, err
	}
	if cfg.Slips > 0 {
		if rep.Slips, err = slips(ctx, cfg, wss, m, cfg.Slips); err != nil {
			rep.Errors = append(rep.Errors, err.Error())
		}
	}
	return rep, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func openWorkstation(dir string, w int) (*workstation, error) {
	pass := []byte(pki.DemoPassphrase)
	pdir := filepath.Join(wsDir(dir, w), "pki")
	keys, err := pki.LoadWorkstation(pdir, pass, time.Now())
	if err != nil {
		return nil, fmt.Errorf("workstation %d: %w", w, err)
	}
	dev, err := pki.ReadIdentity(pdir, pki.FileDevice, pass, time.Now())
	if err != nil {
		return nil, fmt.Errorf("workstation %d: %w", w, err)
	}
	db, err := store.Open(filepath.Join(wsDir(dir, w), "kaipiao.db"), store.Options{NoSync: true})
	if err != nil {
		return nil, fmt.Errorf("workstation %d: %w", w, err)
	}
	ws := &workstation{n: w, machine: Machine(w), keys: keys, device: dev, db: db}
	count, err := db.Count()
	ws.counter = uint64(count)
	return ws, err
}

// run issues the workstation's share in rounds and syncs after each.
func (ws *workstation) run(ctx context.Context, cfg Config, codes *invoice.TaxCodes, share int,
	rec *recorder, issueTime *atomic.Int64) error {
	syncers, err := ws.syncers(cfg, rec)
	if err != nil {
		return err
	}
	cur := 0
	for round := range cfg.Rounds {
		k := share/cfg.Rounds + btoi(round < share%cfg.Rounds)
		t0 := time.Now()
		if err := ws.prepare(ctx, syncers, codes, k, round); err != nil {
			return err
		}
		issueTime.Add(int64(time.Since(t0)))
		if cur, err = ws.drain(ctx, cfg, syncers, cur); err != nil {
			return err
		}
	}
	return nil
}

// syncers are the workstation's uploaders, one per instance, starting with instance
// n % len(URLs): the workstations are spread over the instances.
func (ws *workstation) syncers(cfg Config, rec *recorder) ([]*upload.Syncer, error) {
	client := &http.Client{Timeout: 60 * time.Second, Transport: &timed{next: upload.NewHTTPClient(ws.keys, time.Minute).Transport,
		rec: rec}}
	syncers := make([]*upload.Syncer, len(cfg.URLs))
	for i := range syncers {
		var err error
		syncers[i], err = upload.New(upload.Config{Store: ws.db, PKI: ws.keys, URL: cfg.URLs[(ws.n+i)%len(cfg.URLs)],
			Client: client, DeviceCert: ws.device.Cert.Raw, BatchSize: cfg.Batch, Parallel: cfg.Parallel,
			MaxAttempts: 3, Backoff: upload.Backoff{Base: 50 * time.Millisecond, Max: time.Second}})
		if err != nil {
			return nil, err
		}
	}
	return syncers, nil
}

// prepare issues k invoices, fetching 数电票 numbers and quota first on the digital
// channel.
func (ws *workstation) prepare(ctx context.Context, syncers []*upload.Syncer, codes *invoice.TaxCodes, k, round int) error {
	tax := TaxID(Enterprise(ws.n, ws.m))
	seller := invoice.Party{Name: "负载测试企业" + strconv.Itoa(Enterprise(ws.n, ws.m)+1) + "有限公司", TaxID: tax,
		AddressPhone: "厦门市思明区软件园二期 0592-5550000", BankAccount: "中国工商银行厦门分行 4100020009000000000"}
	if ws.digital {
		if err := ws.fetch(ctx, syncers, k, round); err != nil {
			return err
		}
	}
	return ws.issue(codes, seller, k)
}

// drain syncs until the outbox is empty, starting with syncers[cur] and failing over
// to the next instance whenever a pass ends with the outbox not empty. It returns the
// instance it ended on.
func (ws *workstation) drain(ctx context.Context, cfg Config, syncers []*upload.Syncer, cur int) (int, error) {
	for {
		_, err := syncers[cur].Once(ctx)
		queued, _, qerr := ws.db.PendingCount()
		if qerr != nil {
			return cur, qerr
		}
		if err == nil && queued == 0 {
			return cur, nil
		}
		if ctx.Err() != nil {
			return cur, fmt.Errorf("workstation %d: %d invoices still queued: %w", ws.n, queued, ctx.Err())
		}
		// Any instance takes any upload: on to the next one.
		cur = (cur + 1) % len(syncers)
		ws.failover++
		if cfg.Logf != nil {
			cfg.Logf("workstation %d: %d queued after %v; on to %s", ws.n, queued, err, cfg.URLs[(ws.n+cur)%len(cfg.URLs)])
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// fetch asks the platform for k numbers (at most 5,000 a request) and quota enough for
// them, trying the instances in turn.
func (ws *workstation) fetch(ctx context.Context, syncers []*upload.Syncer, k, round int) error {
	for part := 0; len(ws.numbers) < k; part++ {
		want := min(k-len(ws.numbers), upload.MaxFetchNumbers)
		f := upload.DigitalFetch{ID: fmt.Sprintf("LT-%03d-%d-%d-%d", ws.n, ws.counter, round, part), Numbers: want,
			Quota: strconv.Itoa(want*1000) + ".00"}
		var ans upload.DigitalFetchAnswer
		var err error
		for i := range syncers {
			if ans, err = syncers[i].DigitalFetch(ctx, f); err == nil {
				break
			}
		}
		if err != nil {
			return fmt.Errorf("workstation %d: fetch: %w", ws.n, err)
		}
		if len(ans.Segments) == 0 {
			return fmt.Errorf("workstation %d: fetch %s: no numbers", ws.n, f.ID)
		}
		for _, s := range ans.Segments {
			first, err1 := strconv.ParseUint(s.First[5:], 10, 64)
			last, err2 := strconv.ParseUint(s.Last[5:], 10, 64)
			if err1 != nil || err2 != nil || len(s.First) != 20 {
				return fmt.Errorf("workstation %d: segment %s–%s", ws.n, s.First, s.Last)
			}
			for x := first; x <= last; x++ {
				ws.numbers = append(ws.numbers, fmt.Sprintf("%s%015d", s.First[:5], x))
			}
		}
	}
	return nil
}

// issue makes k invoices as the device would (number, date, SM2 seal over the core
// fields) and commits them to the store, which queues them in the outbox.
func (ws *workstation) issue(codes *invoice.TaxCodes, seller invoice.Party, k int) error {
	buyer := invoice.OrderBuyer{Name: "厦门示例科技有限公司", TaxID: "91350200776049653A"}
	if ws.digital && ws.m > 1 {
		// The next enterprise of the run buys: slips then go between two of them.
		b := (Enterprise(ws.n, ws.m) + 1) % ws.m
		buyer = invoice.OrderBuyer{Name: "负载测试企业" + strconv.Itoa(b+1) + "有限公司", TaxID: TaxID(b)}
	}
	signer := device.SM2Signer{Key: ws.device.SM2()}
	code := fmt.Sprintf("0350226%05d", ws.n+1)
	var batch []invoice.Receipt
	for range k {
		ws.counter++
		id := fmt.Sprintf("LT-%03d-%07d", ws.n, ws.counter)
		o := &invoice.Order{OrderID: id, Buyer: buyer}
		for j := range 1 + int(ws.counter%4) {
			o.Lines = append(o.Lines, invoice.OrderLine{Name: fmt.Sprintf("计算机配件%02d", j), TaxCode: "1090509020000000000",
				Unit: "件", Quantity: strconv.Itoa(j + 1), UnitPrice: strconv.Itoa(100+int(ws.counter%97)) + ".50", TaxRate: "0.13"})
		}
		checked, errs := invoice.Check(o, invoice.Config{Codes: codes, Limits: invoice.DefaultLimits, Seller: seller, Operator: "负载"})
		if errs != nil {
			return fmt.Errorf("order %s: %v", id, errs)
		}
		inv := checked.Parts[0]
		if ws.digital {
			// A 数电票: the next number fetched, no code or machine, the enterprise's SM2
			// signature over the same core fields a device signs.
			inv.Kind = invoice.KindDigitalOrdinary
			inv.Issued = invoice.Issued{Number: ws.numbers[0], IssuedAt: time.Now().Truncate(time.Second)}
			ws.numbers = ws.numbers[1:]
			sig, err := device.SM2Signer{Key: ws.keys.Enterprise.SM2()}.SignCore(device.CoreFields(inv))
			if err != nil {
				return err
			}
			inv.Signature = sig
		} else {
			inv.Issued = invoice.Issued{Code: code, Number: fmt.Sprintf("%08d", ws.counter), Machine: ws.machine,
				IssuedAt: time.Now().Truncate(time.Second)}
			if err := device.Seal(signer, inv); err != nil {
				return err
			}
		}
		batch = append(batch, invoice.Receipt{Invoice: inv, Counter: ws.counter})
		ws.issued = append(ws.issued, inv.RequestID)
	}
	return ws.db.CommitIssued(batch...)
}

// watch calls progress every 50 ms with the invoices that left the workstations'
// outboxes, until the returned function is called.
func watch(wss []*workstation, progress func(int64)) func() {
	return every50ms(progress, func() int64 {
		var left int64
		for _, ws := range wss {
			total, _ := ws.db.Count()
			queued, _, _ := ws.db.PendingCount()
			left += int64(total - queued)
		}
		return left
	})
}

// every50ms calls progress with count() every 50 ms until the returned function is
// called.
func every50ms(progress func(int64), count func() int64) func() {
	if progress == nil {
		return func() {}
	}
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
			}
			progress(count())
		}
	}()
	return func() { close(done); <-stopped }
}

// timed measures the upload requests (PathInvoices) the platform answered 200 and
// counts the requests that failed.
type timed struct {
	next http.RoundTripper
	rec  *recorder
}

func (t *timed) RoundTrip(r *http.Request) (*http.Response, error) {
	t0 := time.Now()
	resp, err := t.next.RoundTrip(r)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.rec.failed.Add(1)
		return resp, err
	}
	d := time.Since(t0)
	if r.URL.Path == upload.PathInvoices {
		t.rec.add(d)
	}
	return resp, nil
}

// recorder keeps the latencies of the requests that succeeded.
type recorder struct {
	mu     sync.Mutex
	ds     []time.Duration
	failed atomic.Int64
}

func (r *recorder) add(d time.Duration) {
	r.mu.Lock()
	r.ds = append(r.ds, d)
	r.mu.Unlock()
}

func (r *recorder) summary() (int, Percentiles) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ds := append([]time.Duration(nil), r.ds...)
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	p := func(q float64) time.Duration {
		if len(ds) == 0 {
			return 0
		}
		return ds[min(len(ds)-1, int(q*float64(len(ds))))]
	}
	return len(ds), Percentiles{P50: p(0.50), P90: p(0.90), P99: p(0.99), Max: p(1)}
}
