package store

import (
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
	ErrBadLogin        = errors.New("wrong operator name or password")
	ErrOperatorExists  = errors.New("an operator of that name exists")
	ErrWeakPassword    = errors.New("the password must have at least 8 characters")
	ErrLastAdmin       = errors.New("the last administrator cannot be removed or demoted")
	ErrOperatorDisable = errors.New("the operator is disabled")
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

// Authenticate checks a name and password; the log-in, or its failure, is audited.
func (s *DB) Authenticate(name, password string) (Operator, error) {
	var op Operator
	err := s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bOperators).Get([]byte(name))
		if raw == nil {
			return ErrBadLogin
		}
		return json.Unmarshal(raw, &op)
	})
	switch {
	case errors.Is(err, ErrBadLogin):
		// Spend the same time as a real check, so a name's existence does not show.
		passwordKDF.key(password, make([]byte, 16))
	case err != nil:
		return Operator{}, err
	case subtle.ConstantTimeCompare(op.KDF.key(password, op.Salt), op.Hash) != 1:
		err = ErrBadLogin
	case op.Disabled:
		err = ErrOperatorDisable
	}
	action := "login"
	if err != nil {
		action = "login.failed"
	}
	if aerr := s.Audit(name, action, name, ""); aerr != nil && err == nil {
		return Operator{}, aerr
	}
	return op, err
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
			op.Salt, op.Hash = nil, nil
			ops = append(ops, op)
			return nil
		})
	})
	slices.SortFunc(ops, func(a, b Operator) int { return strings.Compare(a.Name, b.Name) })
	return ops, err
}
