package store

import (
	"strings"
	"testing"
)

// The review stored a code of ../../../../tmp/x through the journal-import path and got
// `pdfs -o DIR` to write outside DIR. The store takes no code, number or machine number
// that is not digits, on either path in.
func TestNonDigitCodesAreRefusedAtTheStore(t *testing.T) {
	db := openTemp(t)
	for _, c := range []struct{ code, number, machine, want string }{
		{"../../../../tmp/x", "00000001", "661234567890", "发票代码"},
		{"035020026011", "../../x", "661234567890", "发票号码"},
		{"035020026011", "00000001", "../etc", "机器编号"},
	} {
		is := issued("R-"+c.want, 1, "厦门示例科技有限公司", t0)
		is.Invoice.Code, is.Invoice.Number, is.Invoice.Machine = c.code, c.number, c.machine
		if err := db.ImportIssued(is); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("import of %s/%s/%s: %v", c.code, c.number, c.machine, err)
		}
		if err := db.CommitIssued(is); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("commit of %s/%s/%s: %v", c.code, c.number, c.machine, err)
		}
	}
	if page, err := db.List(Query{Limit: 10}); err != nil || len(page.Records) != 0 {
		t.Fatalf("stored %d records: %v", len(page.Records), err)
	}
}
