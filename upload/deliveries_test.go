package upload_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/platform"
	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/upload"
)

// postRaw sends an envelope as a workstation would, without the uploader.
func (r *rig) postRaw(path string, env []byte) (int, []byte) {
	r.t.Helper()
	resp, err := upload.NewHTTPClient(r.ws, 30*time.Second).Post(r.url()+path, "application/cms", bytes.NewReader(env))
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func (r *rig) seal(p *upload.Payload) []byte {
	r.t.Helper()
	env, err := upload.Seal(p, r.ws.Enterprise, r.ws.PlatformEnc)
	if err != nil {
		r.t.Fatal(err)
	}
	return env
}

// deliver posts items in one new envelope and returns the receipts by request ID.
func (r *rig) deliver(items ...upload.Item) map[string]string {
	r.t.Helper()
	status, body := r.postRaw(upload.PathInvoices, r.seal(&upload.Payload{ID: upload.NewID(), Kind: upload.KindInvoices,
		At: time.Now(), DeviceCert: r.pki.Device.Cert.Raw, Items: items}))
	if status != http.StatusOK {
		r.t.Fatalf("HTTP %d: %s", status, body)
	}
	var resp upload.InvoicesResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		r.t.Fatal(err)
	}
	out := map[string]string{}
	for _, res := range resp.Results {
		if res.Error != "" {
			r.t.Fatalf("%s refused: %s", res.RequestID, res.Error)
		}
		if prev, ok := out[res.RequestID]; ok && prev != string(res.Receipt) {
			r.t.Fatalf("%s: two receipts in one answer", res.RequestID)
		}
		out[res.RequestID] = string(res.Receipt)
	}
	return out
}

func (r *rig) items(n int) []upload.Item {
	r.t.Helper()
	recs, err := r.db.Pending(n)
	if err != nil {
		r.t.Fatal(err)
	}
	out := make([]upload.Item, len(recs))
	for i, rec := range recs {
		raw, _ := json.Marshal(rec.Invoice)
		out[i] = upload.Item{RequestID: rec.Invoice.RequestID, Invoice: raw}
	}
	return out
}

func TestDuplicateAndReorderedDeliveries(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.issue("DUP", 3)
	it := r.items(3)
	first := r.deliver(it[0], it[1], it[2])
	for _, again := range [][]upload.Item{{it[2], it[1], it[0]}, {it[1], it[1]}, {it[2]}} {
		got := r.deliver(again...)
		for id, rc := range got {
			if rc != first[id] {
				t.Fatalf("%s: a redelivery got a new receipt", id)
			}
		}
	}
	if n, _ := r.pdb.Count(); n != 3 {
		t.Fatalf("the platform holds %d", n)
	}
	s, _ := r.syncer(nil)
	if c, err := s.Once(context.Background()); err != nil || c.Acked != 3 {
		t.Fatalf("%+v %v", c, err)
	}
	r.checkPlatformHoldsExactly(3)
}

// Acceptance 2, the workstation killed mid-sync: a child process runs the sync and is
// killed with SIGKILL once the platform has committed a batch and before the answer
// arrives. The next run finishes the job, and nothing is held twice.
func TestWorkstationKilledMidSync(t *testing.T) {
	if dir := os.Getenv("KAIPIAO_SYNC_CHILD"); dir != "" {
		syncChild(dir, os.Getenv("KAIPIAO_SYNC_URL"))
		return
	}
	r := newRig(t, rigOptions{})
	r.issue("KILL", 120)
	r.db.Close() // the child has it now
	committed := make(chan struct{})
	var once sync.Once
	r.faults(func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.URL.Path != upload.PathInvoices {
				h.ServeHTTP(w, req)
				return
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			once.Do(func() { close(committed) })
			<-req.Context().Done()
		})
	})
	cmd := exec.Command(os.Args[0], "-test.run=^TestWorkstationKilledMidSync$")
	cmd.Env = append(os.Environ(), "KAIPIAO_SYNC_CHILD="+r.dir, "KAIPIAO_SYNC_URL="+r.url())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-committed:
		_ = cmd.Process.Kill()
		<-exited
	case err := <-exited:
		t.Fatalf("the child ended before the platform committed: %v\n%s", err, out.Bytes())
	}
	if n, _ := r.pdb.Count(); n == 0 {
		t.Fatal("the platform committed nothing before the kill")
	}
	r.faults(nil)
	r.openStore(false)
	if q, _, _ := r.db.PendingCount(); q != 120 {
		t.Fatalf("after the kill the outbox holds %d, want all 120 (no receipt was stored)", q)
	}
	s, _ := r.syncer(nil)
	if c, err := s.Once(context.Background()); err != nil || c.Acked != 120 {
		t.Fatalf("%+v %v", c, err)
	}
	r.checkPlatformHoldsExactly(120)
}

// syncChild is the killed workstation: it syncs the rig's store with the keys on disk.
func syncChild(dir, url string) {
	keys, err := pki.LoadWorkstation(filepath.Join(dir, "ws-pki"), []byte("test passphrase"), time.Now())
	if err != nil {
		panic(err)
	}
	db, err := store.Open(filepath.Join(dir, "kaipiao.db"), store.Options{LockTimeout: 10 * time.Second})
	if err != nil {
		panic(err)
	}
	dev, err := pki.ReadCert(filepath.Join(dir, "ws-pki", pki.FileDevice+".crt"))
	if err != nil {
		panic(err)
	}
	s, err := upload.New(upload.Config{Store: db, PKI: keys, URL: url, BatchSize: 50, DeviceCert: dev.Raw})
	if err != nil {
		panic(err)
	}
	_, _ = s.Once(context.Background())
	os.Exit(0)
}

// Acceptance 3, replay: the same envelope sent again changes nothing.
func TestReplayedEnvelopeChangesNothing(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.issue("RPL", 2)
	env := r.seal(&upload.Payload{ID: upload.NewID(), Kind: upload.KindInvoices, At: time.Now(),
		DeviceCert: r.pki.Device.Cert.Raw, Items: r.items(2)})
	status, first := r.postRaw(upload.PathInvoices, env)
	if status != http.StatusOK {
		t.Fatalf("HTTP %d: %s", status, first)
	}
	var before []string
	r.pdb.Invoices("", func(s *platform.Stored) error { before = append(before, string(s.Receipt)); return nil })
	status, body := r.postRaw(upload.PathInvoices, env)
	if status != http.StatusConflict {
		t.Fatalf("replay answered HTTP %d: %s", status, body)
	}
	var after []string
	r.pdb.Invoices("", func(s *platform.Stored) error { after = append(after, string(s.Receipt)); return nil })
	if len(after) != 2 || after[0] != before[0] || after[1] != before[1] {
		t.Fatal("the replay changed what the platform holds")
	}
}
