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

// BenchmarkWriteDigitalOnePage is the one-page 数电 blue sample to a signed OFD.
func BenchmarkWriteDigitalOnePage(b *testing.B) {
	var s sample
	for _, x := range mustSamples(b) {
		if x.name == "digital-blue" {
			s = x
		}
	}
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
