package sim_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
)

// BenchmarkIssue8LinesPTY115200 issues 8-line invoices over a pseudo-terminal paced at
// 115200 baud and reports how much of the measured time is the bytes' wire time
// (10 bits a byte, both directions): the protocol's own overhead is the rest.
// Target: wire/measured ≥ 0.8.
func BenchmarkIssue8LinesPTY115200(b *testing.B) {
	benchIssue(b, 115200)
}

// BenchmarkIssue8LinesUnpaced is the same without pacing: fsync, SM2 and the codec.
func BenchmarkIssue8LinesUnpaced(b *testing.B) {
	benchIssue(b, 0)
}

func benchIssue(b *testing.B, baud int) {
	r := newRig(b, sim.Config{Stock: 1 << 30, RollSize: 1 << 30, OfflineAmount: 1 << 60}, baud)
	first := r.request(8)
	next := num(first.ExpectedNumber)
	var wireBytes int
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		req := first
		req.RequestID = fmt.Sprintf("BENCH-%d", i)
		req.Invoice.RequestID = req.RequestID
		req.ExpectedNumber = fmt.Sprintf("%08d", next+i)
		rec, err := r.client.IssueRecord(r.ctx(), req)
		if err != nil {
			b.Fatal(err)
		}
		reqBytes, _ := req.MarshalBinary()
		respBytes, _ := rec.MarshalBinary()
		wireBytes += 2*(device.HeaderSize+device.TrailerSize) + len(reqBytes) + len(device.AppendResponse(device.CodeOK, "", respBytes))
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(wireBytes)/float64(b.N), "wire-bytes/op")
	if baud > 0 {
		wire := time.Duration(wireBytes) * 10 * time.Second / time.Duration(baud)
		b.ReportMetric(wire.Seconds()/elapsed.Seconds(), "wire/measured")
	}
}

// BenchmarkRoundTripUnpaced measures STATUS round trips over the pseudo-terminal without
// pacing. Target: ≥ 1,000 round trips a second.
func BenchmarkRoundTripUnpaced(b *testing.B) {
	r := newRig(b, sim.Config{}, 0)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := r.client.Status(r.ctx()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "roundtrips/s")
}
