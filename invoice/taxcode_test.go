package invoice

import (
	"strings"
	"testing"
)

func TestEmbeddedCodeTable(t *testing.T) {
	if testCodes.Len() != 4205 || testCodes.Version != "2017-12-19" {
		t.Fatalf("%d codes, version %s; want 4205 of 2017-12-19", testCodes.Len(), testCodes.Version)
	}
	superseded := 0
	for _, tc := range testCodes.byCode {
		if tc.ShortName == "" {
			superseded++
		}
	}
	if superseded != 10 {
		t.Errorf("%d codes without 简称, the table has 10", superseded)
	}
	if tc, ok := testCodes.Lookup("3070401000000000000"); !ok || tc.ShortName != "餐饮服务" {
		t.Errorf("餐饮服务: %+v", tc)
	}
}

func TestImportANewerTable(t *testing.T) {
	// An administrator's newer table: same columns, any order, renamed 简称.
	csv := "short_name,code,name,rate,notes\n其他软件服务,3040201990000000000,其他软件服务,,\n"
	codes, err := ParseTaxCodes(strings.NewReader(csv), "2025-07-14")
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	cfg.Codes = codes
	o := validOrder()
	o.Lines[0].TaxCode = "3040201990000000000"
	c, errs := Check(o, cfg)
	if errs != nil || c.Invoice.Lines[0].PrintedName() != "*其他软件服务*软件开发服务" || c.Invoice.TaxCodeVersion != "2025-07-14" {
		t.Errorf("%v %+v", errs, c)
	}
	for _, bad := range []string{"code,name\n", "name,short_name\n1,2\n", "code,name,short_name\n123,x,y\n",
		"code,name,short_name\n3040201990000000000,a,b\n3040201990000000000,a,b\n"} {
		if _, err := ParseTaxCodes(strings.NewReader(bad), "v"); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	if _, err := ParseTaxCodes(strings.NewReader(csv), ""); err == nil {
		t.Error("a table needs a version")
	}
}
