//go:build ignore

// Command icon draws the program's icon — 票 in white on seal red — from the embedded
// Noto Serif SC subset, and writes it as assets/icon.png (the window's icon) and
// assets/windows/kaipiao.ico (the .exe's, a PNG inside an ICO, which Windows reads since
// Vista). Run from the repository root: go run scripts/icon/main.go.
package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"log"
	"os"

	"github.com/kaipiao/kaipiao/assets"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

const size = 256

func main() {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	red := color.RGBA{0xC8, 0x10, 0x2E, 0xFF}
	// A rounded square: the corners' radius is an eighth of the side.
	const r = size / 8
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			cx, cy := min(max(x, r), size-1-r), min(max(y, r), size-1-r)
			if dx, dy := x-cx, y-cy; dx*dx+dy*dy <= r*r {
				img.Set(x, y, red)
			}
		}
	}
	f, err := opentype.Parse(assets.SerifFont())
	if err != nil {
		log.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 190, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		log.Fatal(err)
	}
	d := &font.Drawer{Dst: img, Src: image.NewUniform(color.White), Face: face}
	bounds, _ := d.BoundString("票")
	w := (bounds.Max.X - bounds.Min.X).Ceil()
	h := (bounds.Max.Y - bounds.Min.Y).Ceil()
	d.Dot = fixed.P((size-w)/2-bounds.Min.X.Floor(), (size-h)/2-bounds.Min.Y.Floor())
	d.DrawString("票")

	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("assets/icon.png", buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	// ICONDIR, one ICONDIRENTRY (0 means 256 pixels), then the PNG.
	var ico bytes.Buffer
	for _, v := range []any{uint16(0), uint16(1), uint16(1), uint8(0), uint8(0), uint8(0), uint8(0), uint16(1), uint16(32),
		uint32(buf.Len()), uint32(22)} {
		_ = binary.Write(&ico, binary.LittleEndian, v)
	}
	ico.Write(buf.Bytes())
	if err := os.WriteFile("assets/windows/kaipiao.ico", ico.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
