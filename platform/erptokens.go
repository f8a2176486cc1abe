package platform

import (
	"bufio"
	"encoding/json"
	"time"

	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	bolt "go.etcd.io/bbolt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kaipiao/kaipiao/invoice"
)

// FileERPTokens holds, in the platform's --pki folder, the tokens of the ERPs allowed to
// post orders: one line per ERP, "<SHA-256 of the token, hex> <seller's tax ID> <name>".
// Only the hash is kept: a copy of the folder lets nobody post orders. A plain hash is
// enough because a token is 32 random bytes, beyond guessing.
const FileERPTokens = "erp-tokens.txt"

// tokenPrefix marks a Kaipiao ERP token, so that a leaked one is recognisable.
const tokenPrefix = "kperp_"

// ERPTokens are the ERPs the platform takes orders from, each bound to one seller.
type ERPTokens struct {
	byHash map[[32]byte]erp
}

type erp struct{ seller, name string }

// LoadERPTokens reads dir's token file; none means no ERP may post orders.
func LoadERPTokens(dir string) (*ERPTokens, error) {
	t := &ERPTokens{byHash: map[[32]byte]erp{}}
	path := filepath.Join(dir, FileERPTokens)
	f, err := os.Open(path) // #nosec G304 -- the operator's own --pki folder
	if errors.Is(err, os.ErrNotExist) {
		return t, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ERP tokens: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.SplitN(line, " ", 3)
		raw, err := hex.DecodeString(fields[0])
		if len(fields) < 2 || err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("ERP tokens %s line %d: want \"<sha256 hex> <seller tax ID> <name>\"", path, n)
		}
		e := erp{seller: fields[1]}
		if len(fields) == 3 {
			e.name = fields[2]
		}
		t.byHash[[32]byte(raw)] = e
	}
	return t, sc.Err()
}

// NewERPToken makes a token for an ERP posting orders for seller, appends its hash to
// dir's token file, and returns the token: shown once, never stored.
func NewERPToken(dir, seller, name string) (string, error) {
	token, h, err := newToken(seller, name)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	f, err := os.OpenFile(filepath.Join(dir, FileERPTokens), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600) // #nosec G304 -- the operator's --pki folder
	if err != nil {
		return "", err
	}
	if _, err := fmt.Fprintf(f, "%x %s %s\n", h, seller, name); err != nil {
		f.Close()
		return "", err
	}
	return token, f.Close()
}

// newToken makes a token for seller and its hash.
func newToken(seller, name string) (string, [32]byte, error) {
	if !invoice.ValidTaxIDForm(seller) {
		return "", [32]byte{}, fmt.Errorf("seller tax ID %q: 15 to 20 upper-case letters and digits", seller)
	}
	if strings.ContainsAny(name, "\r\n") {
		return "", [32]byte{}, fmt.Errorf("ERP name: one line")
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", [32]byte{}, err
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return token, sha256.Sum256([]byte(token)), nil
}

// seller returns the seller the bearer token is bound to, or false. The hash is looked
// up and compared in constant time.
func (t *ERPTokens) seller(token string) (string, string, bool) {
	if t == nil || !strings.HasPrefix(token, tokenPrefix) {
		return "", "", false
	}
	h := sha256.Sum256([]byte(token))
	for k, e := range t.byHash {
		if subtle.ConstantTimeCompare(k[:], h[:]) == 1 {
			return e.seller, e.name, true
		}
	}
	return "", "", false
}

// erpRecord is an ERP token kept in the store (kaipiao-platform token --db): every
// instance on the database knows it at once, without a file to copy.
type erpRecord struct {
	Seller string    `json:"seller"`
	Name   string    `json:"name"`
	At     time.Time `json:"at"`
}

// NewERPTokenIn makes a token like NewERPToken but keeps its hash in the store.
func NewERPTokenIn(st Store, seller, name string) (string, error) {
	token, h, err := newToken(seller, name)
	if err != nil {
		return "", err
	}
	return token, st.AddERPToken(h, seller, name)
}

// AddERPToken keeps an ERP token's hash.
func (d *DB) AddERPToken(hash [32]byte, seller, name string) error {
	raw, err := json.Marshal(erpRecord{Seller: seller, Name: name, At: time.Now().UTC()})
	if err != nil {
		return err
	}
	return d.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bERPTokens).Put(hash[:], raw) })
}

// ERPToken finds an ERP token's hash.
func (d *DB) ERPToken(hash [32]byte) (seller, name string, ok bool, err error) {
	err = d.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bERPTokens).Get(hash[:])
		if raw == nil {
			return nil
		}
		var r erpRecord
		if err := json.Unmarshal(raw, &r); err != nil {
			return fmt.Errorf("ERP token record: %w", err)
		}
		seller, name, ok = r.Seller, r.Name, true
		return nil
	})
	return seller, name, ok, err
}
