package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/kaipiao/kaipiao/upload"
)

// Percentiles of the upload requests' latency (from sending the envelope to the
// platform's answer with the receipts).
type Percentiles struct {
	P50 time.Duration `json:"p50"`
	P90 time.Duration `json:"p90"`
	P99 time.Duration `json:"p99"`
	Max time.Duration `json:"max"`
}

// Report is what a run found.
type Report struct {
	Workstations, Enterprises, Instances int
	Digital                              int           // workstations on the digital channel
	Issued                               int           // invoices issued by the workstations
	Elapsed                              time.Duration // from the first issue to the last outbox emptied; presealed: the first post to the last answer
	IssueTime                            time.Duration // of that, the time a workstation spent issuing (mean); presealed: all issuing, before the timed phase
	SealTime                             time.Duration // presealed: sealing the outboxes, before the timed phase
	Presealed                            bool          // Config.Presealed: Elapsed is the posting alone
	Senders                              int           // presealed, closed loop: envelopes in flight
	Rate                                 float64       // presealed, open loop: invoices/s offered
	Requests                             int           // upload requests answered 200; presealed: in the timed phase
	Retried                              int           // requests that failed (refused connection, 5xx, 409) and were retried
	Failovers                            int           // passes that ended with invoices queued: the next instance took over
	Latency                              Percentiles

	// What the platform holds, checked through every enterprise's list request.
	Held        int      // invoices of this run's devices the platform holds
	HeldTwice   []string // request IDs held under more than one number
	Lost        []string // issued, not held
	Extra       []string // held for this run's devices, never issued
	BadReceipts []string // receipts that do not verify for the workstation's invoice
	OutboxLeft  int      // invoices still queued or dead-lettered at the end
	Errors      []string

	// Slips is the slip phase's outcome (Config.Slips).
	Slips *SlipStats `json:",omitempty"`

	// CPU is the processor time each part used during the run, when measured
	// (kaipiao-platform loadtest: the generator itself, the instances it started, the
	// database's server processes with --db-pid). On a shared machine the wall-clock
	// figures depend on the neighbours; CPU time per invoice does not, much.
	CPU map[string]time.Duration `json:",omitempty"`
}

// CPUPerInvoice is the processor time all measured parts used per invoice issued.
func (r *Report) CPUPerInvoice() time.Duration {
	var sum time.Duration
	for _, d := range r.CPU {
		sum += d
	}
	if r.Issued == 0 {
		return 0
	}
	return sum / time.Duration(r.Issued)
}

// Throughput is invoices synced per second over the whole run, issuing included;
// presealed, over the timed phase (posting) alone.
func (r *Report) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Issued) / r.Elapsed.Seconds()
}

// OK says whether every invoice is held once with a receipt that verifies and every
// outbox is empty.
func (r *Report) OK() bool {
	if s := r.Slips; s != nil && (s.BothWon > 0 || s.NoneWon > 0 || len(s.Disagree) > 0) {
		return false
	}
	return len(r.HeldTwice) == 0 && len(r.Lost) == 0 && len(r.Extra) == 0 && len(r.BadReceipts) == 0 &&
		r.OutboxLeft == 0 && len(r.Errors) == 0 && r.Held == r.Issued
}

// String is the report for a person.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "workstations %d (%d on the digital channel), enterprises %d, instances %d\n", r.Workstations, r.Digital, r.Enterprises, r.Instances)
	switch {
	case !r.Presealed:
		fmt.Fprintf(&b, "issued %d invoices in %.1f s (issuing %.1f s of it): %.0f invoices/s\n",
			r.Issued, r.Elapsed.Seconds(), r.IssueTime.Seconds(), r.Throughput())
	case r.Rate > 0:
		fmt.Fprintf(&b, "presealed (issued in %.1f s, sealed in %.1f s), offered at %.0f invoices/s: %d invoices posted in %.1f s, %.0f invoices/s\n",
			r.IssueTime.Seconds(), r.SealTime.Seconds(), r.Rate, r.Issued, r.Elapsed.Seconds(), r.Throughput())
	default:
		fmt.Fprintf(&b, "presealed (issued in %.1f s, sealed in %.1f s), %d envelopes in flight: %d invoices posted in %.1f s, %.0f invoices/s\n",
			r.IssueTime.Seconds(), r.SealTime.Seconds(), r.Senders, r.Issued, r.Elapsed.Seconds(), r.Throughput())
	}
	fmt.Fprintf(&b, "upload requests %d (retried %d, failovers %d): p50 %s p90 %s p99 %s max %s\n", r.Requests, r.Retried,
		r.Failovers, r.Latency.P50.Round(time.Millisecond), r.Latency.P90.Round(time.Millisecond),
		r.Latency.P99.Round(time.Millisecond), r.Latency.Max.Round(time.Millisecond))
	fmt.Fprintf(&b, "platform holds %d; held twice %d, lost %d, extra %d, bad receipts %d, outbox left %d\n",
		r.Held, len(r.HeldTwice), len(r.Lost), len(r.Extra), len(r.BadReceipts), r.OutboxLeft)
	var disagree []string
	if r.Slips != nil {
		disagree = r.Slips.Disagree
	}
	for _, l := range [][]string{r.HeldTwice, r.Lost, r.Extra, r.BadReceipts, disagree, r.Errors} {
		for i, s := range l {
			if i == 10 {
				fmt.Fprintf(&b, "  … %d more\n", len(l)-10)
				break
			}
			fmt.Fprintf(&b, "  %s\n", s)
		}
	}
	if s := r.Slips; s != nil {
		fmt.Fprintf(&b, "slips %d (request p50 %s p99 %s): confirmed %d, withdrawn %d; both won %d, none won %d, instances disagree %d\n",
			s.Requested, s.Latency.P50.Round(time.Millisecond), s.Latency.P99.Round(time.Millisecond), s.Confirmed, s.Withdrawn,
			s.BothWon, s.NoneWon, len(s.Disagree))
	}
	if len(r.CPU) > 0 {
		fmt.Fprintf(&b, "CPU: generator %.1f s, platform %.1f s, database %.1f s: %s per invoice\n", r.CPU["generator"].Seconds(),
			r.CPU["platform"].Seconds(), r.CPU["database"].Seconds(), r.CPUPerInvoice().Round(time.Microsecond))
	}
	if r.OK() {
		b.WriteString("OK: every invoice held once, every receipt verifies, every outbox empty\n")
	} else {
		b.WriteString("FAILED\n")
	}
	return b.String()
}

// listed is a line of the platform's list answer.
type listed struct {
	Device    string          `json:"device"`
	Code      string          `json:"code"`
	Number    string          `json:"number"`
	RequestID string          `json:"request_id"`
	Receipt   json.RawMessage `json:"receipt"`
}

// check asks the platform, as each enterprise, for what it holds, and compares it with
// what the workstations issued; every receipt is verified against the workstation's
// own invoice.
func check(ctx context.Context, cfg Config, wss []*workstation, m int, rep *Report) error {
	issuedBy := map[string]*workstation{} // request ID → its workstation
	ours := map[string]bool{}
	for _, ws := range wss {
		ours[ws.machine] = true
		for _, id := range ws.issued {
			issuedBy[id] = ws
		}
		queued, dead, err := ws.db.PendingCount()
		if err != nil {
			return err
		}
		rep.OutboxLeft += queued + dead
	}
	seen := map[string]string{} // request ID → code/number
	for e := range m {
		ws := wss[e] // workstation e is enterprise e's first
		lines, err := list(ctx, ws, cfg.URLs[e%len(cfg.URLs)])
		if err != nil {
			return fmt.Errorf("listing enterprise %s: %w", TaxID(e), err)
		}
		for _, l := range lines {
			// Ours: a device of this run's, or a 数电票 (no device) of the generator's.
			if !ours[l.Device] && !(l.Device == "" && strings.HasPrefix(l.RequestID, "LT-")) {
				continue
			}
			key := l.Device + " " + l.Code + "/" + l.Number
			owner := issuedBy[l.RequestID]
			if owner == nil && earlier(wss, l) {
				continue // an earlier run's, against the same platform
			}
			if owner == nil || owner.machine != l.Device && !(owner.digital && l.Device == "") {
				rep.Extra = append(rep.Extra, key+" request "+l.RequestID)
				continue
			}
			if prev, ok := seen[l.RequestID]; ok {
				rep.HeldTwice = append(rep.HeldTwice, fmt.Sprintf("%s as %s and %s", l.RequestID, prev, key))
				continue
			}
			seen[l.RequestID] = key
			rep.Held++
			rec, err := owner.db.ByRequest(l.RequestID)
			if err == nil {
				_, err = upload.VerifyReceipt(l.Receipt, owner.keys.PlatformSign, rec.Invoice)
			}
			if err != nil {
				rep.BadReceipts = append(rep.BadReceipts, fmt.Sprintf("%s: %v", key, err))
			}
		}
	}
	for id := range issuedBy {
		if _, ok := seen[id]; !ok {
			rep.Lost = append(rep.Lost, id)
		}
	}
	return nil
}

// earlier reports whether a workstation of the run issued l in an earlier run: its store
// has the invoice under the same request ID and number.
func earlier(wss []*workstation, l listed) bool {
	var w int
	if _, err := fmt.Sscanf(l.RequestID, "LT-%03d-", &w); err != nil || w < 0 || w >= len(wss) {
		return false
	}
	rec, err := wss[w].db.ByRequest(l.RequestID)
	return err == nil && rec.Invoice.Number == l.Number && rec.Invoice.Machine == l.Device
}

// list asks the platform for the invoices it holds for ws's enterprise (a KindList
// envelope, answered with JSON lines).
func list(ctx context.Context, ws *workstation, url string) ([]listed, error) {
	env, err := upload.Seal(&upload.Payload{ID: upload.NewID(), Kind: upload.KindList, At: time.Now().UTC()},
		ws.keys.Enterprise, ws.keys.PlatformEnc)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+upload.PathList, bytes.NewReader(env))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/cms")
	resp, err := upload.NewHTTPClient(ws.keys, 5*time.Minute).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, body)
	}
	var out []listed
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var l listed
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("list line: %w", err)
		}
		out = append(out, l)
	}
	return out, sc.Err()
}
