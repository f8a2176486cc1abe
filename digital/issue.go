package digital

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
	bolt "go.etcd.io/bbolt"
)

// errNoSigner: the enterprise's signing key is not loaded.
var errNoSigner = errors.New("the enterprise's signing certificate is not installed (kaipiaoctl pki init, or pki import --name enterprise)")

// Issue issues draft under requestID with the expected number, in ONE bbolt transaction
// (docs/digital.md "The workstation side"): a request ID seen before returns what was
// issued for it; the number must be the next held one (else ErrNumberMismatch); no
// number held, too little quota or a passed upload deadline refuse (ErrRefused, with the
// clerk's message); otherwise the number and the amount are taken, the invoice signed
// with the enterprise's key and appended to the journal.
// afterIssue runs after an invoice is committed to the channel's file and before the
// engine commits it to the store: nil except in the crash test's build (crashhook.go),
// where it widens that window so that the test's kills are sure to land in it.
var afterIssue func()

func (c *Channel) Issue(_ context.Context, requestID, expectedCode, expectedNumber string, draft *invoice.Invoice) (invoice.Receipt, error) {
	var out invoice.Receipt
	err := c.db.Update(func(tx *bolt.Tx) error {
		if k := tx.Bucket(bByRequest).Get([]byte(requestID)); k != nil {
			r, err := getReceipt(tx, k)
			out = r
			return err
		}
		if !draft.Kind.Digital() {
			return refuseKind(draft.Kind)
		}
		if c.Signer == nil {
			return fmt.Errorf("%w: %w", invoice.ErrRefused, errNoSigner)
		}
		st, err := readState(tx)
		if err != nil {
			return err
		}
		if len(st.Held) == 0 {
			return invoice.NewProblem(invoice.ErrRefused, "refused.digital_none", nil, nil)
		}
		next := st.Held[0].First
		if expectedCode != "" || expectedNumber != next {
			return fmt.Errorf("%w: expected %s, the next number held is %s", invoice.ErrNumberMismatch, invoice.Ref(expectedCode, expectedNumber), next)
		}
		now := c.now()
		if key, args := deadlineLock(st, now); key != "" {
			return invoice.NewProblem(invoice.ErrRefused, key, args, nil)
		}
		period := Period(now)
		q := st.quota(period)
		amount := draft.Totals().Amount
		if amount > 0 && q.Held-q.Used < amount {
			return invoice.NewProblem(invoice.ErrRefused, "refused.digital_quota",
				invoice.Args{"period": period, "left": (q.Held - q.Used).String(), "amount": amount.String()}, nil)
		}
		if amount < 0 && draft.Red != nil {
			// A red invoice gives back what it reverses when its blue invoice was issued
			// this month; the blue one's month is closed otherwise.
			if k := tx.Bucket(bByNumber).Get([]byte(draft.Red.Number)); k != nil {
				blue, err := getReceipt(tx, k)
				if err != nil {
					return err
				}
				if Period(blue.Invoice.IssuedAt) == period {
					q.Used = max(q.Used+amount, 0)
				}
			}
		} else if amount > 0 {
			q.Used += amount
		}

		inv := *draft
		inv.Issued = invoice.Issued{Number: next, IssuedAt: now.In(invoice.Beijing).Truncate(time.Second)}
		sig, err := c.Signer.SignCore(device.CoreFields(&inv))
		if err != nil {
			return fmt.Errorf("%w: signing %s: %w", invoice.ErrRefused, next, err)
		}
		inv.Signature = sig

		if st.Held[0].First == st.Held[0].Last {
			st.Held = st.Held[1:]
		} else {
			n, ok := invoice.NumberPlus(next, 1)
			if !ok {
				return fmt.Errorf("the held segment %s–%s is damaged", st.Held[0].First, st.Held[0].Last)
			}
			st.Held[0].First = n
		}
		st.Counter++
		k := be64(st.Counter)
		raw, err := json.Marshal(&inv)
		if err != nil {
			return err
		}
		for _, p := range []struct {
			b    []byte
			k, v []byte
		}{{bJournal, k, raw}, {bByRequest, []byte(requestID), k}, {bByNumber, []byte(next), k}} {
			if err := tx.Bucket(p.b).Put(p.k, p.v); err != nil {
				return err
			}
		}
		if err := writeState(tx, st); err != nil {
			return err
		}
		out = invoice.Receipt{Invoice: &inv, Counter: binary.BigEndian.Uint64(k)}
		return nil
	})
	if err != nil {
		return invoice.Receipt{}, err
	}
	if afterIssue != nil {
		afterIssue()
	}
	return out, nil
}
