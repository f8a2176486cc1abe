package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/kaipiao/kaipiao/invoice"
)

var han = regexp.MustCompile(`\p{Han}`)

// In the English window the rule errors are English too: at the field, in the summary
// under the totals, and the refusals the engine returns (docs/errors.md, "Messages").
func TestRuleErrorsInEnglish(t *testing.T) {
	if err := SetLanguage("en"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = SetLanguage("zh") })
	ws := newWorkstation(t)
	u, w := newTestUI(t, ws)
	f := u.issue
	u.ShowIssue()
	test.Type(f.buyer["buyer.name"], "Example Trading Co")
	test.Type(f.buyer["buyer.tax_id"], "91350203M0001QAY9B") // the 18th character is wrong
	l := f.lines[0]
	test.Type(l.entries["name"], "Software development")
	test.Type(l.entries["tax_code"], "30402010100")
	test.Type(l.entries["quantity"], "1")
	test.Type(l.entries["unit_price"], "100")
	l.rate.SetSelected("6%")
	if f.reveal() {
		t.Fatal("a form with errors was accepted")
	}
	got := f.problems.Text
	for _, want := range []string{
		`buyer.tax_id "91350203M0001QAY9B" fails the credit-code check: the 18th character should be `,
		`lines[0].tax_code "30402010100" must be 19 digits`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the English errors lack %q:\n%s", want, got)
		}
	}
	if han.MatchString(got) {
		t.Errorf("Chinese in the English window's errors:\n%s", got)
	}
	if e := f.fieldErr[f.buyer["buyer.tax_id"]]; e == nil || !strings.HasPrefix(e.Error(), "buyer.tax_id ") {
		t.Errorf("the tax ID field's own error: %v", e)
	}
	screenshot(t, w, "issue-errors-english")

	// A refusal the engine returns reads in English as well.
	lost := fmt.Errorf("request R: %w (no answer)", invoice.ErrOutcomeUnknown)
	if m := clerkMessage(lost); han.MatchString(m) || !strings.HasPrefix(m, "the device's answer was lost") {
		t.Errorf("refusal %q", m)
	}

	// The device's banner says what is wrong with the link in English too.
	u.SetLink(LinkState{Port: "/dev/ttyUSB0", Problem: "端口 /dev/ttyUSB0 上的税控设备没有应答",
		Key: "link.silent", Args: invoice.Args{"port": "/dev/ttyUSB0"}})
	if b := u.banner.text.Text + u.banner.hint.Text; !strings.Contains(b, "the tax-control device on port /dev/ttyUSB0 does not answer") ||
		!strings.Contains(b, "Check that the device is on") {
		t.Errorf("banner %q", b)
	}
	u.SetLink(LinkState{Connected: true})

	// Back in Chinese, the same mistake reads as the clerk's form names it.
	if err := SetLanguage("zh"); err != nil {
		t.Fatal(err)
	}
	u2, _ := newTestUI(t, ws)
	f2 := u2.issue
	test.Type(f2.buyer["buyer.name"], "厦门示例科技有限公司")
	test.Type(f2.buyer["buyer.tax_id"], "91350203M0001QAY9B")
	f2.reveal()
	if !strings.Contains(f2.problems.Text, "纳税人识别号“91350203M0001QAY9B”的校验位错误") {
		t.Errorf("Chinese errors %q", f2.problems.Text)
	}
	eventually(t, "the second window's home screen", func() bool { return u2.home.today.Text != "" })
}
