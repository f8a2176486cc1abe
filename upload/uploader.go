package upload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/store"
)

// Device is what the tax-authority relay needs of the tax-control device;
// *device.Client has it.
type Device interface {
	// Export returns the next upload packet (empty when nothing is pending).
	Export(ctx context.Context, max int) (device.UploadPacket, error)
	// UploadAck writes the authority's acknowledgement back; the device clears its
	// offline counters through ack.Through.
	UploadAck(ctx context.Context, ack device.UploadAck) (device.Offline, error)
}

// Config wires a Syncer.
type Config struct {
	Store *store.DB
	PKI   *pki.Workstation
	URL   string // the platform's base URL, https://host:port
	// Client defaults to NewHTTPClient(PKI, 30 s).
	Client *http.Client
	// Device, when set, has its upload packets relayed to the tax authority.
	Device Device
	// DeviceCert is the device's certificate (DER, from its CAPS), offered to the platform
	// with every envelope so that it can check the device's seals.
	DeviceCert []byte
	BatchSize  int // invoices per envelope; 200
	// Parallel is how many envelopes are in flight at once; 2.
	Parallel int
	// MaxAttempts is how many times one request is tried before Once gives up and leaves
	// the entries queued; 6.
	MaxAttempts int
	Backoff     Backoff                                          // DefaultBackoff
	Sleep       func(ctx context.Context, d time.Duration) error // waits between attempts; a timer
	Now         func() time.Time                                 // time.Now
	// OnPass, when set, is called after every pass of the background loop.
	OnPass func(Counts, error)
}

// Counts are what one pass did (the `kaipiaoctl sync` output).
type Counts struct {
	Uploaded int `json:"uploaded"` // invoices sent (each counted once per pass)
	Acked    int `json:"acked"`    // receipts verified and stored: these left the outbox
	Pending  int `json:"pending"`  // still in the outbox after the pass
	Failed   int `json:"failed"`   // refused for good: moved to the dead letters
	Pulled   int `json:"pulled"`   // new orders stored from the platform
	Reported int `json:"reported"` // device records acknowledged by the tax authority
}

// Syncer drains the outbox to the platform, relays the device's upload packets and pulls
// orders. Its methods are safe for concurrent use; passes never overlap.
type Syncer struct {
	cfg Config

	pass sync.Mutex // one pass at a time: the loop's and a clerk's "sync now" queue up

	mu     sync.Mutex
	status Status
	loop   *loop
}

// New checks cfg and fills its defaults.
func New(cfg Config) (*Syncer, error) {
	if cfg.Store == nil || cfg.PKI == nil {
		return nil, errors.New("sync: a store and the workstation's PKI are required")
	}
	if cfg.URL == "" {
		return nil, errors.New("sync: no platform URL (--platform or KAIPIAO_PLATFORM)")
	}
	if cfg.Client == nil {
		cfg.Client = NewHTTPClient(cfg.PKI, 30*time.Second)
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 200
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 2
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 6
	}
	if cfg.Backoff == (Backoff{}) {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepCtx
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Syncer{cfg: cfg}, nil
}

// Once uploads the whole outbox, relays the device's upload packets and pulls orders.
// It stops at the first failure that retries did not cure and returns it with the counts
// so far; nothing is lost: an entry leaves the outbox only with a verified receipt
// stored, or, refused for good, into the dead letters.
func (s *Syncer) Once(ctx context.Context) (Counts, error) {
	s.pass.Lock()
	defer s.pass.Unlock()
	var c Counts
	// The relay talks to the device and the tax-authority endpoint, the upload to the
	// platform and the store: they share nothing, so they run side by side.
	relayed := make(chan error, 1)
	var rc Counts
	go func() {
		if s.cfg.Device == nil {
			relayed <- nil
			return
		}
		relayed <- s.relay(ctx, &rc)
	}()
	err := s.uploadAll(ctx, &c)
	if rerr := <-relayed; err == nil {
		err = rerr
	}
	c.Reported = rc.Reported
	if err == nil {
		err = s.pull(ctx, &c)
	}
	queued, _, qerr := s.cfg.Store.PendingCount()
	c.Pending = queued
	if err == nil {
		err = qerr
	}
	s.noteResult(c, err)
	return c, err
}

func (s *Syncer) uploadAll(ctx context.Context, c *Counts) error {
	for {
		recs, err := s.cfg.Store.Pending(s.cfg.BatchSize * s.cfg.Parallel)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return nil
		}
		// Batches in flight together keep both the platform's cores and ours busy: the
		// platform verifies one while we verify and store the receipts of another. Each
		// batch's receipts are stored on their own, so a failure of one loses nothing of
		// the others.
		var wg sync.WaitGroup
		var mu sync.Mutex
		var firstErr error
		done := 0
		for chunk := range slices.Chunk(recs, s.cfg.BatchSize) {
			wg.Go(func() {
				var part Counts
				n, err := s.uploadBatch(ctx, chunk, &part)
				mu.Lock()
				defer mu.Unlock()
				done += n
				c.Uploaded, c.Acked, c.Failed = c.Uploaded+part.Uploaded, c.Acked+part.Acked, c.Failed+part.Failed
				if err != nil && firstErr == nil {
					firstErr = err
				}
			})
		}
		wg.Wait()
		if firstErr != nil {
			return firstErr
		}
		if done == 0 {
			return fmt.Errorf("sync: no progress on %d invoices", len(recs))
		}
	}
}

// uploadBatch sends recs in one envelope and stores what comes back: receipts (after
// verifying them against the invoice sent) in one transaction, refusals as dead letters.
// It returns how many entries left the outbox.
func (s *Syncer) uploadBatch(ctx context.Context, recs []*store.Record, c *Counts) (int, error) {
	items, err := itemsOf(recs)
	if err != nil {
		return 0, err
	}
	c.Uploaded += len(recs)
	body, err := s.post(ctx, PathInvoices, func() *Payload { return s.invoicesPayload(items) })
	if errors.Is(err, errTooLarge) {
		c.Uploaded -= len(recs)
		if len(recs) == 1 {
			err = &PermanentError{Status: http.StatusRequestEntityTooLarge, Reason: "the invoice is too large for the platform"}
		} else {
			// Halves, one after the other: the platform's limit is on one request.
			half := len(recs) / 2
			n1, err := s.uploadBatch(ctx, recs[:half], c)
			if err != nil {
				return n1, err
			}
			n2, err := s.uploadBatch(ctx, recs[half:], c)
			return n1 + n2, err
		}
	}
	var pe *PermanentError
	if errors.As(err, &pe) {
		for _, r := range recs {
			if err := s.cfg.Store.DeadLetter(r.ID, pe.Reason); err != nil {
				return 0, err
			}
		}
		c.Failed += len(recs)
		return len(recs), nil
	}
	if err != nil {
		return 0, err
	}
	return s.storeAnswer(recs, body, c)
}

// itemsOf is the envelope's items for recs.
func itemsOf(recs []*store.Record) ([]Item, error) {
	items := make([]Item, len(recs))
	for i, r := range recs {
		raw, err := EncodeInvoice(r.Invoice)
		if err != nil {
			return nil, fmt.Errorf("sync: invoice %s: %w", r.Invoice.RequestID, err)
		}
		items[i] = Item{RequestID: r.Invoice.RequestID, Invoice: raw}
	}
	return items, nil
}

// invoicesPayload is an upload of items: a new ID and time for every attempt, so that
// a retry is not taken for a replay.
func (s *Syncer) invoicesPayload(items []Item) *Payload {
	return &Payload{ID: NewID(), Kind: KindInvoices, At: s.cfg.Now().UTC(), DeviceCert: s.cfg.DeviceCert, Items: items}
}

// storeAnswer stores the platform's answer to an upload of recs: receipts (after
// verifying them against the invoice sent) in one transaction, refusals as dead letters.
// It returns how many entries left the outbox.
func (s *Syncer) storeAnswer(recs []*store.Record, body []byte, c *Counts) (int, error) {
	var resp InvoicesResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return 0, fmt.Errorf("sync: the platform's answer: %w", err)
	}
	if len(resp.Results) != len(recs) {
		return 0, fmt.Errorf("sync: the platform answered %d results for %d invoices", len(resp.Results), len(recs))
	}
	acks := make([]store.AckEntry, 0, len(recs))
	var dead int
	for i, res := range resp.Results {
		r := recs[i]
		if res.RequestID != r.Invoice.RequestID {
			return 0, fmt.Errorf("sync: result %d is for %s, not %s", i, res.RequestID, r.Invoice.RequestID)
		}
		if res.Error != "" {
			if err := s.cfg.Store.DeadLetter(r.ID, res.Error); err != nil {
				return 0, err
			}
			dead++
			continue
		}
		rc, err := VerifyReceipt(res.Receipt, s.cfg.PKI.PlatformSign, r.Invoice)
		if err != nil {
			// Not stored, not acknowledged: the entry stays queued and the pass stops, for
			// a receipt that does not verify means the platform is not the one we trust.
			return 0, fmt.Errorf("sync: invoice %s: %w", r.Invoice.RequestID, err)
		}
		acks = append(acks, store.AckEntry{ID: r.ID, Ack: res.Receipt, At: rc.AckedAt})
	}
	if err := s.cfg.Store.AckBatch(acks); err != nil {
		return 0, err
	}
	c.Acked += len(acks)
	c.Failed += dead
	return len(acks) + dead, nil
}

// relay hands the device's upload packets to the tax authority and writes its
// acknowledgements back, until the device has nothing pending.
func (s *Syncer) relay(ctx context.Context, c *Counts) error {
	for range 1000 {
		p, err := s.cfg.Device.Export(ctx, 100)
		if err != nil {
			return fmt.Errorf("sync: exporting the device's upload packet: %w", err)
		}
		if len(p.Records) == 0 {
			return nil
		}
		packet, err := p.MarshalBinary()
		if err != nil {
			return err
		}
		body, err := s.post(ctx, PathUpload, func() *Payload {
			return &Payload{ID: NewID(), Kind: KindUpload, At: s.cfg.Now().UTC(), DeviceCert: s.cfg.DeviceCert, Packet: packet}
		})
		if err != nil {
			return fmt.Errorf("sync: device records %d..%d: %w", p.From, p.Through, err)
		}
		var ack device.UploadAck
		if err := ack.UnmarshalBinary(body); err != nil {
			return fmt.Errorf("sync: the authority's acknowledgement of %d..%d: %w", p.From, p.Through, err)
		}
		if ack.Machine != p.Machine || ack.From != p.From || ack.Through != p.Through || ack.Digest != p.Digest {
			return fmt.Errorf("sync: the authority acknowledged %s %d..%d, we sent %s %d..%d", ack.Machine, ack.From, ack.Through, p.Machine, p.From, p.Through)
		}
		if _, err := s.cfg.Device.UploadAck(ctx, ack); err != nil {
			return fmt.Errorf("sync: writing the authority's acknowledgement of %d..%d to the device: %w", p.From, p.Through, err)
		}
		c.Reported += len(p.Records)
	}
	return errors.New("sync: the device keeps exporting packets")
}

// pull fetches the orders assigned to this enterprise, stores them, then acknowledges
// them: an order lost between the platform's answer and our store is pulled again.
//
// Each pull also anchors the audit log's head at the platform and checks the head
// anchored before: a log rewritten since is reported (store.ErrAuditBroken).
func (s *Syncer) pull(ctx context.Context, c *Counts) error {
	for i := range 1000 {
		var head *AuditAnchor
		if i == 0 {
			seq, hash, err := s.cfg.Store.AuditHead()
			if err != nil {
				return err
			}
			head = &AuditAnchor{Seq: seq, Hash: hash}
		}
		body, err := s.post(ctx, PathPull, func() *Payload {
			// The device certificate names this workstation: the platform keeps one audit
			// anchor per workstation, since each has its own log.
			return &Payload{ID: NewID(), Kind: KindPull, At: s.cfg.Now().UTC(), Audit: head, DeviceCert: s.cfg.DeviceCert}
		})
		if err != nil {
			return fmt.Errorf("sync: pulling orders: %w", err)
		}
		var resp PullResponse
		if err := json.Unmarshal(body, &resp); err != nil {
			return fmt.Errorf("sync: the platform's orders: %w", err)
		}
		if resp.AuditError != "" {
			return fmt.Errorf("sync: the platform refused the audit log's head: %s: %w", resp.AuditError, store.ErrAuditBroken)
		}
		if a := resp.AuditAnchor; a != nil {
			if err := s.cfg.Store.CheckAnchor(a.Seq, a.Hash); err != nil {
				return fmt.Errorf("sync: %w", err)
			}
		}
		if len(resp.Orders) == 0 {
			return nil
		}
		orders := make([]store.PulledOrder, len(resp.Orders))
		ids := make([]string, len(resp.Orders))
		for i, o := range resp.Orders {
			orders[i] = store.PulledOrder{ID: o.ID, Order: o.Order, ReceivedAt: s.cfg.Now().UTC()}
			ids[i] = o.ID
		}
		added, err := s.cfg.Store.PutPulledOrders(orders)
		if err != nil {
			return err
		}
		c.Pulled += added
		if _, err := s.post(ctx, PathOrderAck, func() *Payload {
			return &Payload{ID: NewID(), Kind: KindOrdersAck, At: s.cfg.Now().UTC(), OrderIDs: ids}
		}); err != nil {
			return fmt.Errorf("sync: acknowledging %d orders: %w", len(ids), err)
		}
	}
	return errors.New("sync: the platform keeps sending orders")
}
