package pdf

import (
	"github.com/kaipiao/kaipiao/pdf/pdftest"
	"html"
	"image"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The preview and the PDF come from one display list; these tests check that the two
// renderers agree with it and with each other, as a clerk comparing the screen with
// the print would.

func TestPreviewLooksLikeThePrintedPDF(t *testing.T) {
	for _, s := range mustSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			_, path := signed(t, s)
			imgs, err := Preview(s.inv, Options{Seal: true}, 100)
			if err != nil {
				t.Fatal(err)
			}
			if want := 1 + s.inv.GoodsListPages(); len(imgs) != want {
				t.Fatalf("preview has %d pages, want %d", len(imgs), want)
			}
			for i, img := range imgs {
				pdf := rasterise(t, path, i+1, 100)
				// The two anti-alias differently, and poppler snaps thin rules to whole
				// pixels, which shows at single pixels; compared in 8 × 8 blocks (2 mm),
				// a field moved by a character's width or missing still differs in
				// dozens of blocks, while the renderers' differences stay below 0.2 %.
				n, total := differing(blocks(img, 8), blocks(pdf, 8), 40)
				t.Logf("page %d: %d of %d pixels differ", i+1, n, total)
				if n > total/500 {
					t.Errorf("page %d: preview and PDF differ in %d of %d pixels", i+1, n, total)
				}
			}
		})
	}
}

// blocks averages an image over k × k squares.
func blocks(img image.Image, k int) image.Image {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()/k, b.Dy()/k))
	for y := 0; y < b.Dy()/k; y++ {
		for x := 0; x < b.Dx()/k; x++ {
			var r, g, bl uint32
			for dy := 0; dy < k; dy++ {
				for dx := 0; dx < k; dx++ {
					cr, cg, cb, _ := img.At(b.Min.X+x*k+dx, b.Min.Y+y*k+dy).RGBA()
					r, g, bl = r+cr>>8, g+cg>>8, bl+cb>>8
				}
			}
			n := uint32(k * k)
			out.Set(x, y, color.RGBA{uint8(r / n), uint8(g / n), uint8(bl / n), 255})
		}
	}
	return out
}

var bboxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

func TestPDFTextSitsWhereTheLayoutPutsIt(t *testing.T) {
	const ptPerMM = 72 / 25.4
	for _, s := range mustSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			_, path := signed(t, s)
			d, err := Layout(s.inv, Options{Seal: true})
			if err != nil {
				t.Fatal(err)
			}
			out := mustTool(t, "pdftotext", "-bbox", path, "-")
			pages := strings.Split(out, "<page ")[1:]
			if len(pages) != len(d.Pages) {
				t.Fatalf("pdftotext sees %d pages, the layout has %d", len(pages), len(d.Pages))
			}
			matched := 0
			for i, page := range pages {
				for _, m := range bboxWord.FindAllStringSubmatch(page, -1) {
					word := html.UnescapeString(m[5])
					var box [4]float64
					for k := range box {
						box[k], _ = strconv.ParseFloat(m[k+1], 64)
						box[k] /= ptPerMM
					}
					best := math.Inf(1)
					found := false
					for _, tx := range d.Pages[i].Texts {
						if tx.S == word && tx.Angle != 0 {
							found = false // the seal's turned characters: no box to compare
							break
						}
						if tx.S != word {
							continue
						}
						found = true
						off := math.Max(math.Abs(box[0]-tx.X), math.Abs(box[2]-(tx.X+tx.Width)))
						if tx.Y < box[1] || tx.Y > box[3] {
							off = math.Max(off, math.Min(math.Abs(tx.Y-box[1]), math.Abs(tx.Y-box[3])))
						}
						best = math.Min(best, off)
					}
					if !found {
						continue // words pdftotext split or joined differently
					}
					matched++
					if best > 0.3 {
						t.Errorf("page %d: %q is %.2f mm from where the layout puts it", i+1, word, best)
					}
				}
			}
			if matched < 40 {
				t.Fatalf("only %d words of the PDF matched layout text runs; the comparison proves nothing", matched)
			}
			t.Logf("%d words compared", matched)
		})
	}
}

// The seal comes close to the page's edge; at some resolutions its box reaches past it.
// Every resolution a screen may ask for must draw.
func TestPreviewAtManyResolutions(t *testing.T) {
	inv, err := pdftest.Example("01-software-service.json", "00000042")
	if err != nil {
		t.Fatal(err)
	}
	for dpi := 60.0; dpi <= 160; dpi += 5 {
		pages, err := Preview(inv, Options{Seal: true}, dpi)
		if err != nil || len(pages) == 0 {
			t.Fatalf("%v dpi: %v", dpi, err)
		}
	}
}
