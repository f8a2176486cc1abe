package platform

import (
	"fmt"
	"testing"

	"github.com/kaipiao/kaipiao/upload"
)

// BenchmarkSlipRequestAndConfirm: one slip made (the rules of red invoices against the
// slips of its blue invoice) and confirmed, two bbolt transactions with fsync, on a
// platform holding one blue invoice and every slip made before (withdrawn after
// confirmation so that the invoice never runs out).
func BenchmarkSlipRequestAndConfirm(b *testing.B) {
	r := newSlipRig(b)
	b.ResetTimer()
	for i := range b.N {
		s, err := r.request(slipSeller, fmt.Sprint("b", i), upload.SlipRequest{Amount: "1"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.db.AnswerSlip(s.Number, slipBuyer, upload.SlipConfirm, r.now); err != nil {
			b.Fatal(err)
		}
		if _, err := r.db.AnswerSlip(s.Number, slipSeller, upload.SlipWithdraw, r.now); err != nil {
			b.Fatal(err)
		}
	}
}
