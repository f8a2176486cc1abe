package taxack_test

import (
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/taxack"
)

// An acknowledgement verifies with the authority's key only, and only as signed: a
// changed range or digest, or another key, is refused. The demo key is the same on every
// call (demo sets written earlier hold it).
func TestAcknowledgementVerifiesOnlyAsSigned(t *testing.T) {
	key := taxack.DemoAuthority()
	// The public key's X as the simulator derived it before this package existed: demo
	// sets written then (authority.key) must still match the simulators' trust.
	der, err := smx509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if x := fmt.Sprintf("%x", der); !key.Equal(taxack.DemoAuthority()) ||
		!strings.Contains(x, "3f71931cdce29ecc2b956661d4c082751891863d7cc761f7cadcac416e4acf5e") {
		t.Fatalf("the demo authority key changed: %s", x)
	}
	p := &device.UploadPacket{Machine: "661234567890", From: 1, Through: 5, Digest: [32]byte{1, 2, 3}}
	ack, err := taxack.Acknowledge(key, p, "TA-1", time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if ack.Machine != p.Machine || ack.From != 1 || ack.Through != 5 || ack.RequestID != "TA-1" {
		t.Fatalf("ack %+v", ack)
	}
	if !taxack.Verify(&key.PublicKey, &ack) {
		t.Fatal("the authority's own acknowledgement does not verify")
	}
	changed := ack
	changed.Through = 6
	if taxack.Verify(&key.PublicKey, &changed) {
		t.Fatal("a widened range verifies")
	}
	other := ack
	other.Digest = [32]byte{3, 2, 1}
	if taxack.Verify(&key.PublicKey, &other) {
		t.Fatal("another digest verifies")
	}
	forger, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	forged, _ := taxack.Acknowledge(forger, p, "TA-1", ack.AckedAt)
	if taxack.Verify(&key.PublicKey, &forged) {
		t.Fatal("another key's acknowledgement verifies")
	}
}
