package workstation

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/shopspring/decimal"
)

// openService is the service over a fresh data folder and the in-process simulator, as
// the window opens it.
func openService(t *testing.T) (*Service, *Workstation) {
	t.Helper()
	w, err := OpenWindow(context.Background(), Config{Data: t.TempDir(), Device: "sim:inprocess", Operator: "kaipiao"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	if st := w.Link.State(); !st.Connected {
		t.Fatalf("not connected: %+v", st)
	}
	return NewService(w), w
}

// The first run and the log-in: the operator who logged in is the one the audit log
// names and the default 开票人 of what they issue.
func TestServiceSessionActsForWhoLoggedIn(t *testing.T) {
	s, _ := openService(t)
	if has, _ := s.HasOperators(); has {
		t.Fatal("a fresh folder has operators")
	}
	seller, _ := s.Seller() // the simulator's demo seller, as the first run offers it
	seller.AddressPhone = "厦门市思明区 0592-0000000"
	if err := s.SetUp("管理员", "short", seller); !errors.Is(err, ErrWeakPassword) {
		t.Fatalf("a weak password: %v", err)
	}
	if err := s.SetUp("管理员", "admin-pass", seller); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateOperator("张三", RoleClerk, "clerk-pass"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LogIn("张三", "wrong-pass"); !errors.Is(err, ErrBadLogin) {
		t.Fatalf("a wrong password: %v", err)
	}
	op, err := s.LogIn("张三", "clerk-pass")
	if err != nil || op.Role != RoleClerk || s.Operator() != "张三" {
		t.Fatalf("log-in: %+v, %v; acting for %q", op, err, s.Operator())
	}
	outs, err := s.Issue(context.Background(), smallOrder("SVC-1"))
	if err != nil {
		t.Fatal(err)
	}
	if inv := outs[0].Invoice; inv.Issuer != "张三" || inv.Seller.AddressPhone != seller.AddressPhone {
		t.Fatalf("issuer %q, seller %+v", inv.Issuer, inv.Seller)
	}
	if err := s.PutBuyers(invoice.Party{Name: "厦门示例科技有限公司", TaxID: "91350200776049653A"}); err != nil {
		t.Fatal(err)
	}
	log, err := s.AuditLog(0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	who := map[string]string{}
	for _, e := range log {
		who[e.Action] = e.Operator
	}
	if who["operator.create"] != "管理员" || who["buyer.put"] != "张三" {
		t.Fatalf("the audit log names %v", who)
	}
	if n, err := s.VerifyAudit(); err != nil || n != len(log) {
		t.Fatalf("audit: %d of %d, %v", n, len(log), err)
	}
}

// The home screen's figures are the device's: its next number, the stock left over all
// rolls, the offline counters; the banner's link names the port as the clerk knows it.
func TestServiceChannelStateIsTheDevices(t *testing.T) {
	s, w := openService(t)
	ctx := context.Background()
	if _, err := s.Issue(ctx, smallOrder("SVC-2")); err != nil {
		t.Fatal(err)
	}
	st, err := s.ChannelState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dev, _ := w.Link.Status(ctx)
	rolls, _ := w.Link.Stock(ctx)
	off, _ := w.Link.Offline(ctx)
	left := 0
	for _, r := range rolls {
		left += int(r.Remaining)
	}
	if st.Machine != dev.Machine || st.NextNumber != dev.NextCode+":"+dev.NextNumber || st.StockLeft != left ||
		st.OfflineAmount != off.PendingAmount || st.OfflineAmount == 0 || st.OfflineHours != off.HoursLimit || len(st.Locks) != 0 {
		t.Fatalf("state %+v from %+v, %d left, %+v", st, dev, left, off)
	}
	if l := s.Link(); !l.Connected || l.Port != PortName("sim:inprocess") {
		t.Fatalf("link %+v", l)
	}
	if p := s.Panel(); p == nil {
		t.Fatal("no device panel")
	} else if ps, err := p.Status(ctx); err != nil || ps.Machine != dev.Machine {
		t.Fatalf("panel status %+v, %v", ps, err)
	}
}

// A port chosen in the banner is kept for the next start, in the operator's name.
func TestServiceChooseDeviceKeepsThePort(t *testing.T) {
	s, _ := openService(t)
	if err := s.SetConnection(Connection{Device: "sim:inprocess", Platform: "https://platform.example.com"}); err != nil {
		t.Fatal(err)
	}
	s.ChooseDevice("/dev/ttyNOPE")
	c, err := s.Connection()
	if err != nil || c.Device != "/dev/ttyNOPE" || c.Platform != "https://platform.example.com" {
		t.Fatalf("saved %+v, %v", c, err)
	}
}

// Master data: an import saves all rows, the suggestions find them as the clerk types,
// and a saved price comes back as saved.
func TestServiceMasterDataAndSuggestions(t *testing.T) {
	s, _ := openService(t)
	g := Goods{Name: "软件开发服务", TaxCode: "3040201010000000000", ShortName: "信息技术服务", Rate: invoice.Rate6,
		Unit: "项", Price: decimal.RequireFromString("5000.5")}
	if err := s.PutGoods(g); err != nil {
		t.Fatal(err)
	}
	got := s.SuggestGoods("软件")
	if len(got) != 1 || got[0].Name != g.Name || !got[0].Price.Equal(g.Price) {
		t.Fatalf("suggested %+v", got)
	}
	if len(s.SuggestGoods("硬件")) != 0 {
		t.Fatal("suggested goods that do not match")
	}
	if _, err := s.ImportGoods([]byte("not a workbook")); err == nil {
		t.Fatal("a file that is not a workbook imported")
	}
	if all, _ := s.AllGoods(); len(all) != 1 {
		t.Fatalf("a failed import changed the goods: %d", len(all))
	}
	if err := s.DeleteGoods(g.Name, g.Spec); err != nil {
		t.Fatal(err)
	}
	if len(s.SuggestGoods("软件")) != 0 {
		t.Fatal("deleted goods still suggested")
	}
}

// RetryDead puts every dead letter back in the outbox.
func TestServiceRetryDead(t *testing.T) {
	s, w := openService(t)
	outs, err := s.Issue(context.Background(), smallOrder("SVC-3"))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := w.Store.ByRequest(outs[0].Invoice.RequestID)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Store.DeadLetter(rec.ID, "certificate expired"); err != nil {
		t.Fatal(err)
	}
	if q, d, _ := s.PendingCount(); q != 0 || d != 1 {
		t.Fatalf("before: %d queued, %d dead", q, d)
	}
	if err := s.RetryDead(); err != nil {
		t.Fatal(err)
	}
	if q, d, _ := s.PendingCount(); q != 1 || d != 0 {
		t.Fatalf("after: %d queued, %d dead", q, d)
	}
	if _, ok := s.SyncStatus(); ok {
		t.Fatal("a sync reported without a platform")
	}
}

// Over a store alone (kaipiaoctl's reading commands) the service reads and keeps data,
// and refuses to issue: there is no channel.
func TestServiceWithStoreRefusesToIssue(t *testing.T) {
	db, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w, err := WithStore(t.TempDir(), db, "kaipiaoctl")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s := NewService(w)
	if err := s.SetSeller(invoice.Party{Name: sim.DemoSellerName, TaxID: "91350200776049653A"}); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Seller(); p.Name != sim.DemoSellerName {
		t.Fatalf("seller %+v", p)
	}
	_, err = s.Issue(context.Background(), smallOrder("SVC-4"))
	if err == nil || !strings.Contains(err.Error(), "not connected") {
		t.Fatalf("issued without a channel: %v", err)
	}
}
