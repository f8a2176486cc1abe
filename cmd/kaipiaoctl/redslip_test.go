package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/platform"
	"github.com/kaipiao/kaipiao/platform/platformtest"
	"github.com/kaipiao/kaipiao/upload"
)

const (
	slipSellerTaxID = "91350200776049653A"
	slipBuyerTaxID  = "91110108MA01ABCD2X"
	slipBlueNumber  = "26357000000000000001" // the first number the platform assigns in region 35
)

// ctlRun runs kaipiaoctl in the process and returns its exit status, stdout and stderr.
func ctlRun(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, nil, &out, &errb)
	return code, out.String(), errb.String()
}

// The redslip commands of two enterprises against one platform over HTTPS: the seller's
// data folder has the demo set, the buyer's is made by `pki enterprise`; the blue 数电票 is
// put on the platform directly (issuing it is the digital channel's business).
func TestRedSlipCommandsOfSellerAndBuyer(t *testing.T) {
	t.Setenv(pki.DemoKeysEnv, "1")
	t.Setenv(pki.PassphraseEnv, "")
	pki.UseTestKeyCost()
	dir := t.TempDir()
	platDir, seller, buyer := filepath.Join(dir, "platform-pki"), filepath.Join(dir, "seller"), filepath.Join(dir, "buyer")
	set, err := pki.NewDemoSet(pki.DemoOptions{TaxID: slipSellerTaxID, Machine: "661234567890"})
	if err != nil {
		t.Fatal(err)
	}
	pass := []byte(pki.DemoPassphrase)
	if _, err := set.WritePlatform(platDir, pass); err != nil {
		t.Fatal(err)
	}
	if _, err := set.WriteWorkstation(filepath.Join(seller, pkiDir), pass); err != nil {
		t.Fatal(err)
	}
	code, out, errs := ctlRun("--data", buyer, "pki", "enterprise", platDir, "--tax-id", slipBuyerTaxID, "--name", "北京示例买方有限公司")
	if code != 0 || !strings.Contains(out, filepath.Join(buyer, pkiDir, "enterprise.crt")) {
		t.Fatalf("pki enterprise: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := ctlRun("--data", buyer, "pki", "enterprise", platDir, "--tax-id", "bad", "--name", "x"); code != exitUsage || !strings.Contains(errs, "tax ID") {
		t.Fatalf("a bad tax ID: exit %d %s", code, errs)
	}

	keys, err := pki.LoadPlatform(platDir, pass, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pdb := platformtest.Open(t, filepath.Join(dir, "platform")) // bbolt, or PostgreSQL (scripts/pgtest.sh)
	defer pdb.Close()
	putBlue(t, pdb)
	s := &platform.Server{DB: pdb, PKI: keys, RequireClientCert: true}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s.Handler(), TLSConfig: s.TLSConfig()}
	go srv.ServeTLS(ln, "", "")
	defer srv.Close()
	url := "https://" + ln.Addr().String()

	slip := func(data string, args ...string) (int, slipJSON, string) {
		t.Helper()
		code, out, errs := ctlRun(append([]string{"--data", data, "--platform", url, "redslip"}, args...)...)
		var sj slipJSON
		if code == 0 {
			if err := json.Unmarshal([]byte(out), &sj); err != nil {
				t.Fatalf("%v: %q", err, out)
			}
		}
		return code, sj, errs
	}
	code, req, errs := slip(seller, "request", "--of", slipBlueNumber, "--amount", "100", "--reason", "销售折让")
	if code != 0 || req.State != "02" || req.StartedBy != "seller" || req.Of != slipBlueNumber || req.Total != "-106.00" || len(req.Slip) != 20 {
		t.Fatalf("request: exit %d %+v %s", code, req, errs)
	}
	// The same command again finds the same slip.
	if _, again, _ := slip(seller, "request", "--of", slipBlueNumber, "--amount", "100", "--reason", "销售折让"); again.Slip != req.Slip {
		t.Fatalf("a repeat made slip %s beside %s", again.Slip, req.Slip)
	}
	code, list, errs := slip(buyer, "list", "--incoming")
	if code != 0 || list.Slip != req.Slip {
		t.Fatalf("buyer's incoming: exit %d %+v %s", code, list, errs)
	}
	if code, _, errs := slip(seller, "confirm", req.Slip); code != exitRefused || !strings.Contains(errs, "对方") {
		t.Fatalf("the seller confirming its own: exit %d %s", code, errs)
	}
	if code, got, errs := slip(buyer, "confirm", req.Slip); code != 0 || got.State != "04" {
		t.Fatalf("confirm: exit %d %+v %s", code, got, errs)
	}
	// A second slip, withdrawn by the seller; a third, refused by the buyer.
	_, w, _ := slip(seller, "request", "--of", slipBlueNumber, "--amount", "10", "--reason", "开票有误")
	if code, got, errs := slip(seller, "withdraw", w.Slip); code != 0 || got.State != "08" {
		t.Fatalf("withdraw: exit %d %+v %s", code, got, errs)
	}
	_, r, _ := slip(seller, "request", "--of", slipBlueNumber, "--amount", "20", "--reason", "开票有误")
	if code, got, errs := slip(buyer, "refuse", r.Slip); code != 0 || got.State != "05" {
		t.Fatalf("refuse: exit %d %+v %s", code, got, errs)
	}
	if code, _, errs := slip(seller, "request", "--of", slipBlueNumber, "--amount", "100000", "--reason", "开票有误"); code != exitRefused || !strings.Contains(errs, "超过") {
		t.Fatalf("too much: exit %d %s", code, errs)
	}
	if code, _, errs := slip(seller, "request", "--of", slipBlueNumber, "--reason", "不想要了"); code != exitRefused || !strings.Contains(errs, "冲红原因") {
		t.Fatalf("a bad reason: exit %d %s", code, errs)
	}
	if code, _, _ := slip(buyer, "confirm", "123"); code != exitUsage {
		t.Fatalf("a bad slip number: exit %d", code)
	}
	code, out, _ = ctlRun("--data", seller, "--platform", url, "redslip", "list")
	if code != 0 || strings.Count(out, "\n") != 3 {
		t.Fatalf("seller's slips: exit %d %s", code, out)
	}
}

// putBlue stores a 数电票 of slipSellerTaxID to slipBuyerTaxID on the platform.
func putBlue(t *testing.T, pdb platform.Store) {
	t.Helper()
	blue := &invoice.Invoice{RequestID: "B-1", OrderID: "B-1", Kind: invoice.KindDigitalSpecial,
		Seller: invoice.Party{Name: "厦门开票示范科技有限公司", TaxID: slipSellerTaxID},
		Buyer:  invoice.Party{Name: "北京示例买方有限公司", TaxID: slipBuyerTaxID},
		Lines: []invoice.Line{{Name: "咨询服务", ShortName: "信息技术服务", TaxCode: "3040201000000000000",
			Amount: 100000, Rate: invoice.Rate6, Tax: 6000}},
		Issued: invoice.Issued{Number: slipBlueNumber, IssuedAt: time.Now()}}
	raw, err := upload.EncodeInvoice(blue)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if ans, err := pdb.Fetch(platform.FetchGrant{TaxID: slipSellerTaxID, RequestID: "F-1", Numbers: 1,
		Period: platform.Period(now), Prefix: slipBlueNumber[:5], Deadline: now.Add(time.Hour)}); err != nil || ans.Segments[0].First != slipBlueNumber {
		t.Fatalf("fetch: %+v %v", ans, err)
	}
	_, errs, err := pdb.Upsert("E-blue", now, []*platform.Stored{{Number: slipBlueNumber,
		SellerTaxID: slipSellerTaxID, Digest: "d", Invoice: raw}})
	if err != nil || errs[0] != nil {
		t.Fatalf("upsert: %v %v", err, errs[0])
	}
}
