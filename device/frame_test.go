package device

import (
	"bytes"
	"errors"
	"testing"
)

func mustFrame(t testing.TB, f Frame) []byte {
	b, err := EncodeFrame(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeAll(b []byte) (frames []Frame, bad int) {
	var d Decoder
	d.Write(b)
	for {
		f, ok, err := d.Next()
		if !ok {
			return frames, bad
		}
		if err != nil {
			bad++
			continue
		}
		frames = append(frames, f)
	}
}

func TestFrameRoundTrip(t *testing.T) {
	in := Frame{Type: TypeResponse, Cmd: CmdIssue, Session: 0xDEADBEEF, Seq: 42, Payload: []byte("发票 payload")}
	b := mustFrame(t, in)
	if len(b) != HeaderSize+len(in.Payload)+TrailerSize {
		t.Fatalf("frame of %d bytes", len(b))
	}
	got, bad := decodeAll(b)
	if bad != 0 || len(got) != 1 || got[0].Seq != 42 || got[0].Session != 0xDEADBEEF || !bytes.Equal(got[0].Payload, in.Payload) {
		t.Fatalf("decoded %+v, %d bad", got, bad)
	}
}

func TestDecoderHuntsPastDamage(t *testing.T) {
	a := mustFrame(t, Frame{Type: TypeRequest, Cmd: CmdStatus, Session: 1, Seq: 1})
	b := mustFrame(t, Frame{Type: TypeRequest, Cmd: CmdIssue, Session: 1, Seq: 2, Payload: []byte{Magic0, Magic1, Version, 1, 2, 3}})
	t.Run("garbage and a false magic before a frame", func(t *testing.T) {
		junk := []byte{0, Magic0, 7, Magic0, Magic1, Version, 1, 0x10, 0, 0, 0, 0}
		got, _ := decodeAll(append(append(junk, a...), b...))
		if len(got) != 2 || got[1].Seq != 2 {
			t.Fatalf("got %d frames", len(got))
		}
	})
	t.Run("a frame cut mid-way does not swallow the next", func(t *testing.T) {
		got, _ := decodeAll(append(append([]byte{}, b[:len(b)-5]...), a...))
		// the cut frame's length claims a's first bytes; the decoder re-hunts inside it
		if len(got) != 1 || got[0].Seq != 1 {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("every single flipped bit is caught", func(t *testing.T) {
		for i := 0; i < len(b)*8; i++ {
			c := append([]byte(nil), b...)
			c[i/8] ^= 1 << (i % 8)
			got, _ := decodeAll(c)
			for _, f := range got {
				if f.Seq == 2 {
					t.Fatalf("bit %d flipped and the frame was accepted", i)
				}
			}
		}
	})
	t.Run("a payload CRC error reports the header to NAK", func(t *testing.T) {
		c := append([]byte(nil), b...)
		c[HeaderSize+1] ^= 0x40
		var d Decoder
		d.Write(c)
		f, ok, err := d.Next()
		if !ok || !errors.Is(err, ErrPayloadCRC) || f.Seq != 2 || f.Payload != nil {
			t.Fatalf("got %+v %v %v", f, ok, err)
		}
	})
	t.Run("one byte at a time", func(t *testing.T) {
		var d Decoder
		var n int
		for _, c := range append(append([]byte{}, a...), b...) {
			d.Write([]byte{c})
			if _, ok, err := d.Next(); ok && err == nil {
				n++
			}
		}
		if n != 2 {
			t.Fatalf("%d frames", n)
		}
	})
}

// FuzzDecoder: whatever arrives, the decoder never panics, and a frame it accepts has
// passed both CRCs, so re-encoding it gives back exactly the bytes it came from.
func FuzzDecoder(f *testing.F) {
	f.Add(mustFrame(f, Frame{Type: TypeRequest, Cmd: CmdHello, Seq: 9}))
	f.Add(append([]byte{Magic0, Magic1}, mustFrame(f, Frame{Type: TypeBusy, Cmd: CmdIssue, Payload: []byte{1, 2}})...))
	f.Fuzz(func(t *testing.T, b []byte) {
		var d Decoder
		d.Write(b)
		for {
			fr, ok, err := d.Next()
			if !ok {
				break
			}
			if err != nil {
				continue
			}
			enc := mustFrame(t, fr)
			if !bytes.Contains(b, enc) {
				t.Fatalf("accepted a frame that is not in the input: %x", enc)
			}
		}
	})
}
