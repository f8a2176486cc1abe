package device

import (
	"time"

	"github.com/kaipiao/kaipiao/invoice"
)

// Binary forms of the command set's messages (PROTOCOL.md §5). Each type's
// MarshalBinary/UnmarshalBinary pair is the spec of its payload; an UnmarshalBinary
// refuses trailing bytes.

// AppendResponse builds a response payload: the code, then the detail text when the
// code is not CodeOK, else the body.
func AppendResponse(code Code, detail string, body []byte) []byte {
	var e enc
	e.uint(uint64(code))
	if code != CodeOK {
		e.raw([]byte(detail))
		return e.b
	}
	e.fixed(body)
	return e.b
}

// ParseResponse splits a response payload.
func ParseResponse(b []byte) (code Code, detail string, body []byte, err error) {
	d := dec{b: b}
	c := d.uint()
	if c > 0xFFFF {
		d.fail("code")
	}
	if d.err != nil {
		return 0, "", nil, d.err
	}
	if c != 0 {
		det := d.raw()
		return Code(c), string(det), nil, d.end()
	}
	return CodeOK, "", d.b, nil
}

func unmarshal(b []byte, f func(d *dec)) error {
	d := dec{b: b}
	f(&d)
	return d.end()
}

// MarshalBinary encodes the HELLO answer.
func (h *Hello) MarshalBinary() ([]byte, error) {
	var e enc
	e.byte(h.Protocol)
	e.fixed(h.BootID[:])
	e.uint(uint64(h.Session))
	e.uint(uint64(h.NextSeq))
	e.digits("machine", h.Machine)
	e.raw([]byte(h.Firmware))
	return e.b, e.err
}

// UnmarshalBinary decodes the HELLO answer.
func (h *Hello) UnmarshalBinary(b []byte) error {
	return unmarshal(b, func(d *dec) {
		h.Protocol = d.byte()
		copy(h.BootID[:], d.fixed(16))
		h.Session = uint32(d.uint())
		h.NextSeq = uint32(d.uint())
		h.Machine = d.digits()
		h.Firmware = string(d.raw())
	})
}

// MarshalBinary encodes the CAPS answer; durations travel as milliseconds.
func (c *Caps) MarshalBinary() ([]byte, error) {
	var e enc
	e.int(int64(c.Limits.InvoiceLimit))
	e.int(int64(c.Limits.LineTaxTolerance))
	e.uint(uint64(c.Limits.RemarkBytes))
	e.uint(uint64(c.MaxPayload))
	e.uint(uint64(c.BusyInterval.Milliseconds()))
	e.uint(uint64(len(c.Deadlines)))
	for _, cmd := range sortedCommands(c.Deadlines) {
		e.byte(byte(cmd))
		e.uint(uint64(c.Deadlines[cmd].Milliseconds()))
	}
	e.raw(c.Certificate)
	return e.b, e.err
}

func sortedCommands(m map[Command]time.Duration) []Command {
	var out []Command
	for c := Command(0); ; c++ {
		if _, ok := m[c]; ok {
			out = append(out, c)
		}
		if c == 0xFF {
			return out
		}
	}
}

// UnmarshalBinary decodes the CAPS answer.
func (c *Caps) UnmarshalBinary(b []byte) error {
	return unmarshal(b, func(d *dec) {
		c.Limits.InvoiceLimit = invoice.Money(d.int())
		c.Limits.LineTaxTolerance = invoice.Money(d.int())
		c.Limits.RemarkBytes = int(d.uint() & 0xFFFFFF)
		c.MaxPayload = int(d.uint() & 0xFFFFFFF)
		c.BusyInterval = millis(d.uint())
		n := d.uint()
		if n > 256 {
			d.fail("deadline count")
			return
		}
		c.Deadlines = make(map[Command]time.Duration, n)
		for i := uint64(0); i < n && d.err == nil; i++ {
			cmd := Command(d.byte())
			c.Deadlines[cmd] = millis(d.uint())
		}
		c.Certificate = d.raw()
	})
}

func millis(v uint64) time.Duration {
	if v > 1<<40 {
		v = 1 << 40
	}
	return time.Duration(v) * time.Millisecond
}

func (e *enc) codes(cs []Code) {
	e.uint(uint64(len(cs)))
	for _, c := range cs {
		e.uint(uint64(c))
	}
}

func (d *dec) codes() []Code {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail("code count")
		return nil
	}
	var cs []Code
	for i := uint64(0); i < n && d.err == nil; i++ {
		cs = append(cs, Code(d.uint()&0xFFFF))
	}
	return cs
}

// MarshalBinary encodes the STATUS answer.
func (s *Status) MarshalBinary() ([]byte, error) {
	var e enc
	e.digits("machine", s.Machine)
	e.taxID("sellertaxid", s.SellerTaxID)
	e.fixed(s.BootID[:])
	e.time(s.Clock)
	e.bool(s.PINVerified)
	e.bool(s.PINLocked)
	e.uint(uint64(s.PINTriesLeft))
	e.digits("period", s.Period)
	e.bool(s.Reported)
	e.uint(s.Issued)
	e.digits("nextcode", s.NextCode)
	e.digits("nextnumber", s.NextNumber)
	e.codes(s.Locks)
	e.uint(uint64(len(s.Next)))
	for _, n := range s.Next {
		e.digits("next.type", n.Kind.CodeType())
		e.digits("next.code", n.Code)
		e.digits("next.number", n.Number)
	}
	return e.b, e.err
}

// UnmarshalBinary decodes the STATUS answer.
func (s *Status) UnmarshalBinary(b []byte) error {
	return unmarshal(b, func(d *dec) {
		s.Machine = d.digits()
		s.SellerTaxID = d.taxID()
		copy(s.BootID[:], d.fixed(16))
		s.Clock = d.time()
		s.PINVerified = d.bool()
		s.PINLocked = d.bool()
		s.PINTriesLeft = int(d.uint() & 0xFF)
		s.Period = d.digits()
		s.Reported = d.bool()
		s.Issued = d.uint()
		s.NextCode = d.digits()
		s.NextNumber = d.digits()
		s.Locks = d.codes()
		n := d.uint()
		if n > uint64(len(invoice.Kinds)) {
			d.fail("next count")
			return
		}
		for i := uint64(0); i < n && d.err == nil; i++ {
			typ := d.digits()
			k, ok := invoice.KindOfCode("0000000000" + typ)
			if !ok && d.err == nil {
				d.fail("invoice type")
				return
			}
			s.Next = append(s.Next, NextInvoice{Kind: k, Code: d.digits(), Number: d.digits()})
		}
	})
}

// MarshalRolls encodes the STOCK answer.
func MarshalRolls(rolls []Roll) []byte {
	var e enc
	e.uint(uint64(len(rolls)))
	for _, r := range rolls {
		e.digits("code", r.Code)
		e.uint(uint64(r.Start))
		e.uint(uint64(r.Count))
		e.uint(uint64(r.Remaining))
	}
	return e.b
}

// UnmarshalRolls decodes the STOCK answer.
func UnmarshalRolls(b []byte) ([]Roll, error) {
	var rolls []Roll
	err := unmarshal(b, func(d *dec) {
		n := d.uint()
		if n > uint64(len(d.b)) {
			d.fail("roll count")
			return
		}
		for i := uint64(0); i < n && d.err == nil; i++ {
			rolls = append(rolls, Roll{Code: d.digits(), Start: uint32(d.uint()), Count: uint32(d.uint()), Remaining: uint32(d.uint())})
		}
	})
	return rolls, err
}

// MarshalBinary encodes the OFFLINE answer.
func (o *Offline) MarshalBinary() ([]byte, error) {
	var e enc
	e.uint(uint64(o.HoursLimit))
	e.int(int64(o.AmountLimit))
	e.int(int64(o.InvoiceLimit))
	e.uint(uint64(o.DeadlineDay))
	e.uint(uint64(o.Pending))
	e.int(int64(o.PendingAmount))
	e.time(o.OldestPending)
	e.uint(o.UploadedThrough)
	e.digits("period", o.Period)
	e.codes(o.Locks)
	return e.b, e.err
}

// UnmarshalBinary decodes the OFFLINE answer.
func (o *Offline) UnmarshalBinary(b []byte) error {
	return unmarshal(b, func(d *dec) {
		o.HoursLimit = int(d.uint() & 0xFFFFFF)
		o.AmountLimit = invoice.Money(d.int())
		o.InvoiceLimit = invoice.Money(d.int())
		o.DeadlineDay = int(d.uint() & 0xFF)
		o.Pending = int(d.uint() & 0xFFFFFFF)
		o.PendingAmount = invoice.Money(d.int())
		o.OldestPending = d.time()
		o.UploadedThrough = d.uint()
		o.Period = d.digits()
		o.Locks = d.codes()
	})
}

// MarshalBinary encodes the ISSUE / ISSUE_RED request.
func (r *IssueRequest) MarshalBinary() ([]byte, error) {
	var e enc
	e.text("request_id", r.RequestID)
	e.digits("expectedcode", r.ExpectedCode)
	e.digits("expectednumber", r.ExpectedNumber)
	e.invoice(&r.Invoice)
	return e.b, e.err
}

// UnmarshalBinary decodes the ISSUE / ISSUE_RED request. InvoiceBytes returns the part
// whose hash makes the request ID's identity.
func (r *IssueRequest) UnmarshalBinary(b []byte) error {
	return unmarshal(b, func(d *dec) {
		r.RequestID = d.text()
		r.ExpectedCode = d.digits()
		r.ExpectedNumber = d.digits()
		r.Invoice = d.invoice()
	})
}

func (e *enc) record(r *Record) {
	e.uint(r.Counter)
	e.text("request_id", r.RequestID)
	e.invoice(&r.Invoice)
	e.issued(&r.Invoice.Issued)
}

func (d *dec) record() Record {
	r := Record{Counter: d.uint(), RequestID: d.text(), Invoice: d.invoice()}
	r.Invoice.Issued = d.issued()
	return r
}

// MarshalBinary encodes a journal record (the answer to ISSUE and the queries).
func (r *Record) MarshalBinary() ([]byte, error) {
	var e enc
	e.record(r)
	return e.b, e.err
}

// UnmarshalBinary decodes a journal record.
func (r *Record) UnmarshalBinary(b []byte) error {
	return unmarshal(b, func(d *dec) { *r = d.record() })
}

func (e *enc) records(rs []Record) {
	e.uint(uint64(len(rs)))
	for i := range rs {
		e.record(&rs[i])
	}
}

func (d *dec) records() []Record {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail("record count")
		return nil
	}
	var rs []Record
	for i := uint64(0); i < n && d.err == nil; i++ {
		rs = append(rs, d.record())
	}
	return rs
}

// MarshalRecords encodes the JOURNAL answer.
func MarshalRecords(rs []Record) ([]byte, error) {
	var e enc
	e.records(rs)
	return e.b, e.err
}

// UnmarshalRecords decodes the JOURNAL answer.
func UnmarshalRecords(b []byte) ([]Record, error) {
	var rs []Record
	err := unmarshal(b, func(d *dec) { rs = d.records() })
	return rs, err
}

// MarshalBinary encodes the EXPORT answer.
func (p *UploadPacket) MarshalBinary() ([]byte, error) {
	var e enc
	e.digits("machine", p.Machine)
	e.uint(p.From)
	e.uint(p.Through)
	e.records(p.Records)
	e.fixed(p.Digest[:])
	e.raw(p.Signature)
	return e.b, e.err
}

// UnmarshalBinary decodes the EXPORT answer.
func (p *UploadPacket) UnmarshalBinary(b []byte) error {
	return unmarshal(b, func(d *dec) {
		p.Machine = d.digits()
		p.From = d.uint()
		p.Through = d.uint()
		p.Records = d.records()
		copy(p.Digest[:], d.fixed(32))
		p.Signature = d.raw()
	})
}

// MarshalBinary encodes the UPLOAD_ACK request.
func (a *UploadAck) MarshalBinary() ([]byte, error) {
	var e enc
	e.text("request_id", a.RequestID)
	e.digits("machine", a.Machine)
	e.uint(a.From)
	e.uint(a.Through)
	e.fixed(a.Digest[:])
	e.time(a.AckedAt)
	e.raw(a.Signature)
	return e.b, e.err
}

// UnmarshalBinary decodes the UPLOAD_ACK request.
func (a *UploadAck) UnmarshalBinary(b []byte) error {
	return unmarshal(b, func(d *dec) {
		a.RequestID = d.text()
		a.Machine = d.digits()
		a.From = d.uint()
		a.Through = d.uint()
		copy(a.Digest[:], d.fixed(32))
		a.AckedAt = d.time()
		a.Signature = d.raw()
	})
}

// MarshalBinary encodes the REPORT answer.
func (r *Report) MarshalBinary() ([]byte, error) {
	var e enc
	e.digits("period", r.Period)
	e.uint(uint64(r.Count))
	e.uint(uint64(r.RedCount))
	e.int(int64(r.Amount))
	e.int(int64(r.Tax))
	e.int(int64(r.RedAmount))
	e.int(int64(r.RedTax))
	e.uint(r.First)
	e.uint(r.Last)
	return e.b, e.err
}

// UnmarshalBinary decodes the REPORT answer.
func (r *Report) UnmarshalBinary(b []byte) error {
	return unmarshal(b, func(d *dec) {
		r.Period = d.digits()
		r.Count = int(d.uint() & 0xFFFFFFF)
		r.RedCount = int(d.uint() & 0xFFFFFFF)
		r.Amount = invoice.Money(d.int())
		r.Tax = invoice.Money(d.int())
		r.RedAmount = invoice.Money(d.int())
		r.RedTax = invoice.Money(d.int())
		r.First = d.uint()
		r.Last = d.uint()
	})
}

// Args is the payload of the small requests: a list of texts and unsigned numbers in a
// fixed order per command (PROTOCOL.md §5 lists them). Mutating commands put their
// request ID first.
type Args struct {
	Texts []string
	Nums  []uint64
}

// MarshalBinary encodes the arguments.
func (a *Args) MarshalBinary() ([]byte, error) {
	var e enc
	e.uint(uint64(len(a.Texts)))
	for _, t := range a.Texts {
		e.text("argument", t)
	}
	e.uint(uint64(len(a.Nums)))
	for _, n := range a.Nums {
		e.uint(n)
	}
	return e.b, e.err
}

// UnmarshalBinary decodes the arguments.
func (a *Args) UnmarshalBinary(b []byte) error {
	return unmarshal(b, func(d *dec) {
		n := d.uint()
		if n > uint64(len(d.b)) {
			d.fail("argument count")
			return
		}
		for i := uint64(0); i < n && d.err == nil; i++ {
			a.Texts = append(a.Texts, d.text())
		}
		n = d.uint()
		if n > uint64(len(d.b)) {
			d.fail("argument count")
			return
		}
		for i := uint64(0); i < n && d.err == nil; i++ {
			a.Nums = append(a.Nums, d.uint())
		}
	})
}

// Text returns the i-th text argument, or "" when missing.
func (a *Args) Text(i int) string {
	if i < len(a.Texts) {
		return a.Texts[i]
	}
	return ""
}

// Num returns the i-th number argument, or 0 when missing.
func (a *Args) Num(i int) uint64 {
	if i < len(a.Nums) {
		return a.Nums[i]
	}
	return 0
}
