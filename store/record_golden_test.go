package store

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// goldenLines reads testdata/records/name, one bucket value a line.
func goldenLines(t *testing.T, name string) [][]byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "records", name))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(raw), []byte("\n"))
	if len(lines) < 5 {
		t.Fatalf("%s: %d lines", name, len(lines))
	}
	return lines
}

// testdata/records pins the bytes of the store's own records, written by the code of
// the commit that added it: record-v1 and intent-v1 are records of version 1, which must
// read back and be written again to the letter; record-v0 (the invoices bucket of
// testdata/fixture-v4) and intent-v0 are the layout of schema 4 and before, which must
// still read and then be written as record-v0-as-v1 and intent-v0-as-v1. A change to the
// record's code that changes any of these bytes changes what is on disk.
func TestRecordGolden(t *testing.T) {
	rewriteRecord := func(raw []byte) ([]byte, error) {
		rec, err := DecodeRecord(raw)
		if err != nil {
			return nil, err
		}
		return json.Marshal(rec)
	}
	rewriteIntent := func(raw []byte) ([]byte, error) {
		in, err := decodeIntent(raw)
		if err != nil {
			return nil, err
		}
		return encodeIntent(&in)
	}
	for _, c := range []struct {
		in, want string
		rewrite  func([]byte) ([]byte, error)
	}{
		{"record-v1.jsonl", "record-v1.jsonl", rewriteRecord},
		{"record-v0.jsonl", "record-v0-as-v1.jsonl", rewriteRecord},
		{"intent-v1.jsonl", "intent-v1.jsonl", rewriteIntent},
		{"intent-v0.jsonl", "intent-v0-as-v1.jsonl", rewriteIntent},
	} {
		want := goldenLines(t, c.want)
		for i, line := range goldenLines(t, c.in) {
			got, err := c.rewrite(line)
			if err != nil {
				t.Fatalf("%s line %d: %v", c.in, i+1, err)
			}
			if !bytes.Equal(got, want[i]) {
				t.Errorf("%s line %d written as\n%s\nwant\n%s", c.in, i+1, got, want[i])
			}
		}
	}
}

// A bad figure or printed name in a record is refused, naming the line and the field.
func TestRecordBadLine(t *testing.T) {
	const head = `{"invoice":{"request_id":"R","order_id":"R","type":"e-ordinary","code":"035022600111","number":"00000001","buyer":{"name":"B"},"lines":[`
	for line, want := range map[string]string{
		`{"name":"服务","printed_name":"服务","tax_code":"3040201010000000000","amount":"1.00","tax_rate":"0.06","tax":"0.06"}`:                   `invoice: line 1: printed name "服务" is not *简称*服务`,
		`{"name":"服务","printed_name":"*a*服务","quantity":"x","tax_code":"3040201010000000000","amount":"1.00","tax_rate":"0.06","tax":"0.06"}`: `invoice: line 1: quantity: `,
		`{"name":"服务","short_name":"a","tax_code":"3040201010000000000","unit_price":"1e","amount":"1","tax_rate":"0.06","tax":"0.06"}`:       `invoice: line 1: unit price: `,
		`{"name":"服务","printed_name":"*a*服务","tax_code":"3040201010000000000","amount":"1.001","tax_rate":"0.06","tax":"0.06"}`:               `invoice: line 1: amount: `,
		`{"name":"服务","printed_name":"*a*服务","tax_code":"3040201010000000000","amount":"1.00","tax_rate":"0.06","tax":"x"}`:                   `invoice: line 1: tax: `,
		`{"name":"服务","printed_name":"*a*服务","tax_code":"3040201010000000000","amount":"1.00","tax_rate":"6%%","tax":"0.06"}`:                 `invoice: line 1: rate: `,
	} {
		v := ""
		if bytes.Contains([]byte(line), []byte("short_name")) {
			v = `"v":1,`
		}
		raw := []byte(head[:len(`{"invoice":{`)] + v + head[len(`{"invoice":{`):] + line + `]}}`)
		if _, err := DecodeRecord(raw); err == nil || !bytes.HasPrefix([]byte(err.Error()), []byte(want)) {
			t.Errorf("%s: got %v, want %s…", raw, err, want)
		}
	}
}
