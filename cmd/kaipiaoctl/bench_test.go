package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/workstation"
)

// benchRig is the workstation in one process: the simulator on a pseudo-terminal, the
// serial client, a bbolt store with fsync on, and the engine.
type benchRig struct {
	engine *invoice.Engine
	client *device.Client
	close  func()
}

func newBenchRig(b *testing.B, baud, stock int) *benchRig {
	b.Helper()
	dir := b.TempDir()
	running, err := sim.StartPTY(sim.Config{StatePath: filepath.Join(dir, "devsim.db"), SellerTaxID: crashSellerTaxID,
		Stock: stock, RollSize: 1000, OfflineAmount: invoice.MaxLineAmount, Seed: 1}, baud)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	client, err := device.Dial(ctx, device.SerialConfig{Path: running.PTY.Path, Baud: baud}, device.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := client.VerifyPIN(ctx, sim.DefaultPIN); err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(filepath.Join(dir, workstation.StoreFile), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	codes, _ := loadTaxCodes()
	eng := &invoice.Engine{Device: device.EngineDevice{Client: client}, Store: db, Codes: codes, Operator: "bench",
		Seller: invoice.Party{Name: "厦门开票示范科技有限公司", TaxID: crashSellerTaxID}}
	return &benchRig{engine: eng, client: client, close: func() { client.Close(); running.Close(); db.Close() }}
}

// eightLineOrders makes n orders of 8 lines each, as a clerk's typical invoice.
func eightLineOrders(prefix string, n int) []*invoice.Order {
	orders := make([]*invoice.Order, n)
	for i := range orders {
		o := &invoice.Order{OrderID: fmt.Sprintf("%s-%06d", prefix, i), Buyer: invoice.OrderBuyer{Name: "厦门示例科技有限公司",
			TaxID: "91350200776049653A"}}
		for j := 0; j < 8; j++ {
			o.Lines = append(o.Lines, invoice.OrderLine{Name: fmt.Sprintf("计算机配件%02d", j), TaxCode: "1090509020000000000",
				Spec: "K14", Unit: "件", Quantity: strconv.Itoa(j + 1), UnitPrice: "120.5", TaxRate: "0.13"})
		}
		orders[i] = o
	}
	return orders
}

// issueBench issues b.N eight-line orders as one batch and returns the elapsed time.
func issueBench(b *testing.B, r *benchRig) time.Duration {
	orders := eightLineOrders(fmt.Sprintf("B%d", b.N), b.N)
	b.ResetTimer()
	start := time.Now()
	n := 0
	err := r.engine.IssueBatch(context.Background(), orders, func(res invoice.BatchResult) {
		if res.Err != nil {
			b.Fatal(res.Err)
		}
		n += len(res.Outcomes)
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if err != nil || n != b.N {
		b.Fatalf("issued %d of %d: %v", n, b.N, err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "invoices/s")
	return elapsed
}

// BenchmarkEngineIssueUnpaced: 8-line orders through the unpaced simulator on a
// pseudo-terminal, fsync on. Target ≥ 500 invoices/s.
func BenchmarkEngineIssueUnpaced(b *testing.B) {
	r := newBenchRig(b, 0, 200000)
	defer r.close()
	issueBench(b, r)
}

// BenchmarkEngineIssuePTY115200: the same at 115200 baud, reported as the ratio of the
// time the ISSUE bytes need on the wire (10 bits a byte) to the time taken. Target ≥ 0.8.
func BenchmarkEngineIssuePTY115200(b *testing.B) {
	r := newBenchRig(b, 115200, 200000)
	defer r.close()
	elapsed := issueBench(b, r)
	// The bytes one ISSUE puts on the wire, both ways, for these orders.
	o := eightLineOrders("W", 1)[0]
	codes, _ := loadTaxCodes()
	checked, _ := invoice.Check(o, invoice.Config{Codes: codes, Limits: invoice.DefaultLimits,
		Seller: invoice.Party{Name: "厦门开票示范科技有限公司", TaxID: crashSellerTaxID}})
	req := device.IssueRequest{RequestID: o.OrderID, ExpectedNumber: "00000001", ExpectedCode: "035022600111",
		Invoice: *checked.Parts[0]}
	reqBytes, _ := req.MarshalBinary()
	issued := *checked.Parts[0]
	issued.Issued = invoice.Issued{Code: "035022600111", Number: "00000001", Machine: "661234567890",
		IssuedAt: time.Now(), CheckCode: strings.Repeat("1", 20), Cipher: strings.Repeat("0", 108), Signature: make([]byte, 72)}
	respBytes, _ := (&device.Record{Counter: 1, RequestID: o.OrderID, Invoice: issued}).MarshalBinary()
	perIssue := 2*(device.HeaderSize+device.TrailerSize) + len(reqBytes) + len(device.AppendResponse(device.CodeOK, "", respBytes))
	wire := time.Duration(perIssue*b.N) * 10 * time.Second / 115200
	b.ReportMetric(wire.Seconds()/elapsed.Seconds(), "wire/measured")
}

// The store with a million invoices: generated once by a child process into the temp
// folder (about 2 GB; kept for later runs), so that this process's memory is only what
// opening and reading it costs.

const millionInvoices = 1_000_000

func millionStorePath() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("kaipiao-bench-%d-v3.db", millionInvoices))
}

// TestGenerateMillionStore is the child that writes the file; it runs only when asked.
func TestGenerateMillionStore(t *testing.T) {
	path := os.Getenv("KAIPIAO_GENERATE_STORE")
	if path == "" {
		t.Skip("generates the benchmark store when KAIPIAO_GENERATE_STORE names its path")
	}
	db, err := store.Open(path+".tmp", store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.Local)
	const batch = 20000
	for done := 0; done < millionInvoices; done += batch {
		receipts := make([]invoice.Receipt, batch)
		for i := range receipts {
			n := done + i
			inv := &invoice.Invoice{RequestID: fmt.Sprintf("GEN-%07d", n), OrderID: fmt.Sprintf("GEN-%07d", n),
				Kind: invoice.KindOrdinary, Seller: invoice.Party{Name: "厦门开票示范科技有限公司", TaxID: crashSellerTaxID},
				Buyer: invoice.Party{Name: fmt.Sprintf("示例客户%04d有限公司", n%2000), TaxID: "91350200776049653A"}}
			for j := 0; j < 3; j++ {
				amount := invoice.Money(10000 + n%9000 + j)
				inv.Lines = append(inv.Lines, invoice.Line{Name: fmt.Sprintf("计算机配件%02d", j), ShortName: "电子计算机",
					TaxCode: "1090509020000000000", Unit: "件", Amount: amount, Rate: invoice.Rate13, Tax: invoice.Rate13.TaxOn(amount)})
			}
			inv.Code, inv.Number = fmt.Sprintf("0350226%03d11", n/100000), fmt.Sprintf("%08d", n%100000+1)
			inv.Machine, inv.CheckCode = "661234567890", fmt.Sprintf("%020d", n)
			inv.IssuedAt = t0.Add(time.Duration(n) * 20 * time.Second)
			receipts[i] = invoice.Receipt{Invoice: inv, Counter: uint64(n + 1)}
		}
		if err := db.ImportIssued(receipts...); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
}

func millionStore(b *testing.B) string {
	b.Helper()
	path := millionStorePath()
	if _, err := os.Stat(path); err == nil {
		return path
	}
	b.Logf("generating %s (once; a few minutes)", path)
	cmd := exec.Command(os.Args[0], "-test.run=^TestGenerateMillionStore$", "-test.timeout=30m")
	cmd.Env = append(os.Environ(), "KAIPIAO_GENERATE_STORE="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("generating the store: %v\n%s", err, out)
	}
	return path
}

// rssMB reads this process's resident set size.
func rssMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkStoreMillion: open the store and list the newest 100 (target ≤ 200 ms),
// search by buyer name (≤ 100 ms); resident memory after both (≤ 200 MB).
func BenchmarkStoreMillion(b *testing.B) {
	path := millionStore(b)
	b.Run("OpenAndListNewest100", func(b *testing.B) {
		for b.Loop() {
			db, err := store.Open(path, store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			page, err := db.List(store.Query{Limit: 100})
			if err != nil || len(page.Records) != 100 {
				b.Fatalf("%d %v", len(page.Records), err)
			}
			db.Close()
		}
		b.ReportMetric(rssMB(), "rss-MB")
	})
	db, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.Run("SearchBuyer", func(b *testing.B) {
		for b.Loop() {
			page, err := db.List(store.Query{Buyer: "示例客户0042", Limit: 100})
			if err != nil || len(page.Records) != 100 {
				b.Fatalf("%d %v", len(page.Records), err)
			}
		}
		b.ReportMetric(rssMB(), "rss-MB")
	})
	b.Run("SearchBuyerBroad", func(b *testing.B) {
		for b.Loop() {
			page, err := db.List(store.Query{Buyer: "有限公司", Limit: 100})
			if err != nil || len(page.Records) != 100 {
				b.Fatalf("%d %v", len(page.Records), err)
			}
		}
		b.ReportMetric(rssMB(), "rss-MB")
	})
}
