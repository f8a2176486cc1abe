package device

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// Frame layout (PROTOCOL.md §2): a 20-byte header protected by its own CRC-16, the payload,
// and a CRC-32C over header and payload. No byte stuffing: a receiver that sees a bad
// header slides one byte and hunts for the magic again.
const (
	Magic0        = 0xA5
	Magic1        = 0x6B
	Version       = 1
	HeaderSize    = 20
	TrailerSize   = 4
	MaxPayload    = 1 << 20 // the most any frame may carry; longer lengths are bad headers
	frameOverhead = HeaderSize + TrailerSize
)

// FrameType says what a frame is.
type FrameType uint8

// The frame types.
const (
	TypeRequest  FrameType = 1 // host → device: a command
	TypeResponse FrameType = 2 // device → host: the answer to the request with the same seq
	TypeBusy     FrameType = 3 // device → host: still working on seq; extends the idle timer
	TypeNAK      FrameType = 4 // either way: the frame with seq arrived with a bad payload CRC
)

func (t FrameType) String() string {
	switch t {
	case TypeRequest:
		return "request"
	case TypeResponse:
		return "response"
	case TypeBusy:
		return "busy"
	case TypeNAK:
		return "nak"
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

// Frame is one decoded frame. Payload aliases no decoder buffer: it is the frame's own.
type Frame struct {
	Type    FrameType
	Cmd     Command
	Session uint32
	Seq     uint32
	Payload []byte
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// crc16 is CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), over the first 18 header bytes.
func crc16(b []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, c := range b {
		crc ^= uint16(c) << 8
		for i := 0; i < 8; i++ {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// AppendFrame appends f's wire form to dst. It fails only if the payload is too long.
func AppendFrame(dst []byte, f Frame) ([]byte, error) {
	if len(f.Payload) > MaxPayload {
		return dst, fmt.Errorf("device: %s payload of %d bytes exceeds %d", f.Cmd, len(f.Payload), MaxPayload)
	}
	start := len(dst)
	dst = append(dst, Magic0, Magic1, Version, byte(f.Type), byte(f.Cmd), 0)
	dst = binary.BigEndian.AppendUint32(dst, f.Session)
	dst = binary.BigEndian.AppendUint32(dst, f.Seq)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(f.Payload)))
	dst = binary.BigEndian.AppendUint16(dst, crc16(dst[start:start+18]))
	dst = append(dst, f.Payload...)
	return binary.BigEndian.AppendUint32(dst, crc32.Checksum(dst[start:], crcTable)), nil
}

// EncodeFrame returns f's wire form.
func EncodeFrame(f Frame) ([]byte, error) {
	return AppendFrame(make([]byte, 0, frameOverhead+len(f.Payload)), f)
}

// ErrPayloadCRC is returned by Decoder.Next for a frame whose header was valid but whose
// payload or trailer was corrupted. The returned Frame carries the header's fields (no
// payload) so that the receiver can NAK that sequence number.
var ErrPayloadCRC = errors.New("device: frame payload CRC mismatch")

// Decoder turns a byte stream into frames. It never returns a frame whose checks failed:
// after a bad header it discards one byte and hunts for the next magic; after a bad
// payload CRC it reports ErrPayloadCRC and also resumes one byte after that frame's magic,
// so that a frame cut mid-way does not swallow the frame that follows it.
//
// Discarded bytes only move a read offset (the buffer is compacted when the dead prefix
// outgrows the live part), so hunting through garbage costs linear time, not a copy of
// the buffer per byte.
type Decoder struct {
	// Max is the largest payload this receiver accepts; a header announcing more is a bad
	// header. MaxPayload when zero (or above it).
	Max int

	buf []byte
	off int // bytes before off are consumed
}

// Write adds received bytes. It never fails.
func (d *Decoder) Write(p []byte) (int, error) {
	if d.off > 0 && d.off >= len(d.buf)-d.off {
		n := copy(d.buf, d.buf[d.off:])
		d.buf, d.off = d.buf[:n], 0
	}
	d.buf = append(d.buf, p...)
	return len(p), nil
}

// Buffered is the number of bytes waiting to complete a frame.
func (d *Decoder) Buffered() int { return len(d.buf) - d.off }

// Reset drops every buffered byte.
func (d *Decoder) Reset() { d.buf, d.off = d.buf[:0], 0 }

// Decoded is one result of Expire: a frame, or a frame to NAK (Err ErrPayloadCRC).
type Decoded struct {
	Frame Frame
	Err   error
}

// Expire is called when the line has been silent for the inter-byte timeout (PROTOCOL.md
// §2) with bytes still buffered: no frame begun in them can be completed any more (a
// frame's bytes never pause that long), so it returns the frames they still hold whole
// and discards the rest. A header announcing a megabyte and then silence therefore holds
// the receiver only for that timeout, and a frame that arrived inside the dead one's
// announced length is still found.
func (d *Decoder) Expire() []Decoded {
	var out []Decoded
	for d.Buffered() > 0 {
		f, ok, err := d.Next()
		if !ok {
			d.drop(1) // the incomplete frame at the front: hunt past its magic
			continue
		}
		out = append(out, Decoded{Frame: f, Err: err})
	}
	return out
}

func (d *Decoder) max() int {
	if d.Max <= 0 || d.Max > MaxPayload {
		return MaxPayload
	}
	return d.Max
}

// Next returns the next complete frame. ok is false when more bytes are needed; err is
// ErrPayloadCRC (with ok true and the header's fields) for a frame to NAK.
func (d *Decoder) Next() (f Frame, ok bool, err error) {
	for {
		i := bytes.IndexByte(d.buf[d.off:], Magic0)
		if i < 0 {
			d.Reset()
			return Frame{}, false, nil
		}
		d.drop(i)
		b := d.buf[d.off:]
		if len(b) < 2 {
			return Frame{}, false, nil
		}
		if b[1] != Magic1 {
			d.drop(1)
			continue
		}
		if len(b) < HeaderSize {
			return Frame{}, false, nil
		}
		h := b[:HeaderSize]
		n := binary.BigEndian.Uint32(h[14:18])
		if h[2] != Version || n > uint32(d.max()) || h[3] < byte(TypeRequest) || h[3] > byte(TypeNAK) ||
			crc16(h[:18]) != binary.BigEndian.Uint16(h[18:20]) {
			d.drop(1)
			continue
		}
		f = Frame{
			Type:    FrameType(h[3]),
			Cmd:     Command(h[4]),
			Session: binary.BigEndian.Uint32(h[6:10]),
			Seq:     binary.BigEndian.Uint32(h[10:14]),
		}
		total := HeaderSize + int(n) + TrailerSize
		if len(b) < total {
			return Frame{}, false, nil
		}
		want := binary.BigEndian.Uint32(b[total-4 : total])
		if crc32.Checksum(b[:total-4], crcTable) != want {
			d.drop(1)
			return f, true, ErrPayloadCRC
		}
		f.Payload = append([]byte(nil), b[HeaderSize:total-4]...)
		d.drop(total)
		return f, true, nil
	}
}

func (d *Decoder) drop(n int) {
	d.off += n
	if d.off >= len(d.buf) {
		d.Reset()
	}
}
