package store

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	bolt "go.etcd.io/bbolt"
)

// Mail delivery: an issued invoice whose buyer has an e-mail address joins the mail
// outbox in the transaction that stores it, like the sync outbox; the mailer sends the
// PDF and records the outcome. Since schema 4.

// MailState is where an invoice's e-mail is.
type MailState string

// The mail states.
const (
	MailNone   MailState = ""       // never queued: the buyer gave no address
	MailQueued MailState = "queued" // waiting, or retrying after a temporary failure
	MailSent   MailState = "sent"   // the server accepted it
	MailFailed MailState = "failed" // refused for good, or out of retries; waits for the clerk
)

// MailStatus is an invoice's delivery by e-mail.
type MailStatus struct {
	State    MailState `json:"state"`
	To       string    `json:"to"`
	Attempts int       `json:"attempts"`
	NextAt   time.Time `json:"next_at,omitzero"` // when a queued mail is next tried
	Error    string    `json:"error,omitempty"`  // the last failure, in the server's words
	SentAt   time.Time `json:"sent_at,omitzero"`
}

// MailJob is a queued mail that is due: the invoice and its status.
type MailJob struct {
	Record *Record
	Status MailStatus
}

var keyMailSettings = []byte("mail_settings")

// MailSettings are the SMTP server's: the mail leaves through it with STARTTLS, always.
type MailSettings struct {
	Host     string `json:"host"`
	Port     int    `json:"port"` // 587 usually
	Username string `json:"username,omitempty"`
	// Password is kept in the store, which only this user can read (mode 0600).
	Password string `json:"password,omitempty"`
	From     string `json:"from"` // the sender address the buyer sees
	// CACertPEM is an extra certificate authority to trust, for a company server whose
	// certificate a private CA issued; empty trusts the system's.
	CACertPEM string `json:"ca_cert_pem,omitempty"`
}

// MailSettings returns the SMTP settings, the zero value until they are set.
func (s *DB) MailSettings() (MailSettings, error) {
	var m MailSettings
	err := s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bMeta).Get(keyMailSettings)
		if raw == nil {
			return nil
		}
		return json.Unmarshal(raw, &m)
	})
	return m, err
}

// SetMailSettings stores the SMTP settings, with an audit entry (the password is not
// logged).
func (s *DB) SetMailSettings(m MailSettings, operator string) error {
	if _, err := mail.ParseAddress(m.From); err != nil || m.Host == "" || m.Port <= 0 {
		return invoice.NewProblem(nil, "mail.settings", invoice.Args{"field": "from", "value": m.From}, nil)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := putJSON(tx.Bucket(bMeta), keyMailSettings, &m); err != nil {
			return err
		}
		return s.appendAudit(tx, operator, "settings", "mail", fmt.Sprintf("%s:%d from %s", m.Host, m.Port, m.From))
	})
}

// queueMail puts a new blue invoice with a buyer address into the mail outbox.
func queueMail(tx *bolt.Tx, idk []byte, inv *invoice.Invoice, at time.Time) error {
	if inv.Buyer.Email == "" || inv.IsRed() {
		return nil
	}
	return putJSON(tx.Bucket(bMail), idk, &MailStatus{State: MailQueued, To: inv.Buyer.Email, NextAt: at})
}

// QueueMail (re)queues an invoice's e-mail to an address, for a failed mail the clerk
// retries or a copy sent on request. An empty to uses the buyer's address.
func (s *DB) QueueMail(id uint64, to, operator string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		rec, err := getRecord(tx, be64(id))
		if err != nil {
			return err
		}
		if to == "" {
			to = rec.Invoice.Buyer.Email
		}
		if _, err := mail.ParseAddress(to); err != nil {
			return invoice.NewProblem(nil, "mail.address", invoice.Args{"field": "to", "value": to,
				"code": rec.Invoice.Code, "number": rec.Invoice.Number, "err": err.Error()}, nil)
		}
		if err := putJSON(tx.Bucket(bMail), be64(id), &MailStatus{State: MailQueued, To: to, NextAt: s.now()}); err != nil {
			return err
		}
		return s.appendAudit(tx, operator, "mail.queue", rec.Invoice.RequestID, to)
	})
}

// MailStatusOf returns an invoice's mail status; MailNone when it was never queued.
func (s *DB) MailStatusOf(id uint64) (MailStatus, error) {
	var st MailStatus
	err := s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bMail).Get(be64(id))
		if raw == nil {
			return nil
		}
		return json.Unmarshal(raw, &st)
	})
	return st, err
}

// DueMail returns up to n queued mails whose next attempt is due at now, oldest invoice
// first.
func (s *DB) DueMail(now time.Time, n int) ([]MailJob, error) {
	var out []MailJob
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bMail).Cursor()
		for k, v := c.First(); k != nil && len(out) < n; k, v = c.Next() {
			var st MailStatus
			if err := json.Unmarshal(v, &st); err != nil {
				return err
			}
			if st.State != MailQueued || st.NextAt.After(now) {
				continue
			}
			rec, err := getRecord(tx, k)
			if err != nil {
				return err
			}
			out = append(out, MailJob{Record: rec, Status: st})
		}
		return nil
	})
	return out, err
}

// MailCounts are the mail outbox's figures.
func (s *DB) MailCounts() (queued, sent, failed int, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bMail).ForEach(func(_, v []byte) error {
			var st MailStatus
			if err := json.Unmarshal(v, &st); err != nil {
				return err
			}
			switch st.State {
			case MailQueued:
				queued++
			case MailSent:
				sent++
			case MailFailed:
				failed++
			}
			return nil
		})
	})
	return queued, sent, failed, err
}

// MailResult records one attempt: sent (err empty), retry at next (a temporary failure),
// or failed for good (next zero). One transaction with its audit entry.
func (s *DB) MailResult(id uint64, failure string, next time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		rec, err := getRecord(tx, be64(id))
		if err != nil {
			return err
		}
		var st MailStatus
		if raw := tx.Bucket(bMail).Get(be64(id)); raw != nil {
			if err := json.Unmarshal(raw, &st); err != nil {
				return err
			}
		}
		st.Attempts++
		action := "mail.sent"
		switch {
		case failure == "":
			st.State, st.SentAt, st.Error, st.NextAt = MailSent, s.now(), "", time.Time{}
		case next.IsZero():
			st.State, st.Error, st.NextAt, action = MailFailed, failure, time.Time{}, "mail.failed"
		default:
			st.State, st.Error, st.NextAt, action = MailQueued, failure, next, "mail.retry"
		}
		if err := putJSON(tx.Bucket(bMail), be64(id), &st); err != nil {
			return err
		}
		return s.appendAudit(tx, "mail", action, rec.Invoice.RequestID, st.To+" "+failure)
	})
}
