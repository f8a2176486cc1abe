package ui

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A table in an ERP's own headers is imported through a saved column mapping, and one
// buyer's orders merged into one.
func TestInboxImportsThroughAMappingAndMerges(t *testing.T) {
	ws := newWorkstation(t)
	if err := ws.Store.SetColumnMapping("ERP", map[string]string{"单据号": "订单号", "客户名称": "购买方名称",
		"客户税号": "购买方纳税人识别号", "品名": "项目名称", "编码": "税收分类编码"}, "张三"); err != nil {
		t.Fatal(err)
	}
	u, w := newTestUI(t, ws)
	u.ShowInbox()
	b := u.inbox
	if len(b.mapping.Options) != 2 {
		t.Fatalf("options %q", b.mapping.Options)
	}
	b.mapping.SetSelected("ERP")
	b.merge.SetChecked(true)
	erp := "单据号,客户名称,客户税号,品名,编码,金额,税率\n" +
		"E-1,厦门示例科技有限公司,91350200776049653A,软件开发服务,3040201010000000000,100.00,6%\n" +
		"E-2,厦门示例科技有限公司,91350200776049653A,软件维护服务,3040201010000000000,50.00,6%\n" +
		"E-3,福州另一家公司,91350200776049653A,软件开发服务,3040201010000000000,10.00,6%\n"
	if err := b.importData("erp.csv", []byte(erp)); err != nil {
		t.Fatal(err)
	}
	if len(b.entries) != 2 || len(b.entries[0].order.Lines) != 2 || b.entries[0].order.OrderID != "E-1" {
		t.Fatalf("entries %d", len(b.entries))
	}
	for _, e := range b.entries {
		if e.errs != nil {
			t.Errorf("%s: %v", e.order.OrderID, e.errs)
		}
	}
	screenshot(t, w, "inbox-mapping")
	path := filepath.Join(t.TempDir(), "模板.xlsx")
	if err := saveTemplate(path); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := os.Stat(path + ".tmp"); err == nil {
		t.Error("temporary file left behind")
	}
}
