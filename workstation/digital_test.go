package workstation

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/store"
)

// A folder on the digital channel: the channel is saved, the engine issues through
// digital.db, and the workstation refuses a seller that is not the enterprise of the
// certificate it signs with.
func TestOpenOnTheDigitalChannel(t *testing.T) {
	pki.UseTestKeyCost()
	t.Setenv(pki.DemoKeysEnv, "1")
	t.Setenv(pki.PassphraseEnv, "")
	data := t.TempDir()
	set, err := pki.NewDemoSet(pki.DemoOptions{TaxID: "91350200MA2Y0XXK5W", Machine: "661234567890"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := set.WriteWorkstation(filepath.Join(data, PKIDir), []byte(pki.DemoPassphrase)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cfg := Config{Data: data, Channel: store.ChannelDigital, Operator: "测试"}
	if _, err := Open(ctx, cfg, true); err == nil || !strings.Contains(err.Error(), "seller is not set") {
		t.Fatalf("without a seller: %v", err)
	}
	db, err := OpenStore(data)
	if err != nil {
		t.Fatal(err)
	}
	db.SetSeller(invoice.Party{Name: "别家公司", TaxID: "91350200776049653A"}, "测试")
	db.Close()
	cfg.Channel = "" // saved by the first open
	if _, err := Open(ctx, cfg, true); err == nil || !strings.Contains(err.Error(), "企业证书") {
		t.Fatalf("a seller of another tax ID: %v", err)
	}
	db, _ = OpenStore(data)
	db.SetSeller(invoice.Party{Name: "厦门数电示范有限公司", TaxID: "91350200MA2Y0XXK5W"}, "测试")
	db.Close()
	w, err := Open(ctx, cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Digital == nil || w.Channel != store.ChannelDigital || !w.Engine.Digital || w.Digital.Signer == nil {
		t.Fatalf("not on the digital channel: %+v", w)
	}
	// Nothing fetched: the order is refused, the clerk told why, nothing stored.
	o := &invoice.Order{OrderID: "D-1", Buyer: invoice.OrderBuyer{Name: "示例公司"},
		Lines: []invoice.OrderLine{{Name: "软件开发服务", TaxCode: "3040201010000000000", Amount: "100", TaxRate: "0.06"}}}
	if _, err := w.Engine.Issue(ctx, o); !errors.Is(err, invoice.ErrRefused) || !strings.Contains(err.Error(), "digital fetch") {
		t.Fatalf("issuing with nothing fetched: %v", err)
	}
	if n, _ := w.Store.Count(); n != 0 {
		t.Fatalf("%d invoices stored", n)
	}
	st, err := w.DigitalStatus()
	if err != nil || st.NumbersHeld != 0 || st.NextNumber != "" {
		t.Fatalf("status %+v %v", st, err)
	}
}
