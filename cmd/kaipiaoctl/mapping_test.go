package main

import (
	"os"
	"strings"
	"testing"
)

// A mapping is checked, saved, shown and deleted.
func TestMappingCommand(t *testing.T) {
	data := t.TempDir()
	dir := t.TempDir()
	good, bad := dir+"/good.json", dir+"/bad.json"
	os.WriteFile(good, []byte(`{"客户名称": "buyer_name", "品名": "项目名称"}`), 0o600)
	os.WriteFile(bad, []byte(`{"客户名称": "buyer", "品名": "项目名称"}`), 0o600)
	if code, out, _ := runCLI(t, "", "--data", data, "mapping", "set", "ERP", bad); code != exitRefused || !strings.Contains(out, "mapping.unknown_column") {
		t.Fatalf("bad mapping: %d %s", code, out)
	}
	if code, _, stderr := runCLI(t, "", "--data", data, "mapping", "set", "ERP", good); code != exitOK {
		t.Fatalf("set: %d %s", code, stderr)
	}
	if code, out, _ := runCLI(t, "", "--data", data, "mapping", "ERP"); code != exitOK || !strings.Contains(out, `"品名": "项目名称"`) {
		t.Fatalf("show: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "", "--data", data, "mapping"); code != exitOK || strings.TrimSpace(out) != `["ERP"]` {
		t.Fatalf("list: %d %s", code, out)
	}
	runCLI(t, "", "--data", data, "mapping", "delete", "ERP")
	if code, _, _ := runCLI(t, "", "--data", data, "mapping", "ERP"); code != exitRefused {
		t.Fatalf("after delete: %d", code)
	}
}
