package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/ofd"
	ksync "github.com/kaipiao/kaipiao/sync"
)

// TestOFDAndXMLOfAnIssuedInvoice: `kaipiaoctl xml` writes the data file and `kaipiaoctl
// ofd` the OFD, whose Attachs holds exactly that file; unsigned (and saying so) before
// the PKI is set up, sealed with the enterprise's SM2 certificate after, and the seal
// verifies.
func TestOFDAndXMLOfAnIssuedInvoice(t *testing.T) {
	t.Setenv(ksync.DemoKeysEnv, "1")
	data := t.TempDir()
	code, out, stderr := runCLI(t, "", "--data", data, "issue", "../../docs/examples/01-software-service.json")
	if code != exitOK {
		t.Fatalf("issue: %d %s", code, stderr)
	}
	var issued struct{ Code, Number string }
	if err := json.Unmarshal([]byte(out), &issued); err != nil {
		t.Fatal(err)
	}
	ref := issued.Code + ":" + issued.Number
	dir := t.TempDir()
	xmlFile, ofdFile := filepath.Join(dir, "invoice.xml"), filepath.Join(dir, "invoice.ofd")
	if code, out, stderr := runCLI(t, "", "--data", data, "xml", ref, "-o", xmlFile); code != exitOK || strings.TrimSpace(out) != xmlFile {
		t.Fatalf("xml: %d %q %s", code, out, stderr)
	}
	code, _, stderr = runCLI(t, "", "--data", data, "ofd", "-o", ofdFile, ref)
	if code != exitOK || !strings.Contains(stderr, "unsigned") {
		t.Fatalf("ofd before pki init: %d %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "", "--data", data, "ofd", "035022600111:99999999", "-o", ofdFile); code != exitRefused {
		t.Errorf("an unknown invoice: exit %d", code)
	}
	if code, _, stderr := runCLI(t, "", "--data", data, "pki", "init", filepath.Join(t.TempDir(), "platform-pki")); code != exitOK {
		t.Fatalf("pki init: %d %s", code, stderr)
	}
	if code, _, stderr = runCLI(t, "", "--data", data, "ofd", ref, "-o", ofdFile); code != exitOK || strings.Contains(stderr, "unsigned") {
		t.Fatalf("ofd after pki init: %d %s", code, stderr)
	}
	doc, _ := os.ReadFile(ofdFile)
	x, _ := os.ReadFile(xmlFile)
	files, err := ofd.Unpack(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(files["Doc_0/Attachs/"+ofd.XMLName], x) || !bytes.Contains(x, []byte(issued.Number)) {
		t.Errorf("the OFD's attached XML differs from kaipiaoctl xml's output")
	}
	cert, err := ofd.Verify(doc)
	if err != nil {
		t.Fatalf("the sealed OFD does not verify: %v", err)
	}
	if cert.Subject.CommonName != "Kaipiao demo enterprise" {
		t.Errorf("sealed by %q, want the enterprise's certificate", cert.Subject.CommonName)
	}

	// The period export: every invoice's OFD into a zip, each sealed.
	zipFile := filepath.Join(dir, "ofds.zip")
	if code, out, stderr := runCLI(t, "", "--data", data, "ofds", "-o", zipFile); code != exitOK || !strings.Contains(out, issued.Code+"_"+issued.Number+".ofd") {
		t.Fatalf("ofds: %d %s %s", code, out, stderr)
	}
	z, err := zip.OpenReader(zipFile)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, f := range z.File {
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		r.Close()
		if _, err := ofd.Verify(b); err != nil {
			t.Errorf("%s in the zip: %v", f.Name, err)
		}
	}
}
