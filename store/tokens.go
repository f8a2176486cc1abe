package store

import (
	"github.com/kaipiao/kaipiao/invoice"

	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// APIToken is an operator's token for kaipiaoctl (KAIPIAO_TOKEN): a script acts as that
// operator, with that operator's role. Only its SHA-256 is kept: the token is 32 random
// bytes, beyond guessing, so a slow hash would add nothing.
type APIToken struct {
	Hash    []byte    `json:"hash"`
	Label   string    `json:"label,omitempty"`
	Created time.Time `json:"created"`
}

// tokenPrefix marks a Kaipiao operator token, so that a leaked one is recognisable.
const tokenPrefix = "kpt_"

// ErrBadToken: the token is no operator's (or was revoked).
var ErrBadToken = invoice.NewSentinel("login.bad_token")

// CreateToken makes an API token for operator and returns it: shown once, kept only as
// its hash. by is who makes it, for the audit log.
func (s *DB) CreateToken(operator, label, by string) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	sum := sha256.Sum256([]byte(token))
	err := s.updateOperator(operator, func(op *Operator) error {
		if op.Disabled {
			return ErrOperatorDisable
		}
		op.Tokens = append(op.Tokens, APIToken{Hash: sum[:], Label: label, Created: s.now().UTC()})
		return nil
	}, by, "token.create", label)
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeTokens removes all of operator's API tokens.
func (s *DB) RevokeTokens(operator, by string) error {
	return s.updateOperator(operator, func(op *Operator) error {
		op.Tokens = nil
		return nil
	}, by, "token.revoke", "")
}

// AuthenticateToken returns the operator an API token belongs to. A wrong token is
// audited as a failed log-in.
func (s *DB) AuthenticateToken(token string) (Operator, error) {
	sum := sha256.Sum256([]byte(token))
	var found *Operator
	err := s.db.View(func(tx *bolt.Tx) error {
		if !strings.HasPrefix(token, tokenPrefix) {
			return nil
		}
		return tx.Bucket(bOperators).ForEach(func(k, v []byte) error {
			var op Operator
			if err := json.Unmarshal(v, &op); err != nil {
				return fmt.Errorf("store: bucket operators, key %q: %w", k, err)
			}
			for _, t := range op.Tokens {
				if subtle.ConstantTimeCompare(t.Hash, sum[:]) == 1 {
					found = &op
				}
			}
			return nil
		})
	})
	switch {
	case err != nil:
		return Operator{}, err
	case found == nil:
		_ = s.Audit("?", "login.failed", "api token", "")
		return Operator{}, ErrBadToken
	case found.Disabled:
		return Operator{}, ErrOperatorDisable
	}
	op := *found
	op.Salt, op.Hash, op.Tokens = nil, nil, nil
	return op, nil
}

// updateOperator changes one operator's record in one transaction with its audit entry.
func (s *DB) updateOperator(name string, change func(*Operator) error, by, action, detail string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bOperators)
		raw := b.Get([]byte(name))
		if raw == nil {
			return fmt.Errorf("operator %q: %w", name, ErrNotFound)
		}
		var op Operator
		if err := json.Unmarshal(raw, &op); err != nil {
			return fmt.Errorf("store: bucket operators, key %q: %w", name, err)
		}
		if err := change(&op); err != nil {
			return err
		}
		raw, err := json.Marshal(&op)
		if err != nil {
			return err
		}
		if err := b.Put([]byte(name), raw); err != nil {
			return err
		}
		return s.appendAudit(tx, by, action, name, detail)
	})
}
