package device

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
)

// badHeader is a valid header announcing n payload bytes that never come.
func badHeader(n uint32) []byte {
	h := []byte{Magic0, Magic1, Version, byte(TypeRequest), byte(CmdIssue), 0}
	h = binary.BigEndian.AppendUint32(h, 1)
	h = binary.BigEndian.AppendUint32(h, 7)
	h = binary.BigEndian.AppendUint32(h, n)
	return binary.BigEndian.AppendUint16(h, crc16(h))
}

// collect decodes b written in chunks of size step (0: all at once), then expires what
// silence leaves, and returns the good frames' sequence numbers.
func collect(b []byte, step int) []uint32 {
	var d Decoder
	var seqs []uint32
	take := func() {
		for {
			f, ok, err := d.Next()
			if !ok {
				return
			}
			if err == nil {
				seqs = append(seqs, f.Seq)
			}
		}
	}
	if step <= 0 {
		step = len(b) + 1
	}
	for i := 0; i < len(b); i += step {
		d.Write(b[i:min(i+step, len(b))])
		take()
	}
	for _, x := range d.Expire() {
		if x.Err == nil {
			seqs = append(seqs, x.Frame.Seq)
		}
	}
	return seqs
}

// TestAttackHeader1MiBThenSilence (security issue 16, item 9): a header announcing a
// mebibyte and then silence must not hold the decoder: once the silence is declared
// (Expire), the frame that came inside the announced length is found.
func TestAttackHeader1MiBThenSilence(t *testing.T) {
	good := mustFrame(t, Frame{Type: TypeRequest, Cmd: CmdHello, Seq: 5})
	var d Decoder
	d.Write(badHeader(MaxPayload))
	d.Write(good)
	if _, ok, _ := d.Next(); ok {
		t.Fatal("the frame inside the announced length came out before the silence")
	}
	got := d.Expire()
	if len(got) != 1 || got[0].Err != nil || got[0].Frame.Seq != 5 {
		t.Fatalf("after the silence: %+v", got)
	}
	if d.Buffered() != 0 {
		t.Fatalf("%d bytes left after Expire", d.Buffered())
	}
}

func TestDecoderMaxRefusesLongerHeaders(t *testing.T) {
	d := Decoder{Max: 1024}
	d.Write(badHeader(4096))
	d.Write(mustFrame(t, Frame{Type: TypeRequest, Cmd: CmdHello, Seq: 3}))
	f, ok, err := d.Next()
	if !ok || err != nil || f.Seq != 3 {
		t.Fatalf("got %+v %v %v: a header over Max must be hunted past at once", f, ok, err)
	}
}

// TestDecoderChunkingDoesNotMatter: the same bytes give the same frames whether they
// arrive at once or a byte at a time.
func TestDecoderChunkingDoesNotMatter(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var stream []byte
	for i := 0; i < 200; i++ {
		fr := mustFrame(t, Frame{Type: TypeResponse, Cmd: CmdJournal, Seq: uint32(i), Payload: bytes.Repeat([]byte{byte(i)}, r.IntN(64))})
		switch r.IntN(4) {
		case 0:
			fr[r.IntN(len(fr))] ^= 1 << r.IntN(8)
		case 1:
			fr = fr[:r.IntN(len(fr))]
		}
		stream = append(stream, fr...)
	}
	want := fmt.Sprint(collect(stream, 0))
	for _, step := range []int{1, 7, 64} {
		if got := fmt.Sprint(collect(stream, step)); got != want {
			t.Fatalf("step %d: %s, want %s", step, got, want)
		}
	}
}

// FuzzDecoderResync: whatever garbage comes first, a valid frame after it is found once
// the line falls silent, and chunking does not change what is decoded.
func FuzzDecoderResync(f *testing.F) {
	f.Add([]byte{Magic0, Magic1, Version, 1, 0x10}, uint8(3))
	f.Add(badHeader(MaxPayload), uint8(1))
	f.Add(append(badHeader(30), 1, 2, 3), uint8(5))
	f.Fuzz(func(t *testing.T, garbage []byte, step uint8) {
		if len(collect(garbage, 0)) > 0 {
			return // the garbage holds a valid frame of its own, which may overlap ours
		}
		good := mustFrame(t, Frame{Type: TypeResponse, Cmd: CmdStatus, Session: 0x5EED, Seq: 0xC0FFEE, Payload: []byte("ok")})
		stream := append(append([]byte{}, garbage...), good...)
		all := collect(stream, 0)
		found := false
		for _, s := range all {
			found = found || s == 0xC0FFEE
		}
		if !found {
			t.Fatalf("the frame after %x was lost: %v", garbage, all)
		}
		if got := collect(stream, int(step)); fmt.Sprint(got) != fmt.Sprint(all) {
			t.Fatalf("chunks of %d: %v, at once: %v", step, got, all)
		}
	})
}

// BenchmarkDecoderGarbage shows that hunting through bad bytes costs linear time: the
// ns per byte stays flat from 64 KiB to 1 MiB (before, every discarded byte copied the
// whole buffer: 1 MiB of bad-CRC frames took 196 ms, 16 × the 64 KiB figure squared).
// Inputs: random bytes, a false magic every third byte, and frames whose CRC fails.
func BenchmarkDecoderGarbage(b *testing.B) {
	for _, kind := range []string{"random", "false-magics", "bad-crc-frames"} {
		for _, size := range []int{64 << 10, 256 << 10, 1 << 20} {
			in := garbageOf(kind, size)
			b.Run(fmt.Sprintf("%s/%dKiB", kind, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(in)))
				for i := 0; i < b.N; i++ {
					var d Decoder
					d.Write(in)
					for {
						if _, ok, _ := d.Next(); !ok {
							break
						}
					}
					d.Expire()
				}
			})
		}
	}
}

func garbageOf(kind string, size int) []byte {
	r := rand.New(rand.NewPCG(7, 7))
	var out []byte
	for len(out) < size {
		switch kind {
		case "random":
			out = append(out, byte(r.IntN(256)))
			continue
		case "false-magics": // a magic at every third byte, each failing its header
			out = append(out, Magic0, Magic1, 0xFF)
			continue
		}
		fr, _ := EncodeFrame(Frame{Type: TypeResponse, Cmd: CmdJournal, Seq: uint32(len(out)), Payload: bytes.Repeat([]byte{1}, 40)})
		fr[len(fr)-1] ^= 0xFF
		out = append(out, fr...)
	}
	return out[:size]
}
