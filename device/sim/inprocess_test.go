package sim_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
)

// TestInProcessLink: the built-in simulator Windows uses (a pipe pair, no
// pseudo-terminal) issues and reads its journal back through the real client, unpaced
// and paced at 115200 baud.
func TestInProcessLink(t *testing.T) {
	for _, baud := range []int{0, 115200} {
		cfg := sim.Config{StatePath: filepath.Join(t.TempDir(), "device.db")}
		r, err := sim.StartInProcess(cfg, baud)
		if err != nil {
			t.Fatal(err)
		}
		c := device.NewClient(r.Port, device.Options{Baud: baud})
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := c.VerifyPIN(ctx, sim.DefaultPIN); err != nil {
			t.Fatalf("%d baud: VerifyPIN: %v", baud, err)
		}
		for i := 0; i < 3; i++ {
			st, err := c.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			id := "INPROC-" + string(rune('A'+i))
			if _, err := c.Issue(ctx, device.IssueRequest{RequestID: id, ExpectedCode: st.NextCode,
				ExpectedNumber: st.NextNumber, Invoice: sampleInvoice(id, 8)}); err != nil {
				t.Fatalf("%d baud: Issue: %v", baud, err)
			}
		}
		recs, err := c.Journal(ctx, 1, 100)
		if err != nil || len(recs) != 3 {
			t.Fatalf("%d baud: journal %d records, %v", baud, len(recs), err)
		}
		for _, rec := range recs {
			if err := device.VerifySeal(r.Device.Certificate(), &rec.Invoice); err != nil {
				t.Fatal(err)
			}
		}
		cancel()
		c.Close()
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
