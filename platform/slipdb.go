package platform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kaipiao/kaipiao/upload"
	bolt "go.etcd.io/bbolt"
)

// SlipStore keeps the confirmation slips and finds the invoices they reverse. Each
// method that changes a slip does it in one transaction, so that of two answers to one
// slip arriving together exactly one wins and the other sees its result; an unanswered
// slip past its deadline is voided (07) by whichever call meets it first. *DB is the
// bbolt implementation; a PostgreSQL one implements the same methods with the same rules
// (answer, useSlip and expire in slip.go).
type SlipStore interface {
	// HeldInvoice returns the invoice held under code and number (code empty for a
	// digital invoice), nil when there is none.
	HeldInvoice(code, number string) (*Stored, error)
	// RedInvoicesOf returns the red invoices of seller held against code and number.
	RedInvoicesOf(seller, code, number string) ([]*Stored, error)
	// CreateSlip returns the slip requester made with requestID before (created false),
	// or calls build with every slip of the blue invoice (expired ones voided) and
	// stores the slip it returns under a new number (SlipNumber).
	CreateSlip(requester, requestID, blueCode, blueNumber string, now time.Time,
		build func(earlier []*upload.Slip) (*upload.Slip, error)) (s *upload.Slip, created bool, err error)
	// Slip returns a slip, voided first if its deadline passed; ErrSlipNotFound.
	Slip(number string, now time.Time) (*upload.Slip, error)
	// Slips returns the slips taxID is a party to, oldest first, expired ones voided.
	Slips(taxID string, now time.Time) ([]*upload.Slip, error)
	// AnswerSlip applies taxID's action (upload.SlipConfirm, SlipRefuse, SlipWithdraw)
	// under the rules of answer and returns the slip as it then stands. A slip past its
	// deadline is voided and the answer refused with ErrSlipState.
	AnswerSlip(number, taxID, action string, now time.Time) (*upload.Slip, error)
	// UseSlip records that seller's red invoice redNumber uses the slip (useSlip).
	UseSlip(number, seller, redNumber string, now time.Time) (*upload.Slip, error)
	// ClaimSlip reserves the slip for seller's red invoice redNumber before it is
	// issued (claimSlip), in the same transaction as the check that no invoice is held
	// under an earlier claim's number.
	ClaimSlip(number, seller, redNumber string, now time.Time) (*upload.Slip, error)
}

var (
	bSlips        = []byte("slips")         // slip number → upload.Slip JSON; its sequence numbers the slips
	bSlipRequests = []byte("slip_requests") // requester tax ID 0 request ID → slip number
	bSlipBlue     = []byte("slip_blue")     // blue code 0 blue number 0 slip number → empty
	bSlipParty    = []byte("slip_party")    // party tax ID 0 slip number → empty
)

var slipBuckets = [][]byte{bSlips, bSlipRequests, bSlipBlue, bSlipParty}

// slipTx opens the slip buckets, creating them in a write transaction (a platform file
// made before the slips has none; a read finds none and so no slips).
func slipTx(tx *bolt.Tx) (map[string]*bolt.Bucket, bool) {
	m := map[string]*bolt.Bucket{}
	for _, name := range slipBuckets {
		b := tx.Bucket(name)
		if b == nil && tx.Writable() {
			b, _ = tx.CreateBucketIfNotExists(name)
		}
		if b == nil {
			return nil, false
		}
		m[string(name)] = b
	}
	return m, true
}

// boltSlips are a bbolt transaction's slips (slipops.go).
type boltSlips struct {
	tx    *bolt.Tx
	slips *bolt.Bucket
}

// slipsOf opens the slip buckets of tx (slipTx) and its slips.
func slipsOf(tx *bolt.Tx) (map[string]*bolt.Bucket, boltSlips) {
	bs, _ := slipTx(tx)
	return bs, boltSlips{tx: tx, slips: bs[string(bSlips)]}
}

func (b boltSlips) raw(number string) ([]byte, error) { return b.slips.Get([]byte(number)), nil }

func (b boltSlips) put(s *upload.Slip) error {
	raw, err := encodeSlip(s)
	if err != nil {
		return err
	}
	return b.slips.Put([]byte(s.Number), raw)
}

// heldRed never fails: an invoice that does not decode counts as held.
func (b boltSlips) heldRed(n, slip string) (bool, error) {
	raw := b.tx.Bucket(bInvoices).Get(invoiceKey("", "", n))
	if raw == nil {
		return false, nil
	}
	var st Stored
	return json.Unmarshal(raw, &st) != nil || redOfSlip(st.Invoice, slip), nil
}

// HeldInvoice finds an invoice by code and number whatever its device: the keys lead
// with the device, so this scans them (the reference platform's size; an index is the
// PostgreSQL adapter's business).
func (d *DB) HeldInvoice(code, number string) (*Stored, error) {
	suffix := []byte("\x00" + code + "\x00" + number)
	var out *Stored
	err := d.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bInvoices).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if !bytes.HasSuffix(k, suffix) || bytes.Count(k, []byte{0}) != 2 {
				continue
			}
			var s Stored
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
			if s.Code == code && s.Number == number {
				out = &s
				return nil
			}
		}
		return nil
	})
	return out, err
}

// RedInvoicesOf scans seller's invoices for the red ones naming code and number.
func (d *DB) RedInvoicesOf(seller, code, number string) ([]*Stored, error) {
	return redInvoicesOf(d.Invoices, seller, code, number)
}

// redInvoicesOf is RedInvoicesOf over either store's scan of a seller's invoices; the
// red link is read from the stored wire JSON, which both stores keep as it came.
func redInvoicesOf(scan func(seller string, f func(*Stored) error) error, seller, code, number string) ([]*Stored, error) {
	var out []*Stored
	err := scan(seller, func(s *Stored) error {
		var w struct {
			RedOf *struct {
				Code   string `json:"code"`
				Number string `json:"number"`
			} `json:"red_of"`
		}
		if json.Unmarshal(s.Invoice, &w) == nil && w.RedOf != nil && w.RedOf.Code == code && w.RedOf.Number == number {
			c := *s // the scan may reuse its value
			out = append(out, &c)
		}
		return nil
	})
	return out, err
}

// CreateSlip implements SlipStore in one bbolt transaction.
func (d *DB) CreateSlip(requester, requestID, blueCode, blueNumber string, now time.Time,
	build func(earlier []*upload.Slip) (*upload.Slip, error)) (*upload.Slip, bool, error) {
	var out *upload.Slip
	var created bool
	err := d.db.Update(func(tx *bolt.Tx) error {
		bs, rows := slipsOf(tx)
		reqKey := []byte(requester + "\x00" + requestID)
		if n := bs[string(bSlipRequests)].Get(reqKey); n != nil {
			s, err := loadSlip(rows, string(n), now)
			out = s
			return err
		}
		prefix := []byte(blueCode + "\x00" + blueNumber + "\x00")
		var earlier []*upload.Slip
		c := bs[string(bSlipBlue)].Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			s, err := loadSlip(rows, string(k[len(prefix):]), now)
			if err != nil {
				return err
			}
			earlier = append(earlier, s)
		}
		s, err := build(earlier)
		if err != nil {
			return err
		}
		seq, err := rows.slips.NextSequence()
		if err != nil {
			return err
		}
		numberSlip(s, requestID, now, seq)
		if rows.slips.Get([]byte(s.Number)) != nil {
			return fmt.Errorf("slip number %s is taken (the sequence went back?)", s.Number)
		}
		if err := rows.put(s); err != nil {
			return err
		}
		if err := bs[string(bSlipRequests)].Put(reqKey, []byte(s.Number)); err != nil {
			return err
		}
		if err := bs[string(bSlipBlue)].Put(append(prefix, s.Number...), nil); err != nil {
			return err
		}
		if err := bs[string(bSlipParty)].Put([]byte(s.SellerTaxID+"\x00"+s.Number), nil); err != nil {
			return err
		}
		if s.BuyerTaxID != "" && s.BuyerTaxID != s.SellerTaxID {
			if err := bs[string(bSlipParty)].Put([]byte(s.BuyerTaxID+"\x00"+s.Number), nil); err != nil {
				return err
			}
		}
		out, created = s, true
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// slips runs a function in one bbolt transaction of the slips (slipops.go).
func (d *DB) slips() slipUpdate {
	return func(f func(slipRows) error) error {
		return d.db.Update(func(tx *bolt.Tx) error {
			_, rows := slipsOf(tx)
			return f(rows)
		})
	}
}

// Slip implements SlipStore.
func (d *DB) Slip(number string, now time.Time) (*upload.Slip, error) {
	return d.slips().one(func(rows slipRows) (*upload.Slip, error) { return loadSlip(rows, number, now) })
}

// Slips implements SlipStore.
func (d *DB) Slips(taxID string, now time.Time) ([]*upload.Slip, error) {
	var out []*upload.Slip
	err := d.db.Update(func(tx *bolt.Tx) error {
		bs, rows := slipsOf(tx)
		prefix := []byte(taxID + "\x00")
		c := bs[string(bSlipParty)].Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			s, err := loadSlip(rows, string(k[len(prefix):]), now)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		return nil
	})
	return out, err
}

// AnswerSlip implements SlipStore. A slip found expired is stored voided even though the
// answer is refused: the transaction commits and the error is returned after.
func (d *DB) AnswerSlip(number, taxID, action string, now time.Time) (*upload.Slip, error) {
	return d.slips().answer(number, taxID, action, now)
}

// UseSlip implements SlipStore.
func (d *DB) UseSlip(number, seller, redNumber string, now time.Time) (*upload.Slip, error) {
	return d.slips().one(func(rows slipRows) (*upload.Slip, error) { return useIn(rows, number, seller, redNumber, now) })
}

// ClaimSlip implements SlipStore.
func (d *DB) ClaimSlip(number, seller, redNumber string, now time.Time) (*upload.Slip, error) {
	return d.slips().one(func(rows slipRows) (*upload.Slip, error) { return claimIn(rows, number, seller, redNumber, now) })
}
