package pdf

import (
	"bytes"
	"crypto/x509"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
)

var update = flag.Bool("update", false, "rewrite the golden images under docs/invoices")

// sample is one of the invoices every end-to-end test renders.
type sample struct {
	name string
	inv  *invoice.Invoice
}

// samples are a blue invoice (example 01: a discount line), its red reversal (example
// 02 reversed: negative amounts, the red remark on two lines) and a 30-line invoice (a
// face with (详见销货清单) and two goods-list pages).
var samples = sync.OnceValues(func() ([]sample, error) {
	blue, err := pdftest.Example("01-software-service.json", "00000042")
	if err != nil {
		return nil, err
	}
	computers, err := pdftest.Example("02-computers-tax-inclusive.json", "00000043")
	if err != nil {
		return nil, err
	}
	red, err := pdftest.Red(computers, "00000044")
	if err != nil {
		return nil, err
	}
	long, err := pdftest.Long(30, "00000045")
	if err != nil {
		return nil, err
	}
	return []sample{{"blue", blue}, {"red", red}, {"thirty-lines", long}}, nil
})

func mustSamples(t testing.TB) []sample {
	t.Helper()
	s, err := samples()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var credentials = sync.OnceValues(func() (*pdftest.Credentials, error) { return pdftest.NewCredentials(false) })

// signer is the test seal: an RSA key, so that signing is deterministic.
func signer(t testing.TB) Signer {
	t.Helper()
	c, err := credentials()
	if err != nil {
		t.Fatal(err)
	}
	return Signer{Key: c.Key, Certificate: c.Cert, Chain: []*x509.Certificate{c.CA}, Reason: "电子发票签章", Location: "厦门"}
}

// signed renders the sample signed and writes it to a file in a fresh temp dir.
func signed(t *testing.T, s sample) (data []byte, path string) {
	t.Helper()
	data, err := RenderSigned(s.inv, Options{}, signer(t))
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), s.name+".pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return data, path
}

// tool runs a command-line tool and returns what it printed (its standard output,
// then its standard error, which pdfsig and qpdf also use for results). It skips the
// test when the tool is not installed.
func tool(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	out, errOut, err := runTool(t, name, args...)
	return out + errOut, err
}

func runTool(t *testing.T, name string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed (Debian: poppler-utils, qpdf, zbar-tools); skipping", name)
	}
	var out, errb bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

func mustTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := tool(t, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}
