package sim_test

import (
	"errors"
	"flag"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
)

var long = flag.Bool("long", false, "run the long seeded fault soak (≥ 10,000 frames)")

// A seeded run of random recoverable link faults on one request in ten: at the end the
// device's journal and the client's view hold the same invoices. The default run is
// short; -long makes it 5,000 commands (over 10,000 frames each way with retransmits).
func TestSeededFaultSoak(t *testing.T) {
	commands := 150
	if *long {
		commands = 5000
	}
	f, err := sim.ParseFaults("random:0.1", 20261126)
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, sim.Config{Faults: f, BusyInterval: 20 * time.Millisecond, Stock: 100000, OfflineAmount: 1 << 50}, 0)
	rng := rand.New(rand.NewPCG(1, 2))
	known := map[string]string{}
	for i := 0; i < commands; i++ {
		switch rng.IntN(4) {
		case 0, 1:
			req := r.request(1 + rng.IntN(8))
			got, err := r.client.Issue(r.ctx(), req)
			for errors.Is(err, device.ErrOutcomeUnknown) { // resolve the way the engine will
				got, err = r.client.Issue(r.ctx(), req)
			}
			if err != nil {
				t.Fatalf("command %d, Issue %s: %v", i, req.RequestID, err)
			}
			if got.Number != req.ExpectedNumber {
				t.Fatalf("Issue %s got %s, expected %s", req.RequestID, got.Number, req.ExpectedNumber)
			}
			known[req.RequestID] = got.Number
		case 2:
			if _, err := r.client.Offline(r.ctx()); err != nil {
				t.Fatalf("command %d, Offline: %v", i, err)
			}
		case 3:
			if _, err := r.client.Journal(r.ctx(), uint64(1+rng.IntN(len(known)+1)), 3); err != nil {
				t.Fatalf("command %d, Journal: %v", i, err)
			}
		}
	}
	journal := r.checkJournal()
	if len(journal) != len(known) {
		t.Fatalf("journal has %d invoices, the client %d", len(journal), len(known))
	}
	for _, rec := range journal {
		if known[rec.RequestID] != rec.Invoice.Number {
			t.Fatalf("%s: journal %s, client %s", rec.RequestID, rec.Invoice.Number, known[rec.RequestID])
		}
	}
	st := r.client.Stats()
	fired := 0
	for _, fault := range sim.Recoverable {
		fired += f.FiredCount(fault)
	}
	if fired == 0 {
		t.Fatal("no fault fired")
	}
	t.Logf("%d commands, %d request frames sent (%d retransmits), %d faults fired, %d bad and %d stale frames dropped, %d session losses",
		st.Requests, st.Requests+st.Retransmits+st.Handshakes*2, st.Retransmits, fired, st.BadFrames, st.StaleFrames, st.SessionLosses)
}
