package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
)

// Why a subsetter of our own: gopdf subsets by blanking unused glyphs but keeps every
// glyph's slot, so a document using 100 characters of the 21,887-glyph serif face still
// embeds its whole hmtx and loca tables — 20 KB compressed before the first outline.
// Cutting the face down to the document's glyphs first, renumbered, and handing that
// small font to gopdf makes the embedded font ~30 KB instead of ~50 KB, and gopdf's
// per-document parse of it takes microseconds where the full face takes tens of
// milliseconds. The full face is parsed once (fontSet); this only copies bytes.

// sfntTables are a TrueType font's tables by tag, as slices of its data.
type sfntTables map[string][]byte

func readTables(data []byte) (sfntTables, error) {
	if len(data) < 12 || binary.BigEndian.Uint32(data) != 0x00010000 {
		return nil, errors.New("not a TrueType (glyf) font")
	}
	n := int(binary.BigEndian.Uint16(data[4:]))
	t := sfntTables{}
	for i := range n {
		e := data[12+16*i:]
		if len(e) < 16 {
			return nil, errors.New("truncated table directory")
		}
		off, l := binary.BigEndian.Uint32(e[8:]), binary.BigEndian.Uint32(e[12:])
		if uint64(off)+uint64(l) > uint64(len(data)) {
			return nil, fmt.Errorf("table %s out of bounds", e[:4])
		}
		t[string(e[:4])] = data[off : off+l]
	}
	for _, tag := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "name", "OS/2", "post"} {
		if t[tag] == nil {
			return nil, fmt.Errorf("no %s table", tag)
		}
	}
	return t, nil
}

// glyphData is glyph g's outline in the glyf table.
func (t sfntTables) glyphData(g uint16) []byte {
	loca := t["loca"]
	var from, to uint32
	if binary.BigEndian.Uint16(t["head"][50:]) == 0 { // short offsets, in words
		from, to = 2*uint32(binary.BigEndian.Uint16(loca[2*int(g):])), 2*uint32(binary.BigEndian.Uint16(loca[2*int(g)+2:]))
	} else {
		from, to = binary.BigEndian.Uint32(loca[4*int(g):]), binary.BigEndian.Uint32(loca[4*int(g)+4:])
	}
	return t["glyf"][from:to]
}

// metrics is glyph g's advance and left side bearing.
func (t sfntTables) metrics(g uint16) (adv, lsb uint16) {
	n := binary.BigEndian.Uint16(t["hhea"][34:])
	h := t["hmtx"]
	if g < n {
		return binary.BigEndian.Uint16(h[4*int(g):]), binary.BigEndian.Uint16(h[4*int(g)+2:])
	}
	return binary.BigEndian.Uint16(h[4*int(n-1):]), binary.BigEndian.Uint16(h[4*int(n)+2*int(g-n):])
}

// Composite glyph flags (OpenType glyf table).
const (
	argsAreWords    = 0x0001
	haveScale       = 0x0008
	moreComponents  = 0x0020
	haveXYScale     = 0x0040
	haveTwoByTwo    = 0x0080
	haveInstruction = 0x0100
)

// components lists the glyphs a composite glyph is built of, with the offsets of their
// indices in data; nil for a simple glyph.
func components(data []byte) (glyphs []uint16, at []int) {
	if len(data) < 10 || int16(binary.BigEndian.Uint16(data)) >= 0 {
		return nil, nil
	}
	for p := 10; p+4 <= len(data); {
		flags := binary.BigEndian.Uint16(data[p:])
		glyphs = append(glyphs, binary.BigEndian.Uint16(data[p+2:]))
		at = append(at, p+2)
		p += 4
		if flags&argsAreWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if flags&moreComponents == 0 {
			break
		}
	}
	return glyphs, at
}

// subsetFont builds a TrueType font holding only the glyphs of runes (glyph indices
// into t, in the order given), renumbered from 1 after .notdef, with a cmap that maps
// each rune to its new glyph. gopdf reads it like any font file.
func subsetFont(t sfntTables, runes []rune, gids []uint16) []byte {
	old := []uint16{0}
	newID := map[uint16]uint16{0: 0}
	var add func(g uint16)
	add = func(g uint16) {
		if _, ok := newID[g]; ok {
			return
		}
		newID[g] = uint16(len(old))
		old = append(old, g)
		comps, _ := components(t.glyphData(g))
		for _, c := range comps {
			add(c)
		}
	}
	for _, g := range gids {
		add(g)
	}

	var glyf, loca, hmtx []byte
	for _, g := range old {
		loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
		data := slices.Clone(t.glyphData(g))
		comps, at := components(data)
		for i, c := range comps {
			binary.BigEndian.PutUint16(data[at[i]:], newID[c])
		}
		glyf = append(glyf, data...)
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		adv, lsb := t.metrics(g)
		hmtx = binary.BigEndian.AppendUint16(hmtx, adv)
		hmtx = binary.BigEndian.AppendUint16(hmtx, lsb)
	}
	loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))

	head := slices.Clone(t["head"])
	binary.BigEndian.PutUint32(head[8:], 0)  // checkSumAdjustment, set below
	binary.BigEndian.PutUint16(head[50:], 1) // long loca offsets
	hhea := slices.Clone(t["hhea"])
	binary.BigEndian.PutUint16(hhea[34:], uint16(len(old)))
	maxp := slices.Clone(t["maxp"])
	binary.BigEndian.PutUint16(maxp[4:], uint16(len(old)))
	post := slices.Clone(t["post"][:32])
	binary.BigEndian.PutUint32(post, 0x00030000) // no glyph names

	tables := sfntTables{
		"head": head, "hhea": hhea, "maxp": maxp, "hmtx": hmtx, "loca": loca, "glyf": glyf,
		"cmap": cmap4(runes, func(i int) uint16 { return newID[gids[i]] }),
		"name": t["name"], "OS/2": t["OS/2"], "post": post,
	}
	return writeFont(tables)
}

// cmap4 is a cmap table with one Windows Unicode BMP subtable (format 4): one segment
// per rune, each mapping by delta, then the required final segment.
func cmap4(runes []rune, gid func(i int) uint16) []byte {
	order := make([]int, len(runes))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return runes[order[a]] < runes[order[b]] })
	seg := len(runes) + 1
	var ends, starts, deltas []byte
	for _, i := range order {
		r := uint16(runes[i])
		ends = binary.BigEndian.AppendUint16(ends, r)
		starts = binary.BigEndian.AppendUint16(starts, r)
		deltas = binary.BigEndian.AppendUint16(deltas, gid(i)-r)
	}
	ends = binary.BigEndian.AppendUint16(ends, 0xFFFF)
	starts = binary.BigEndian.AppendUint16(starts, 0xFFFF)
	deltas = binary.BigEndian.AppendUint16(deltas, 1)
	entry := 0
	for 1<<(entry+1) <= seg {
		entry++
	}
	search := 2 << entry
	sub := []byte{}
	sub = binary.BigEndian.AppendUint16(sub, 4)
	sub = binary.BigEndian.AppendUint16(sub, uint16(16+8*seg))
	sub = binary.BigEndian.AppendUint16(sub, 0) // language
	sub = binary.BigEndian.AppendUint16(sub, uint16(2*seg))
	sub = binary.BigEndian.AppendUint16(sub, uint16(search))
	sub = binary.BigEndian.AppendUint16(sub, uint16(entry))
	sub = binary.BigEndian.AppendUint16(sub, uint16(2*seg-search))
	sub = append(sub, ends...)
	sub = append(sub, 0, 0) // reservedPad
	sub = append(sub, starts...)
	sub = append(sub, deltas...)
	sub = append(sub, make([]byte, 2*seg)...) // idRangeOffset: all 0
	out := []byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12}
	return append(out, sub...)
}

// writeFont lays tables out as a font file: the directory sorted by tag, each table
// 4-byte aligned, checksums and head.checkSumAdjustment as the format asks.
func writeFont(tables sfntTables) []byte {
	tags := make([]string, 0, len(tables))
	for tag := range tables {
		tags = append(tags, tag)
	}
	sort.Strings(tags)
	n := len(tags)
	entry := 0
	for 1<<(entry+1) <= n {
		entry++
	}
	out := binary.BigEndian.AppendUint32(nil, 0x00010000)
	out = binary.BigEndian.AppendUint16(out, uint16(n))
	out = binary.BigEndian.AppendUint16(out, uint16(16<<entry))
	out = binary.BigEndian.AppendUint16(out, uint16(entry))
	out = binary.BigEndian.AppendUint16(out, uint16(16*n-16<<entry))
	dir := len(out)
	out = append(out, make([]byte, 16*n)...)
	headAt := 0
	for i, tag := range tags {
		data := tables[tag]
		off := len(out)
		if tag == "head" {
			headAt = off
		}
		out = append(out, data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		e := out[dir+16*i:]
		copy(e, tag)
		binary.BigEndian.PutUint32(e[4:], checksum(out[off:]))
		binary.BigEndian.PutUint32(e[8:], uint32(off))
		binary.BigEndian.PutUint32(e[12:], uint32(len(data)))
	}
	binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	return out
}

func checksum(b []byte) uint32 {
	var s uint32
	for i := 0; i+4 <= len(b); i += 4 {
		s += binary.BigEndian.Uint32(b[i:])
	}
	return s
}
