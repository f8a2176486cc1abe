package ofd

import "testing"

// BenchmarkWriteOnePage is a one-page invoice to a signed OFD (BENCHMARKS.md); it
// reports the file's size.
func BenchmarkWriteOnePage(b *testing.B) {
	s := mustSamples(b)[0]
	sig := mustSigner(b)
	var n int
	for b.Loop() {
		data, err := Write(s.inv, Options{Signer: sig})
		if err != nil {
			b.Fatal(err)
		}
		n = len(data)
	}
	b.ReportMetric(float64(n), "bytes/file")
}
