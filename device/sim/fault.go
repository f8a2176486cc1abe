package sim

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Fault is one injectable fault (device/PROTOCOL.md §9).
type Fault string

// The faults. Link and timing faults act on one request/response exchange; device faults
// change the device before it handles a request; commit faults act inside ISSUE.
const (
	// Link: what the line does to bytes.
	FaultFlipHeader   Fault = "flip-header"   // a bit flipped in the response header
	FaultFlipBody     Fault = "flip-body"     // a bit flipped in the response payload
	FaultFlipCRC      Fault = "flip-crc"      // a bit flipped in the response CRC-32C
	FaultFlipRequest  Fault = "flip-request"  // the request arrived corrupted (the device NAKs)
	FaultCut          Fault = "cut"           // the response cut mid-way, then silence
	FaultGarbage      Fault = "garbage"       // noise and a false magic before the response
	FaultTrickle      Fault = "trickle"       // the response one byte per write
	FaultCoalesce     Fault = "coalesce"      // BUSY, response and a duplicate in one write
	FaultDupResponse  Fault = "dup-response"  // the response twice
	FaultStale        Fault = "stale"         // the previous exchange's response first
	FaultDropRequest  Fault = "drop-request"  // the request lost
	FaultDropResponse Fault = "drop-response" // executed, the response lost
	FaultDropNAK      Fault = "drop-nak"      // the device's NAK lost (with flip-request)
	// Timing.
	FaultBusy     Fault = "busy"      // keep-alives, then the answer
	FaultBusyStop Fault = "busy-stop" // keep-alives that stop: executed, then mute past the deadline
	FaultLate     Fault = "late"      // the answer just past the command's deadline
	// Device.
	FaultReboot        Fault = "reboot"          // power cycle before the request: session lost
	FaultPINLock       Fault = "pin-lock"        // the PIN locks
	FaultStock         Fault = "stock-exhausted" // the stock runs out
	FaultOfflineHours  Fault = "offline-hours"   // the clock jumps past the offline hours
	FaultOfflineAmount Fault = "offline-amount"  // the pending amount reaches the limit
	FaultMonthLock     Fault = "month-lock"      // the clock jumps past the issuing deadline
	// Commit (counted per executed ISSUE).
	FaultCrashAfterCommit  Fault = "crash-after-commit"  // power loss after the commit, before the reply
	FaultCrashBeforeCommit Fault = "crash-before-commit" // power loss before the commit
	// FaultFreezeBeforeCommit hangs the device before the commit (Config.Freeze):
	// kaipiao-devsim stops its own process, so the port stays open and nothing answers —
	// a device merely silent. SIGCONT resumes it (it then commits and answers); SIGKILL
	// ends it with the ISSUE never executed.
	FaultFreezeBeforeCommit Fault = "freeze-before-commit"
	// FaultRandom picks, per request, one of the recoverable link and timing faults.
	FaultRandom Fault = "random"
)

// Recoverable are the faults a correct client rides through with the right answer
// (or, for busy-stop and late, with ErrOutcomeUnknown resolvable by request ID).
var Recoverable = []Fault{
	FaultFlipHeader, FaultFlipBody, FaultFlipCRC, FaultFlipRequest, FaultCut, FaultGarbage,
	FaultTrickle, FaultCoalesce, FaultDupResponse, FaultStale, FaultDropRequest,
	FaultDropResponse, FaultDropNAK, FaultBusy, FaultReboot,
}

var known = map[Fault]bool{}

func init() {
	for _, f := range append(Recoverable, FaultBusyStop, FaultLate, FaultPINLock, FaultStock,
		FaultOfflineHours, FaultOfflineAmount, FaultMonthLock, FaultCrashAfterCommit,
		FaultCrashBeforeCommit, FaultFreezeBeforeCommit, FaultRandom) {
		known[f] = true
	}
}

type rule struct {
	fault Fault
	nth   int     // fire on the nth event (1-based); 0: use prob
	prob  float64 // fire with this probability per event
	seen  int
}

// Faults decides, reproducibly from a seed, which faults hit which exchange. The spec is
// a comma-separated list of NAME (the first event), NAME@N (the N-th event) or NAME:P
// (each event with probability P), e.g. "crash-after-commit@3" or "random:0.2,late@7".
// Events are requests for link, timing and device faults, executed ISSUEs for commit
// faults. A nil *Faults injects nothing.
type Faults struct {
	mu    sync.Mutex
	rules []*rule
	rng   *rand.Rand
	Fired map[Fault]int // how often each fault fired, for tests
}

// ParseFaults reads a fault spec.
func ParseFaults(spec string, seed uint64) (*Faults, error) {
	f := &Faults{rng: rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15)), Fired: map[Fault]int{}}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		r := &rule{nth: 1}
		name := part
		if n, p, ok := strings.Cut(part, ":"); ok {
			v, err := strconv.ParseFloat(p, 64)
			if err != nil || v < 0 || v > 1 {
				return nil, fmt.Errorf("sim: fault %q: probability %q is not between 0 and 1", part, p)
			}
			name, r.nth, r.prob = n, 0, v
		} else if n, at, ok := strings.Cut(part, "@"); ok {
			v, err := strconv.Atoi(at)
			if err != nil || v < 1 {
				return nil, fmt.Errorf("sim: fault %q: event number %q is not a positive integer", part, at)
			}
			name, r.nth = n, v
		}
		r.fault = Fault(name)
		if !known[r.fault] {
			return nil, fmt.Errorf("sim: unknown fault %q; known: %s", name, knownList())
		}
		f.rules = append(f.rules, r)
	}
	return f, nil
}

func knownList() string {
	var s []string
	for k := range known {
		s = append(s, string(k))
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

func isCommit(f Fault) bool {
	return f == FaultCrashAfterCommit || f == FaultCrashBeforeCommit || f == FaultFreezeBeforeCommit
}

func (r *rule) fire(rng *rand.Rand) bool {
	r.seen++
	if r.nth > 0 {
		return r.seen == r.nth
	}
	return rng.Float64() < r.prob
}

// forRequest returns the faults that hit the next request.
func (f *Faults) forRequest() map[Fault]bool {
	if f == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[Fault]bool{}
	for _, r := range f.rules {
		if isCommit(r.fault) || !r.fire(f.rng) {
			continue
		}
		fault := r.fault
		if fault == FaultRandom {
			fault = Recoverable[f.rng.IntN(len(Recoverable))]
		}
		out[fault] = true
		f.Fired[fault]++
	}
	return out
}

// commit reports whether the commit fault c hits this executed ISSUE.
func (f *Faults) commit(c Fault) bool {
	if f == nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	hit := false
	for _, r := range f.rules {
		if r.fault == c && r.fire(f.rng) {
			hit = true
			f.Fired[c]++
		}
	}
	return hit
}

// intn is a reproducible random number for the server's choices (which bit to flip).
func (f *Faults) intn(n int) int {
	if f == nil || n <= 0 {
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rng.IntN(n)
}

// FiredCount returns how often fault fired.
func (f *Faults) FiredCount(fault Fault) int {
	if f == nil {
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.Fired[fault]
}
