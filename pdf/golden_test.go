package pdf

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// goldenDir holds the golden images; the README links them as what the invoices look
// like. `go test ./pdf -run Golden -update` rewrites them after a deliberate change:
// look at every one before committing.
const goldenDir = "../docs/invoices"

// rasterise renders page (1-based) of a PDF file with pdftoppm at dpi.
func rasterise(t *testing.T, path string, page, dpi int) image.Image {
	t.Helper()
	out := filepath.Join(t.TempDir(), fmt.Sprintf("page%d", page))
	p := fmt.Sprint(page)
	mustTool(t, "pdftoppm", "-r", fmt.Sprint(dpi), "-f", p, "-l", p, "-png", "-singlefile", path, out)
	return readPNG(t, out+".png")
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

// differing counts the pixels of a and b whose colour differs by more than tol in any
// channel (0–255); images of different sizes differ everywhere.
func differing(a, b image.Image, tol int) (n, total int) {
	ab, bb := a.Bounds(), b.Bounds()
	total = ab.Dx() * ab.Dy()
	if ab.Size() != bb.Size() {
		return total, total
	}
	for y := 0; y < ab.Dy(); y++ {
		for x := 0; x < ab.Dx(); x++ {
			r1, g1, b1, _ := a.At(ab.Min.X+x, ab.Min.Y+y).RGBA()
			r2, g2, b2, _ := b.At(bb.Min.X+x, bb.Min.Y+y).RGBA()
			if absDiff(r1, r2) > tol || absDiff(g1, g2) > tol || absDiff(b1, b2) > tol {
				n++
			}
		}
	}
	return n, total
}

func absDiff(a, b uint32) int {
	d := int(a>>8) - int(b>>8)
	if d < 0 {
		return -d
	}
	return d
}

func TestGoldenImages(t *testing.T) {
	for _, s := range append(mustSamples(t), mustDigitalSamples(t)...) {
		t.Run(s.name, func(t *testing.T) {
			_, path := signed(t, s)
			pages := 1 + s.inv.GoodsListPages()
			for page := 1; page <= pages; page++ {
				got := rasterise(t, path, page, 100)
				golden := filepath.Join(goldenDir, fmt.Sprintf("%s-%d.png", s.name, page))
				if *update {
					writePNG(t, golden, got)
					continue
				}
				want := readPNG(t, golden)
				// Anti-aliasing may shift a little between poppler builds; a real
				// change (a moved or missing field) differs in far more pixels.
				if n, total := differing(got, want, 48); n > total/1000 {
					bad := filepath.Join(t.TempDir(), filepath.Base(golden))
					writePNG(t, bad, got)
					t.Errorf("page %d differs from %s in %d of %d pixels; got %s", page, golden, n, total, bad)
				}
			}
		})
	}
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
