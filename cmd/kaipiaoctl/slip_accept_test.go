package main

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/platform/platformtest"
)

// Acceptance 3 of the digital channel: two workstations of two enterprises — real
// kaipiaoctl processes — and a real kaipiao-platform over HTTPS with mutual TLS. The
// seller requests a slip for part of an invoice, the buyer sees and confirms it, the
// seller issues the red invoice, which names the blue invoice and the slip and gives the
// quota back; a slip left 72 hours is void and yields no red invoice; a refused slip
// yields none.

const (
	acceptSeller     = "91350200MA2Y0XXK5W" // the built-in simulator's, which pki init reads
	acceptSellerName = "厦门开票示范科技有限公司"
	acceptBuyer      = "91110108MA01ABCD5T"
	acceptBuyerName  = "北京示例买方有限公司"
)

// slipPlatform is a running kaipiao-platform.
type slipPlatform struct {
	cmd *exec.Cmd
	url string
}

func startSlipPlatform(t *testing.T, bin, data, pkiDir string, extra ...string) *slipPlatform {
	t.Helper()
	cmd := exec.Command(bin, append(append([]string{"--addr", "127.0.0.1:0", "--pki", pkiDir}, platformtest.Flags(t, data)...), extra...)...)
	cmd.Env = append(os.Environ(), pki.DemoKeysEnv+"=1", pki.PassphraseEnv+"=")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(data + "-log.txt"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "LISTEN ")
	if err != nil || !ok {
		cmd.Process.Kill()
		cmd.Wait()
		log, _ := os.ReadFile(logf.Name())
		t.Fatalf("kaipiao-platform did not start: %q %v\n%s", line, err, log)
	}
	p := &slipPlatform{cmd: cmd, url: url}
	t.Cleanup(p.stop)
	return p
}

func (p *slipPlatform) stop() {
	if p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.cmd.Wait()
}

// station runs one workstation's kaipiaoctl.
type station struct {
	t    *testing.T
	bin  string
	data string
	url  string
}

// run runs kaipiaoctl with args and returns its exit status, stdout and stderr.
func (s *station) run(args ...string) (int, string, string) {
	s.t.Helper()
	full := append([]string{"--data", s.data}, args...)
	if s.url != "" {
		full = append([]string{"--platform", s.url}, full...)
	}
	cmd := exec.Command(s.bin, full...)
	cmd.Env = append(os.Environ(), pki.DemoKeysEnv+"=1", pki.PassphraseEnv+"=", "KAIPIAO_OPERATOR=accept-test",
		"KAIPIAO_DEVICE=sim")
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		s.t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

// ok runs kaipiaoctl, wants exit 0, and decodes its first JSON line into v (when not nil).
func (s *station) ok(v any, args ...string) string {
	s.t.Helper()
	code, out, errs := s.run(args...)
	if code != 0 {
		s.t.Fatalf("kaipiaoctl %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	if v != nil {
		first, _, _ := strings.Cut(out, "\n")
		if err := json.Unmarshal([]byte(first), v); err != nil {
			s.t.Fatalf("kaipiaoctl %s: %v: %q", strings.Join(args, " "), err, out)
		}
	}
	return out
}

type acceptStatus struct {
	NumbersHeld int    `json:"numbers_held"`
	QuotaHeld   string `json:"quota_held"`
	QuotaUsed   string `json:"quota_used"`
}

type acceptSlip struct {
	Slip      string `json:"slip"`
	Of        string `json:"of"`
	State     string `json:"state"`
	StartedBy string `json:"started_by"`
	Amount    string `json:"amount"`
	Total     string `json:"total"`
	RedNumber string `json:"red_number"`
}

type acceptRed struct {
	Number   string `json:"number"`
	Code     string `json:"code"`
	Amount   string `json:"amount"`
	Total    string `json:"total"`
	Blue     string `json:"blue"`
	Slip     string `json:"slip"`
	Remark   string `json:"remark"`
	Replayed bool   `json:"replayed"`
}

func TestTwoEnterprisesRedInvoiceThroughASlip(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the programs")
	}
	ctl, _ := binaries(t)
	plat := platformBinary(t)
	dir := t.TempDir()
	platPKI, platData := filepath.Join(dir, "platform-pki"), filepath.Join(dir, "platform")
	seller := &station{t: t, bin: ctl, data: filepath.Join(dir, "seller")}
	buyer := &station{t: t, bin: ctl, data: filepath.Join(dir, "buyer")}

	// The seller's folder: the demo PKI (the platform's part in platPKI), the digital
	// channel, the seller as its certificate names it. The buyer's: its own certificates
	// under the same demo PKI.
	seller.ok(nil, "pki", "init", platPKI)
	seller.ok(nil, "--channel", "digital", "seller", "set", "--name", acceptSellerName, "--tax-id", acceptSeller)
	buyer.ok(nil, "pki", "enterprise", platPKI, "--tax-id", acceptBuyer, "--name", acceptBuyerName)

	p := startSlipPlatform(t, plat, platData, platPKI)
	seller.url, buyer.url = p.url, p.url
	cmd := exec.Command(plat, append(append([]string{"quota", "set"}, platformtest.Flags(t, platData)...), "--tax-id", acceptSeller, "--amount", "100000")...)
	cmd.Env = append(os.Environ(), pki.DemoKeysEnv+"=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("quota set: %v %s", err, out)
	}
	seller.ok(nil, "digital", "fetch", "--numbers", "10", "--quota", "50000")

	// A blue invoice to the buyer: 10 × 300.00 at 13 %.
	orders := filepath.Join(dir, "orders.json")
	order := `[{"order_id":"BLUE-1","type":"e-special","buyer":{"name":"` + acceptBuyerName + `","tax_id":"` + acceptBuyer +
		`","address_phone":"北京市海淀区示例路1号 010-12345678","bank_account":"示例银行北京分行 1100000001"},` +
		`"lines":[{"name":"计算机配件","tax_code":"1090509020000000000","unit":"件","quantity":"10","unit_price":"300","tax_rate":"0.13"}]}]`
	if err := os.WriteFile(orders, []byte(order), 0o600); err != nil {
		t.Fatal(err)
	}
	var blue acceptRed
	seller.ok(&blue, "issue", orders)
	if len(blue.Number) != 20 || blue.Code != "" || blue.Amount != "3000.00" {
		t.Fatalf("blue invoice %+v", blue)
	}
	seller.ok(nil, "sync", "--once")
	var before acceptStatus
	seller.ok(&before, "digital", "status")

	// 1. Part of the invoice: the seller asks, the buyer sees and confirms, the seller
	// issues the red invoice.
	var slip acceptSlip
	seller.ok(&slip, "redslip", "request", "--of", blue.Number, "--amount", "100", "--reason", "销售折让")
	if slip.State != "02" || slip.StartedBy != "seller" || slip.Of != blue.Number || slip.Total != "-113.00" {
		t.Fatalf("slip %+v", slip)
	}
	if code, _, errs := seller.run("red", "--slip", slip.Slip); code != exitRefused || !strings.Contains(errs, "02") {
		t.Fatalf("red before the buyer confirmed: exit %d %s", code, errs)
	}
	var incoming acceptSlip
	buyer.ok(&incoming, "redslip", "list", "--incoming")
	if incoming.Slip != slip.Slip || incoming.State != "02" {
		t.Fatalf("the buyer's incoming slip: %+v", incoming)
	}
	var confirmed acceptSlip
	buyer.ok(&confirmed, "redslip", "confirm", slip.Slip)
	if confirmed.State != "04" {
		t.Fatalf("confirmed: %+v", confirmed)
	}
	var red acceptRed
	seller.ok(&red, "red", "--slip", slip.Slip)
	wantRemark := "被红冲蓝字数电票号码：" + blue.Number + " 红字发票信息确认单编号：" + slip.Slip
	if len(red.Number) != 20 || red.Number == blue.Number || red.Total != "-113.00" || red.Blue != blue.Number ||
		red.Slip != slip.Slip || !strings.HasPrefix(red.Remark, wantRemark) {
		t.Fatalf("red invoice %+v, remark want %q", red, wantRemark)
	}
	// The slip was claimed for it before it was issued: nobody can withdraw it now.
	if code, _, errs := seller.run("redslip", "withdraw", slip.Slip); code != exitRefused || !strings.Contains(errs, red.Number) {
		t.Fatalf("withdrawing a slip whose red invoice is issued: exit %d %s", code, errs)
	}
	// The store holds it naming the blue invoice and the slip.
	var shownOut struct {
		Invoice struct {
			Remark string `json:"remark"`
			RedOf  struct {
				Code   string `json:"code"`
				Number string `json:"number"`
				Slip   string `json:"slip"`
			} `json:"red_of"`
		} `json:"invoice"`
	}
	if err := json.Unmarshal([]byte(seller.ok(nil, "show", red.Number)), &shownOut); err != nil {
		t.Fatal(err)
	}
	shown := shownOut.Invoice
	if shown.RedOf.Number != blue.Number || shown.RedOf.Code != "" || shown.RedOf.Slip != slip.Slip || !strings.HasPrefix(shown.Remark, wantRemark) {
		t.Fatalf("stored red invoice: %+v", shown)
	}
	// Its XML data file and its PDF name the blue invoice and the slip: the XML in the
	// 特定业务 block (and valid against docs/einvoice.xsd), the PDF in the remark.
	checkRedDocuments(t, seller, dir, red.Number, blue.Number, slip.Slip)
	// The quota its amount used is given back.
	var after acceptStatus
	seller.ok(&after, "digital", "status")
	if usedDiff(t, before.QuotaUsed, after.QuotaUsed) != "100.00" {
		t.Fatalf("quota used %s before, %s after the red invoice of 100.00", before.QuotaUsed, after.QuotaUsed)
	}
	// Uploaded, the platform records the red invoice on the slip; a second red from the
	// same slip replays the first.
	seller.ok(nil, "sync", "--once")
	var used acceptSlip
	seller.ok(&used, "redslip", "show", slip.Slip)
	if used.RedNumber != red.Number {
		t.Fatalf("the platform's slip names red invoice %q, want %s", used.RedNumber, red.Number)
	}
	var again acceptRed
	seller.ok(&again, "red", "--slip", slip.Slip)
	if again.Number != red.Number || !again.Replayed {
		t.Fatalf("red --slip again: %+v", again)
	}

	// The buyer starts a slip too (03); the seller confirms it and issues its red invoice.
	var bought acceptSlip
	buyer.ok(&bought, "redslip", "request", "--of", blue.Number, "--amount", "50", "--reason", "销货退回")
	if bought.State != "03" || bought.StartedBy != "buyer" {
		t.Fatalf("the buyer's slip: %+v", bought)
	}
	var sellerIn acceptSlip
	seller.ok(&sellerIn, "redslip", "list", "--incoming")
	if sellerIn.Slip != bought.Slip {
		t.Fatalf("the seller's incoming: %+v", sellerIn)
	}
	seller.ok(&bought, "redslip", "confirm", bought.Slip)
	var red2 acceptRed
	seller.ok(&red2, "red", "--slip", bought.Slip)
	if red2.Total != "-56.50" || red2.Slip != bought.Slip {
		t.Fatalf("the red invoice of the buyer's slip: %+v", red2)
	}
	seller.ok(&after, "digital", "status")

	// 2. A refused slip yields no red invoice.
	var refused acceptSlip
	seller.ok(&refused, "redslip", "request", "--of", blue.Number, "--amount", "200", "--reason", "开票有误")
	buyer.ok(&refused, "redslip", "refuse", refused.Slip)
	if refused.State != "05" {
		t.Fatalf("refused: %+v", refused)
	}
	countBefore := strings.Count(seller.ok(nil, "list"), "\n")
	if code, _, errs := seller.run("red", "--slip", refused.Slip); code != exitRefused || !strings.Contains(errs, "05") {
		t.Fatalf("red of a refused slip: exit %d %s", code, errs)
	}

	// 3. A slip left 72 hours is void: the platform restarted with its clock 73 hours on.
	var late acceptSlip
	seller.ok(&late, "redslip", "request", "--of", blue.Number, "--amount", "300", "--reason", "开票有误")
	p.stop()
	p = startSlipPlatform(t, plat, platData, platPKI, "--clock-offset", "73h")
	seller.url, buyer.url = p.url, p.url
	if code, _, errs := buyer.run("redslip", "confirm", late.Slip); code != exitRefused || !strings.Contains(errs, "07") {
		t.Fatalf("confirming after 72 hours: exit %d %s", code, errs)
	}
	var void acceptSlip
	seller.ok(&void, "redslip", "show", late.Slip)
	if void.State != "07" {
		t.Fatalf("after 72 hours: %+v", void)
	}
	if code, _, errs := seller.run("red", "--slip", late.Slip); code != exitRefused || !strings.Contains(errs, "07") {
		t.Fatalf("red of an expired slip: exit %d %s", code, errs)
	}
	if n := strings.Count(seller.ok(nil, "list"), "\n"); n != countBefore {
		t.Fatalf("the store went from %d to %d invoices with no red invoice issued", countBefore, n)
	}
	var final acceptStatus
	seller.ok(&final, "digital", "status")
	if final.QuotaUsed != after.QuotaUsed {
		t.Fatalf("quota used moved from %s to %s with no invoice issued", after.QuotaUsed, final.QuotaUsed)
	}

	// Quick full red: refused for an enterprise buyer; for a consumer the platform makes
	// a slip needing no confirmation (01) and the whole invoice is reversed at once.
	if code, _, errs := seller.run("red", "--quick", "--of", blue.Number); code != exitRefused || !strings.Contains(errs, "快捷全额红冲") {
		t.Fatalf("quick red of an enterprise's invoice: exit %d %s", code, errs)
	}
	consumer := filepath.Join(dir, "consumer.json")
	if err := os.WriteFile(consumer, []byte(`[{"order_id":"BLUE-2","buyer":{"name":"张三"},`+
		`"lines":[{"name":"计算机配件","tax_code":"1090509020000000000","unit":"件","quantity":"2","unit_price":"50","tax_rate":"0.13"}]}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	var blue2 acceptRed
	seller.ok(&blue2, "issue", consumer)
	seller.ok(nil, "sync", "--once")
	var quick acceptRed
	seller.ok(&quick, "red", "--quick", "--of", blue2.Number)
	if quick.Total != "-113.00" || quick.Blue != blue2.Number || len(quick.Slip) != 20 {
		t.Fatalf("quick red: %+v", quick)
	}
	var qs acceptSlip
	seller.ok(&qs, "redslip", "show", quick.Slip)
	if qs.State != "01" {
		t.Fatalf("the quick red's slip: %+v", qs)
	}
	seller.ok(nil, "sync", "--once")
	var last acceptStatus
	seller.ok(&last, "digital", "status")
	if last.QuotaUsed != final.QuotaUsed {
		t.Fatalf("quota used %s before the consumer's invoice and its quick red, %s after", final.QuotaUsed, last.QuotaUsed)
	}
}

// usedDiff is a − b for two amounts in yuan, exact to the fen.
func usedDiff(t *testing.T, a, b string) string {
	t.Helper()
	x, err := invoice.ParseMoney(a)
	if err != nil {
		t.Fatalf("%q: %v", a, err)
	}
	y, err := invoice.ParseMoney(b)
	if err != nil {
		t.Fatalf("%q: %v", b, err)
	}
	return (x - y).String()
}

// checkRedDocuments writes the red invoice's XML and PDF through kaipiaoctl and reads them
// as the buyer's software and the clerk would: xmllint against the project's schema, the
// XML's own elements, and pdftotext.
func checkRedDocuments(t *testing.T, seller *station, dir, red, blue, slip string) {
	t.Helper()
	xmlFile, pdfFile := filepath.Join(dir, red+".xml"), filepath.Join(dir, red+".pdf")
	seller.ok(nil, "xml", red, "-o", xmlFile)
	seller.ok(nil, "pdf", red, "-o", pdfFile)
	xsd, err := filepath.Abs("../../docs/einvoice.xsd")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("xmllint", "--noout", "--schema", xsd, xmlFile).CombinedOutput(); err != nil {
		t.Fatalf("xmllint: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(xmlFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Header struct {
			EIid  string `xml:"EIid"`
			Label string `xml:"InherentLabel>InIssuType>LabelCode"`
		} `xml:"Header"`
		Red struct {
			Blue string `xml:"BlueInvoiceNumber"`
			Slip string `xml:"ConfirmationNumber"`
		} `xml:"EInvoiceData>SpecificInformation>RedEInvoice"`
		Remark string `xml:"EInvoiceData>AdditionalInformation>Remark"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Header.EIid != red || doc.Header.Label != "N" || doc.Red.Blue != blue || doc.Red.Slip != slip ||
		!strings.Contains(doc.Remark, blue) || !strings.Contains(doc.Remark, slip) {
		t.Fatalf("the red invoice's XML: %+v", doc)
	}
	text, err := exec.Command("pdftotext", "-layout", pdfFile, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	flat := strings.Join(strings.Fields(string(text)), "")
	for _, want := range []string{red, "被红冲蓝字数电票号码：" + blue, "红字发票信息确认单编号：" + slip} {
		if !strings.Contains(flat, want) {
			t.Fatalf("the red invoice's PDF lacks %q:\n%s", want, text)
		}
	}
}
