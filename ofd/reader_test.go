package ofd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/pdf"
)

// The independent reader (docs/ofd.md): ofd.js 0.2.6 from npm, rendering in Debian's
// headless chromium through playwright-core. npm installs both into ofd/reader's
// node_modules (not committed) the first time; make deps installs chromium, node and a
// CJK font for the browser.

// readerPx is the reader's scale: ofd.js lays a page out at the screen width it is
// given; render.mjs asks for 127 dpi, which ofd.js turns into 5 px a millimetre, and
// pdftoppm renders the PDF at the same.
const readerPx = 5.0

type readerResult struct {
	File  string      `json:"file"`
	Pages int         `json:"pages"`
	Sizes [][2]string `json:"sizes"`
	Seals []struct {
		SignatureVerified bool `json:"signatureVerified"`
		DigestsVerified   bool `json:"digestsVerified"`
	} `json:"seals"`
}

// runReader renders the files with ofd.js and returns what it read, by file.
func runReader(t *testing.T, files ...string) map[string]readerResult {
	t.Helper()
	for _, tool := range []string{"node", "npm", "chromium"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: make deps installs it", tool)
		}
	}
	dir, _ := filepath.Abs("reader")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "ofd.js", "lib", "ofd.umd.min.js")); err != nil {
		cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "--ignore-scripts")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm install in %s: %v\n%s", dir, err, out)
		}
	}
	args := append([]string{filepath.Join(dir, "render.mjs"), "127"}, files...)
	cmd := exec.Command("node", args...)
	// The project's fonts as files for fontconfig: the serif one is stored gzipped in
	// assets/fonts, so it is written out unpacked.
	fonts := t.TempDir()
	for name, data := range map[string][]byte{"NotoSerifSC-GBK.ttf": assets.SerifFont(), "KaipiaoSymbols.ttf": assets.SymbolFont()} {
		if err := os.WriteFile(filepath.Join(fonts, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd.Env = append(os.Environ(), "OFD_READER_FONTS="+fonts)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ofd.js: %v\n%s", err, stderr.String())
	}
	res := map[string]readerResult{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r readerResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("ofd.js said %q: %v", sc.Text(), err)
		}
		res[r.File] = r
	}
	return res
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// inkCentroid is the darkness-weighted centre of the box (px) and the ink it holds.
func inkCentroid(img image.Image, x0, y0, x1, y1 int) (cx, cy, ink float64) {
	b := img.Bounds()
	for y := max(y0, b.Min.Y); y < min(y1, b.Max.Y); y++ {
		for x := max(x0, b.Min.X); x < min(x1, b.Max.X); x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			d := 1 - float64(r+g+bl)/3/65535
			if d < 0.25 {
				continue
			}
			cx += float64(x) * d
			cy += float64(y) * d
			ink += d
		}
	}
	if ink > 0 {
		cx, cy = cx/ink, cy/ink
	}
	return
}

// TestReaderShowsThePDFsPage renders every sample's OFD, signed and unsigned, with
// ofd.js and compares each page with the PDF's page from pdftoppm: the same size, and
// every text of the layout inked within 1 mm of where the PDF inks it. The signed
// files' seals must verify in ofd.js (its SM2 check of SES_Signature and its SM3
// check of every referenced file).
func TestReaderShowsThePDFsPage(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Fatal("pdftoppm is missing: make deps installs poppler-utils")
	}
	dir := t.TempDir()
	if d := os.Getenv("KAIPIAO_OFD_SHOTS"); d != "" {
		dir = d // keep the screenshots to look at
	}
	var files []string
	layouts := map[string]*pdf.Document{}
	for _, s := range mustSamples(t) {
		doc, err := pdf.Render(s.inv, pdf.Options{Seal: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, s.name+".pdf"), doc, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("pdftoppm", "-r", "127", "-png", filepath.Join(dir, s.name+".pdf"), filepath.Join(dir, s.name+"-pdf")).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
		d, err := pdf.Layout(s.inv, pdf.Options{Seal: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, signed := range []bool{false, true} {
			o, name := Options{}, s.name
			if signed {
				o.Signer, name = mustSigner(t), name+"-signed"
			}
			data, err := Write(s.inv, o)
			if err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(dir, name+".ofd")
			if err := os.WriteFile(f, data, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
			layouts[f] = d
		}
	}
	// Two tampered copies of the first signed file: one byte of a page changed, and
	// one byte of the SM2 signature; ofd.js must refuse each.
	tampered := tamperedCopies(t, dir, files[1])
	res := runReader(t, append(files, tampered...)...)
	for i, f := range tampered {
		r := res[f]
		if len(r.Seals) == 0 {
			t.Errorf("%s: ofd.js shows no seal", f)
			continue
		}
		for _, s := range r.Seals {
			if i == 0 && s.DigestsVerified {
				t.Errorf("%s: ofd.js passes the digests of a changed page", f)
			}
			if i == 1 && s.SignatureVerified {
				t.Errorf("%s: ofd.js passes a changed signature", f)
			}
		}
	}
	for _, f := range files {
		r, ok := res[f]
		d := layouts[f]
		if !ok || r.Pages != len(d.Pages) {
			t.Errorf("%s: ofd.js read %d pages, want %d", f, r.Pages, len(d.Pages))
			continue
		}
		signed := bytes.HasSuffix([]byte(f), []byte("-signed.ofd"))
		digital := strings.HasPrefix(filepath.Base(f), "digital-")
		if signed && digital {
			// A 数电 invoice shows no seal: its signature has no stamp, which is all
			// ofd.js verifies; ofd.Verify checks it (TestDigitalSignature).
			if len(r.Seals) != 0 {
				t.Errorf("%s: ofd.js shows %d seals on a 数电 invoice", f, len(r.Seals))
			}
		} else if signed {
			if len(r.Seals) != len(d.Pages) {
				t.Errorf("%s: ofd.js shows %d seals, want one a page", f, len(r.Seals))
			}
			for _, s := range r.Seals {
				if !s.SignatureVerified || !s.DigestsVerified {
					t.Errorf("%s: ofd.js does not verify the seal: %+v", f, s)
				}
			}
		}
		base := f[:len(f)-len(".ofd")]
		if signed {
			base = base[:len(base)-len("-signed")]
		}
		for i, p := range d.Pages {
			shot := readPNG(t, fmt.Sprintf("%s-p%d.png", f, i))
			want := readPNG(t, pdfPage(base, i, len(d.Pages)))
			sb, wb := shot.Bounds(), want.Bounds()
			if math.Abs(float64(sb.Dx()-wb.Dx())) > 2 || math.Abs(float64(sb.Dy()-wb.Dy())) > 2 {
				t.Errorf("%s page %d: ofd.js %v, PDF %v", f, i+1, sb.Size(), wb.Size())
				continue
			}
			worst, checked := 0.0, 0
			for _, tx := range p.Texts {
				if tx.Angle != 0 || tx.Color == pdf.SealColor {
					continue
				}
				em := tx.Size * 25.4 / 72
				// The run's em box: its own glyphs, not its neighbours'.
				x0, y0 := int((tx.X-0.2)*readerPx), int((tx.Y-0.9*em)*readerPx)
				x1, y1 := int((tx.X+tx.Width+0.2)*readerPx), int((tx.Y+0.15*em)*readerPx)
				ax, ay, ai := inkCentroid(shot, x0, y0, x1, y1)
				bx, by, bi := inkCentroid(want, x0, y0, x1, y1)
				if bi < 3 {
					continue // a run of spaces
				}
				checked++
				if ai < bi/4 {
					t.Errorf("%s page %d: ofd.js shows no text where the PDF shows %q", f, i+1, tx.S)
					continue
				}
				dist := math.Hypot(ax-bx, ay-by) / readerPx
				worst = math.Max(worst, dist)
				if dist > 1 {
					t.Errorf("%s page %d: %q is %.2f mm (%.2f, %.2f) from where the PDF shows it", f, i+1, tx.S, dist, (ax-bx)/readerPx, (ay-by)/readerPx)
				}
			}
			t.Logf("%s page %d: %d texts, the farthest %.2f mm from the PDF's", filepath.Base(f), i+1, checked, worst)
		}
	}
}

// pdfPage is pdftoppm's name for page i of n.
func pdfPage(base string, i, n int) string {
	if n >= 10 {
		return fmt.Sprintf("%s-pdf-%02d.png", base, i+1)
	}
	return fmt.Sprintf("%s-pdf-%d.png", base, i+1)
}

// tamperedCopies writes two copies of a signed OFD: one with a byte of its first page
// changed (an amount's digit), one with a byte of the SM2 signature changed.
func tamperedCopies(t *testing.T, dir, signed string) []string {
	t.Helper()
	data, err := os.ReadFile(signed)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, change := range []func(files map[string][]byte){
		func(files map[string][]byte) {
			p := files["Doc_0/Pages/Page_0/Content.xml"]
			k := bytes.Index(p, []byte(">10000.00<"))
			if k < 0 {
				t.Fatal("no amount to change on the page")
			}
			p[k+1] = '9'
		},
		func(files map[string][]byte) {
			v := files[SignedValuePath]
			v[len(v)-5] ^= 0x01 // inside the signature, the value's last field
		},
	} {
		files, err := Unpack(data)
		if err != nil {
			t.Fatal(err)
		}
		change(files)
		w := &writer{files: files}
		z, err := w.zip(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, fmt.Sprintf("tampered-%d.ofd", i))
		if err := os.WriteFile(f, z, 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}
