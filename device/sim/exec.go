package sim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/kaipiao/kaipiao/device"
	bolt "go.etcd.io/bbolt"
)

// ErrCrashed is returned by Execute when a fault simulated a power loss: the caller must
// stop serving at once, sending nothing more (the device is dead until restarted).
var ErrCrashed = errors.New("sim: device crashed (simulated power loss)")

// refusal is a device error answer.
type refusal struct {
	code   device.Code
	detail string
}

func (r *refusal) Error() string { return r.code.Error() + ": " + r.detail }

func refuse(code device.Code, format string, args ...any) error {
	return &refusal{code: code, detail: fmt.Sprintf(format, args...)}
}

// Hello opens a new session, dropping the previous one.
func (d *Device) Hello() device.Hello {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.session = 0
	return d.helloLocked()
}

func (d *Device) helloLocked() device.Hello {
	var b [4]byte
	for d.session == 0 {
		_, _ = rand.Read(b[:])
		d.session = binary.BigEndian.Uint32(b[:])
	}
	d.pinSession = 0
	return device.Hello{Protocol: device.Version, BootID: d.bootID, Session: d.session, NextSeq: 1, Machine: d.st.Machine, Firmware: "kaipiao-devsim 1"}
}

// BootID changes at every boot and Reboot.
func (d *Device) BootID() [16]byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.bootID
}

// Session is the current session ID (0 when none).
func (d *Device) Session() uint32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.session
}

// Execute runs one command of the given session and returns the response payload. It
// returns ErrCrashed when an injected fault killed the device.
func (d *Device) Execute(session uint32, cmd device.Command, payload []byte) ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.crashed {
		return nil, ErrCrashed
	}
	if cmd == device.CmdHello {
		d.session = 0
		h := d.helloLocked()
		b, err := h.MarshalBinary()
		return device.AppendResponse(device.CodeOK, "", b), err
	}
	if session == 0 || session != d.session {
		return device.AppendResponse(device.CodeNoSession, fmt.Sprintf("session %d is not open", session), nil), nil
	}
	body, err := d.dispatch(session, cmd, payload)
	if errors.Is(err, errCrash) || errors.Is(err, ErrCrashed) {
		d.crashed = true
		return nil, ErrCrashed
	}
	var r *refusal
	switch {
	case err == nil:
		return device.AppendResponse(device.CodeOK, "", body), nil
	case errors.As(err, &r):
		return device.AppendResponse(r.code, r.detail, nil), nil
	case errors.Is(err, device.ErrMalformed):
		return device.AppendResponse(device.CodeBadRequest, err.Error(), nil), nil
	default:
		return device.AppendResponse(device.CodeInternal, err.Error(), nil), nil
	}
}

func (d *Device) dispatch(session uint32, cmd device.Command, payload []byte) ([]byte, error) {
	var args device.Args
	switch cmd {
	case device.CmdCaps:
		c := d.Caps()
		return c.MarshalBinary()
	case device.CmdStatus:
		s := d.status()
		return s.MarshalBinary()
	case device.CmdStock:
		return device.MarshalRolls(d.rolls()), nil
	case device.CmdOffline:
		o := d.offline()
		return o.MarshalBinary()
	case device.CmdIssue, device.CmdIssueRed:
		return d.issue(session, cmd, payload)
	case device.CmdQueryLast:
		return d.query(func(tx *bolt.Tx) (device.Record, bool, error) { return getRecord(tx, d.st.Counter) })
	case device.CmdExport:
		if err := args.UnmarshalBinary(payload); err != nil {
			return nil, err
		}
		return d.export(session, int(min(args.Num(0), 1000)))
	case device.CmdUploadAck:
		return d.uploadAck(session, payload)
	}
	if !cmd.Known() {
		return nil, refuse(device.CodeUnknownCommand, "command 0x%02X", uint8(cmd))
	}
	if err := args.UnmarshalBinary(payload); err != nil {
		return nil, err
	}
	switch cmd {
	case device.CmdPINVerify:
		return nil, d.verifyPIN(session, args.Text(0))
	case device.CmdPINChange:
		return d.changePIN(session, payload, args)
	case device.CmdQueryNumber:
		return d.query(func(tx *bolt.Tx) (device.Record, bool, error) { return byNumber(tx, args.Text(0), args.Text(1)) })
	case device.CmdQueryReq:
		return d.query(func(tx *bolt.Tx) (device.Record, bool, error) { return byRequest(tx, args.Text(0)) })
	case device.CmdJournal:
		limit := uint64(device.MaxPayload / 2)
		if b := args.Num(2); b > 0 {
			limit = min(b, limit)
		}
		return d.journal(args.Num(0), int(min(args.Num(1), 10000)), int(limit))
	case device.CmdReport:
		return d.report(session, payload, args)
	case device.CmdClear:
		return d.clear(session, payload, args)
	}
	return nil, refuse(device.CodeUnknownCommand, "command %s", cmd)
}

func (d *Device) query(f func(tx *bolt.Tx) (device.Record, bool, error)) ([]byte, error) {
	var out []byte
	err := d.db.View(func(tx *bolt.Tx) error {
		r, ok, err := f(tx)
		if err != nil {
			return err
		}
		if !ok {
			return refuse(device.CodeNotFound, "no such invoice")
		}
		out, err = r.MarshalBinary()
		return err
	})
	return out, err
}

// byRequest finds the record an ISSUE request ID produced.
func byRequest(tx *bolt.Tx, requestID string) (device.Record, bool, error) {
	s, ok := getStored(tx, requestID)
	if !ok || (s.cmd != device.CmdIssue && s.cmd != device.CmdIssueRed) {
		return device.Record{}, false, nil
	}
	_, _, body, err := device.ParseResponse(s.response)
	if err != nil {
		return device.Record{}, false, err
	}
	var r device.Record
	return r, true, r.UnmarshalBinary(body)
}

// journal answers a page of records from counter from: at most n records and, past the
// first, at most limit bytes, so that a page's wire time stays within the deadline.
func (d *Device) journal(from uint64, n, limit int) ([]byte, error) {
	if from == 0 {
		from = 1
	}
	var recs []device.Record
	size := 0
	err := d.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketJournal).Cursor()
		for k, v := c.Seek(counterKey(from)); k != nil && len(recs) < n; k, v = c.Next() {
			if len(recs) > 0 && size+len(v) > limit {
				break
			}
			var r device.Record
			if err := r.UnmarshalBinary(v); err != nil {
				return err
			}
			recs, size = append(recs, r), size+len(v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return device.MarshalRecords(recs)
}

func (d *Device) verifyPIN(session uint32, pin string) error {
	if d.st.PINLocked {
		return refuse(device.CodePINLocked, "PIN locked")
	}
	if pinMatches(d.st.PINSalt, d.st.PINHash, pin) {
		d.pinSession = session
		if d.st.PINTries == 0 {
			return nil
		}
		return d.update(func(_ *bolt.Tx, st *persisted) error { st.PINTries = 0; return nil })
	}
	err := d.update(func(_ *bolt.Tx, st *persisted) error {
		st.PINTries++
		st.PINLocked = st.PINTries >= 5
		return nil
	})
	if err != nil {
		return err
	}
	if d.st.PINLocked {
		return refuse(device.CodePINLocked, "fifth wrong PIN")
	}
	return refuse(device.CodePINWrong, "%d tries left", 5-d.st.PINTries)
}

// LockPIN locks the PIN as five wrong tries would (a fault, and a test aid).
func (d *Device) LockPIN() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.update(func(_ *bolt.Tx, st *persisted) error { st.PINLocked, st.PINTries = true, 5; return nil })
}

func (d *Device) needPIN(session uint32) error {
	if d.st.PINLocked {
		return refuse(device.CodePINLocked, "PIN locked")
	}
	if d.pinSession != session {
		return refuse(device.CodePINRequired, "verify the PIN in this session first")
	}
	return nil
}

// idempotent runs a mutating command once per request ID: a repeat with the same payload
// hash gets the stored answer, a repeat with another payload CodeRequestReused. run's
// answer is stored in the same transaction as its effects.
func (d *Device) idempotent(cmd device.Command, requestID string, hashed []byte, run func(tx *bolt.Tx, st *persisted) ([]byte, error)) ([]byte, error) {
	if requestID == "" {
		return nil, refuse(device.CodeBadRequest, "%s needs a request ID", cmd)
	}
	hash := sm3Sum(append([]byte{byte(cmd)}, hashed...))
	var out []byte
	err := d.update(func(tx *bolt.Tx, st *persisted) error {
		if s, ok := getStored(tx, requestID); ok {
			if s.cmd != cmd || string(s.hash[:]) != string(hash) {
				return refuse(device.CodeRequestReused, "request ID %q was used by another %s", requestID, s.cmd)
			}
			_, _, body, err := device.ParseResponse(s.response)
			out = body
			return err
		}
		body, err := run(tx, st)
		if err != nil {
			return err
		}
		out = body
		s := stored{cmd: cmd, response: device.AppendResponse(device.CodeOK, "", body)}
		copy(s.hash[:], hash)
		return putStored(tx, requestID, s)
	})
	return out, err
}

func (d *Device) changePIN(session uint32, payload []byte, args device.Args) ([]byte, error) {
	if err := d.needPIN(session); err != nil {
		return nil, err
	}
	return d.idempotent(device.CmdPINChange, args.Text(0), payload, func(_ *bolt.Tx, st *persisted) ([]byte, error) {
		if !pinMatches(st.PINSalt, st.PINHash, args.Text(1)) {
			return nil, refuse(device.CodePINWrong, "old PIN does not match")
		}
		if len(args.Text(2)) < 6 {
			return nil, refuse(device.CodeBadRequest, "new PIN shorter than 6 characters")
		}
		st.PINHash = sm3Sum(append(append([]byte{}, st.PINSalt...), args.Text(2)...))
		return nil, nil
	})
}

// pinMatches compares a PIN with the stored salted hash in constant time, so that the
// time an answer takes says nothing about how much of the hash matched.
func pinMatches(salt, hash []byte, pin string) bool {
	return subtle.ConstantTimeCompare(sm3Sum(append(append([]byte{}, salt...), pin...)), hash) == 1
}
