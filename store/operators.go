package store

import (
	"github.com/kaipiao/kaipiao/invoice"

	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/argon2"
)

// Role is what an operator may do.
type Role string

// The roles: an administrator also manages settings and operators.
const (
	RoleAdmin Role = "admin"
	RoleClerk Role = "clerk"
)

// Errors of the operator verbs.
var (
	ErrBadLogin        = invoice.NewSentinel("login.bad")
	ErrOperatorExists  = invoice.NewSentinel("operator.exists")
	ErrWeakPassword    = invoice.NewSentinel("operator.weak_password")
	ErrLastAdmin       = invoice.NewSentinel("operator.last_admin")
	ErrOperatorDisable = invoice.NewSentinel("operator.disabled")
)

// Operator is a person who logs in to the workstation.
type Operator struct {
	Name     string    `json:"name"`
	Role     Role      `json:"role"`
	Disabled bool      `json:"disabled,omitempty"`
	Created  time.Time `json:"created"`
	// The password as argon2id: never the password itself.
	Salt []byte     `json:"salt"`
	Hash []byte     `json:"hash"`
	KDF  argonParam `json:"kdf"`
	// Tokens are the operator's API tokens for kaipiaoctl, as SHA-256 hashes.
	Tokens []APIToken `json:"tokens,omitempty"`
	// Failures counts wrong passwords since the last good log-in; from the fifth on the
	// operator is locked out until LockedUntil, the wait doubling each time.
	Failures    int       `json:"failures,omitempty"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
}

// argonParam records the parameters a hash was made with, so they can be raised later
// without locking anyone out.
type argonParam struct {
	Time    uint32 `json:"t"`
	Memory  uint32 `json:"m"` // KiB
	Threads uint8  `json:"p"`
}

// passwordKDF follows RFC 9106's second recommended option (64 MiB, three passes).
var passwordKDF = argonParam{Time: 3, Memory: 64 * 1024, Threads: 4}

func (p argonParam) key(password string, salt []byte) []byte {
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
}

// HasOperators reports whether anyone has been set up: a fresh workstation asks for its
// administrator first.
func (s *DB) HasOperators() (bool, error) {
	has := false
	err := s.db.View(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bOperators).Cursor().First()
		has = k != nil
		return nil
	})
	return has, err
}

// CreateOperator adds an operator with a password, recorded in the audit log as by's act.
func (s *DB) CreateOperator(name string, role Role, password, by string) error {
	if name == "" || utf8.RuneCountInString(name) > 16 {
		return fmt.Errorf("operator name %q: 1 to 16 characters", name)
	}
	if role != RoleAdmin && role != RoleClerk {
		return fmt.Errorf("role %q: admin or clerk", role)
	}
	if utf8.RuneCountInString(password) < 8 {
		return ErrWeakPassword
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	op := Operator{Name: name, Role: role, Created: s.now().UTC(), Salt: salt, KDF: passwordKDF,
		Hash: passwordKDF.key(password, salt)}
	raw, err := json.Marshal(op)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bOperators)
		if b.Get([]byte(name)) != nil {
			return fmt.Errorf("%s: %w", name, ErrOperatorExists)
		}
		if err := b.Put([]byte(name), raw); err != nil {
			return err
		}
		return s.appendAudit(tx, by, "operator.create", name, string(role))
	})
}

// Authenticate checks a name and password; the log-in, or its failure, is audited. After
// lockoutAfter wrong passwords in a row the operator is locked out for a while that
// doubles with each further failure (ErrLockedOut, with the time it ends); a good
// log-in clears the count.
func (s *DB) Authenticate(name, password string) (Operator, error) {
	var op Operator
	var err error
	uerr := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bOperators)
		raw := b.Get([]byte(name))
		if raw == nil {
			// Spend the same time as a real check, so a name's existence does not show.
			passwordKDF.key(password, make([]byte, 16))
			err = ErrBadLogin
			return s.appendAudit(tx, name, "login.failed", name, "")
		}
		if jerr := json.Unmarshal(raw, &op); jerr != nil {
			return fmt.Errorf("store: bucket operators, key %q: %w", name, jerr)
		}
		now := s.now()
		switch {
		case now.Before(op.LockedUntil):
			err = &LockedOutError{Until: op.LockedUntil}
			return s.appendAudit(tx, name, "login.locked", name, "")
		case subtle.ConstantTimeCompare(op.KDF.key(password, op.Salt), op.Hash) != 1:
			err = ErrBadLogin
			op.Failures++
			if op.Failures >= lockoutAfter {
				op.LockedUntil = now.Add(lockoutWait(op.Failures))
			}
		case op.Disabled:
			err = ErrOperatorDisable
		default:
			op.Failures, op.LockedUntil = 0, time.Time{}
		}
		raw, jerr := json.Marshal(&op)
		if jerr != nil {
			return jerr
		}
		if perr := b.Put([]byte(name), raw); perr != nil {
			return perr
		}
		action, detail := "login", ""
		if err != nil {
			action = "login.failed"
			if !op.LockedUntil.IsZero() && errors.Is(err, ErrBadLogin) {
				detail = fmt.Sprintf("%d failures: locked until %s", op.Failures, op.LockedUntil.UTC().Format(time.RFC3339))
			}
		}
		return s.appendAudit(tx, name, action, name, detail)
	})
	if uerr != nil {
		return Operator{}, uerr
	}
	if err != nil {
		return Operator{}, err
	}
	op.Salt, op.Hash, op.Tokens = nil, nil, nil
	return op, nil
}

// lockoutAfter is the number of wrong passwords in a row that locks an operator out.
const lockoutAfter = 5

// lockoutWait is how long the failures-th wrong password locks out for: 30 s at the
// fifth, doubling, at most 15 minutes.
func lockoutWait(failures int) time.Duration {
	d := 30 * time.Second << min(failures-lockoutAfter, 5)
	return min(d, 15*time.Minute)
}

// LockedOutError: too many wrong passwords; no log-in is tried until Until.
type LockedOutError struct{ Until time.Time }

// Text is the message in lang (the catalogue's login.locked_out): until when the log-in
// is locked.
func (e *LockedOutError) Text(lang invoice.Lang) string {
	return invoice.Say(lang, "login.locked_out", invoice.Args{"until": e.Until.Local().Format("15:04:05")})
}

func (e *LockedOutError) Error() string {
	return e.Text(invoice.English) + " (" + e.Text(invoice.Chinese) + ")"
}

// Operators lists everyone, by name.
func (s *DB) Operators() ([]Operator, error) {
	var ops []Operator
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bOperators).ForEach(func(_, v []byte) error {
			var op Operator
			if err := json.Unmarshal(v, &op); err != nil {
				return err
			}
			op.Salt, op.Hash, op.Tokens = nil, nil, nil
			ops = append(ops, op)
			return nil
		})
	})
	slices.SortFunc(ops, func(a, b Operator) int { return strings.Compare(a.Name, b.Name) })
	return ops, err
}
