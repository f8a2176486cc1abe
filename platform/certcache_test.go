package platform

import (
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/pki"
)

// A device certificate is taken from the cache only by its exact bytes and only within
// its validity: another certificate naming the same machine is verified afresh, and an
// expired one is refused even though it verified before.
func TestDeviceCertCacheKeysOnBytesAndValidity(t *testing.T) {
	a, err := pki.NewDemoSet(pki.DemoOptions{TaxID: "91350200776049653A", Machine: "661234567890"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := a.WithDevice("661234567890")
	if err != nil {
		t.Fatal(err)
	}
	var c certCache
	now := time.Now()
	if c.known(a.Device.Cert, now) {
		t.Fatal("known before it verified")
	}
	c.add(a.Device.Cert)
	if !c.known(a.Device.Cert, now) {
		t.Fatal("not known after it verified")
	}
	if c.known(b.Device.Cert, now) {
		t.Fatal("another certificate for the same machine taken from the cache")
	}
	if c.known(a.Device.Cert, a.Device.Cert.NotAfter.Add(time.Second)) {
		t.Fatal("an expired certificate taken from the cache")
	}
}
