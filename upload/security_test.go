package upload_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/upload"
)

// Acceptance 3: what the platform must refuse, each through the real uploader, and
// where the refused invoices end: in the dead letters with the reason, nothing on the
// platform.

// flipOneBit corrupts one bit of the first invoices envelope on its way out.
type flipOneBit struct {
	next http.RoundTripper
	once sync.Once
}

func (f *flipOneBit) RoundTrip(req *http.Request) (*http.Response, error) {
	flip := false
	if req.URL.Path == upload.PathInvoices {
		f.once.Do(func() { flip = true })
	}
	if !flip {
		return f.next.RoundTrip(req)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	body[len(body)/3] ^= 0x10
	req = req.Clone(req.Context())
	req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	return f.next.RoundTrip(req)
}

// expectDeadLetters runs a pass and checks that the n invoices were dead-lettered with
// a reason containing want, and that the platform holds none of them.
func (r *rig) expectDeadLetters(s *upload.Syncer, n int, want string) {
	r.t.Helper()
	// With the enterprise's certificate refused, the order pull fails as well: Once
	// reports it, and the counts still say where the invoices went.
	c, err := s.Once(context.Background())
	if err != nil {
		r.t.Logf("pass: %v", err)
	}
	if c.Failed != n || c.Acked != 0 || c.Pending != 0 {
		r.t.Fatalf("counts %+v", c)
	}
	page, _ := r.db.List(store.Query{Sync: store.SyncDead, Limit: 1000})
	if len(page.Records) != n {
		r.t.Fatalf("%d dead letters, want %d", len(page.Records), n)
	}
	for _, rec := range page.Records {
		if !strings.Contains(rec.SyncError, want) {
			r.t.Fatalf("reason %q, want it to mention %q", rec.SyncError, want)
		}
	}
	if held, _ := r.pdb.Count(); held != 0 {
		r.t.Fatalf("the platform holds %d", held)
	}
}

func TestFlippedBitIsRejectedAndDeadLettered(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.issue("FLIP", 5)
	client := upload.NewHTTPClient(r.ws, 30*time.Second)
	client.Transport = &flipOneBit{next: client.Transport}
	s, _ := r.syncer(func(c *upload.Config) { c.Client = client; c.Device = nil })
	r.expectDeadLetters(s, 5, "envelope rejected")
	t.Run("the clerk's retry sends them again, intact", func(t *testing.T) {
		page, _ := r.db.List(store.Query{Sync: store.SyncDead})
		for _, rec := range page.Records {
			if err := r.db.Retry(rec.ID, "张三"); err != nil {
				t.Fatal(err)
			}
		}
		if c, err := s.Once(context.Background()); err != nil || c.Acked != 5 {
			t.Fatalf("%+v %v", c, err)
		}
		r.checkPlatformHoldsExactly(5)
	})
}

func TestEnterpriseCertificateFromAnotherCA(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.issue("CA", 3)
	other, err := pki.NewDemoSet(pki.DemoOptions{TaxID: sellerTaxID})
	if err != nil {
		t.Fatal(err)
	}
	ws := *r.ws
	ws.Enterprise = other.Enterprise
	s, _ := r.syncer(func(c *upload.Config) { c.PKI = &ws; c.Device = nil })
	r.expectDeadLetters(s, 3, "certificate signed by unknown authority")
}

func TestExpiredEnterpriseCertificate(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.issue("EXP", 3)
	expired, err := pki.IssueSM2(r.pki.CA, pki.Leaf{CommonName: "expired enterprise", SerialName: sellerTaxID,
		NotBefore: time.Now().Add(-48 * time.Hour), Validity: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ws := *r.ws
	ws.Enterprise = expired
	s, _ := r.syncer(func(c *upload.Config) { c.PKI = &ws; c.Device = nil })
	r.expectDeadLetters(s, 3, "outside of certificate validity")
}

func TestDeviceCertificateFromAnotherCA(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.issue("DEVCA", 3)
	other, err := pki.NewDemoSet(pki.DemoOptions{TaxID: sellerTaxID, Machine: r.machine})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := r.syncer(func(c *upload.Config) { c.DeviceCert = other.Device.Cert.Raw; c.Device = nil })
	r.expectDeadLetters(s, 3, "device not trusted")
}

// An invoice whose device signature does not cover its content (here: the number was
// changed after issuing) is refused alone; the batch's good invoices are acknowledged.
func TestWrongDeviceSignature(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.issue("SIG", 3)
	recs, _ := r.db.Pending(1)
	forged := *recs[0].Invoice
	forged.RequestID, forged.OrderID, forged.Number = "FORGED", "FORGED", "99999999"
	if err := r.db.ImportIssued(invoice.Receipt{Invoice: &forged, Counter: 999}); err != nil {
		t.Fatal(err)
	}
	s, _ := r.syncer(func(c *upload.Config) { c.Device = nil })
	c, err := s.Once(context.Background())
	if err != nil || c.Acked != 3 || c.Failed != 1 {
		t.Fatalf("%+v %v", c, err)
	}
	rec, _ := r.db.ByRequest("FORGED")
	if rec.Sync != store.SyncDead || !strings.Contains(rec.SyncError, "seal does not verify") {
		t.Fatalf("forged invoice: %s %q", rec.Sync, rec.SyncError)
	}
	if n, _ := r.pdb.Count(); n != 3 {
		t.Fatalf("the platform holds %d", n)
	}
}

// HTTPS trusts only the platform's transport CA: a server with a certificate from any
// other CA is not talked to, and since that says nothing about the invoices, they stay
// queued rather than dead-lettered.
func TestPlatformTLSCertificateIsPinned(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.issue("PIN", 3)
	other, err := pki.NewDemoSet(pki.DemoOptions{TaxID: sellerTaxID})
	if err != nil {
		t.Fatal(err)
	}
	ws := *r.ws
	otherWS, err := otherTLSRoots(t, other)
	if err != nil {
		t.Fatal(err)
	}
	ws.TLSRoots = otherWS.TLSRoots
	s, _ := r.syncer(func(c *upload.Config) { c.PKI = &ws; c.Device = nil })
	c, err := s.Once(context.Background())
	if err == nil || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Fatalf("want a certificate error, got %v", err)
	}
	if c.Pending != 3 || c.Failed != 0 {
		t.Fatalf("counts %+v", c)
	}
}

func otherTLSRoots(t *testing.T, set *pki.DemoSet) (*pki.Workstation, error) {
	dir := t.TempDir()
	if _, err := set.WriteWorkstation(dir, []byte("p")); err != nil {
		return nil, err
	}
	return pki.LoadWorkstation(dir, []byte("p"), time.Now())
}
