package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/shopspring/decimal"
	bolt "go.etcd.io/bbolt"
)

// Master data: the buyers and goods the clerk invoices, kept from every blue invoice in
// the transaction that stores it (put), editable, and searched for the form's
// autocomplete. Since schema 4.
var (
	bMDBuyers = []byte("md_buyers") // name + 0 + tax ID → buyerEntry JSON
	bMDGoods  = []byte("md_goods")  // name + 0 + spec → goodsEntry JSON
	bMappings = []byte("mappings")  // mapping name → JSON object, file header → column
	bMail     = []byte("mail")      // invoice id (8-byte BE) → mailEntry JSON: the mail outbox
)

// Goods is an item the enterprise sells, as the invoice form fills it in: the name, the
// tax classification code with its 简称, the rate (and why it is zero), unit, spec and
// the default unit price before tax.
type Goods struct {
	Name      string           `json:"name"`
	TaxCode   string           `json:"tax_code"`
	ShortName string           `json:"short_name,omitempty"`
	Rate      invoice.Rate     `json:"rate"`
	ZeroRate  invoice.ZeroRate `json:"zero_rate,omitempty"`
	Unit      string           `json:"unit,omitempty"`
	Spec      string           `json:"spec,omitempty"`
	Price     decimal.Decimal  `json:"price"`
}

// buyerEntry and goodsEntry are what the buckets hold: the data and how often and when
// it was last invoiced, which orders the autocomplete.
type buyerEntry struct {
	Party    invoice.Party `json:"party"`
	Uses     uint64        `json:"uses"`
	LastUsed time.Time     `json:"last_used,omitzero"`
}

type goodsEntry struct {
	Goods    Goods     `json:"goods"`
	Uses     uint64    `json:"uses"`
	LastUsed time.Time `json:"last_used,omitzero"`
}

func buyerKey(name, taxID string) []byte { return join([]byte(name), []byte(taxID)) }
func goodsKey(name, spec string) []byte  { return join([]byte(name), []byte(spec)) }

// migrateMasterData creates the buckets of schema 4 and derives the master data from the
// invoices already stored, so an upgraded workstation completes what it issued before.
func migrateMasterData(tx *bolt.Tx) error {
	for _, b := range [][]byte{bMDBuyers, bMDGoods} {
		// Derived afresh: counting an invoice twice would skew the autocomplete.
		if tx.Bucket(b) != nil {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
	}
	for _, b := range [][]byte{bMDBuyers, bMDGoods, bMappings, bMail} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	return tx.Bucket(bInvoices).ForEach(func(k, v []byte) error {
		var rec Record
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("invoice #%d: %w", u64(k), err)
		}
		return keepMasterData(tx, rec.Invoice)
	})
}

// keepMasterData records a blue invoice's buyer and goods. A value the invoice leaves
// empty (no e-mail this time) keeps what was known; one it gives replaces it, because
// the latest invoice is the clerk's latest word. Red invoices repeat their blue one and
// add nothing.
func keepMasterData(tx *bolt.Tx, inv *invoice.Invoice) error {
	if inv == nil || inv.IsRed() {
		return nil
	}
	if inv.Buyer.Name != "" {
		k := buyerKey(inv.Buyer.Name, inv.Buyer.TaxID)
		var e buyerEntry
		if raw := tx.Bucket(bMDBuyers).Get(k); raw != nil {
			if err := json.Unmarshal(raw, &e); err != nil {
				return fmt.Errorf("buyer %s: %w", inv.Buyer.Name, err)
			}
		}
		e.Party = mergeParty(e.Party, inv.Buyer)
		e.Uses++
		e.LastUsed = later(e.LastUsed, inv.IssuedAt)
		if err := putJSON(tx.Bucket(bMDBuyers), k, &e); err != nil {
			return err
		}
	}
	for _, l := range inv.Lines {
		if l.Discount || l.Name == "" {
			continue
		}
		k := goodsKey(l.Name, l.Spec)
		var e goodsEntry
		if raw := tx.Bucket(bMDGoods).Get(k); raw != nil {
			if err := json.Unmarshal(raw, &e); err != nil {
				return fmt.Errorf("goods %s: %w", l.Name, err)
			}
		}
		e.Goods = Goods{Name: l.Name, TaxCode: l.TaxCode, ShortName: l.ShortName, Rate: l.Rate, ZeroRate: l.ZeroRate,
			Unit: l.Unit, Spec: l.Spec, Price: e.Goods.Price}
		if l.HasQuantity() {
			e.Goods.Price = l.UnitPrice
		}
		e.Uses++
		e.LastUsed = later(e.LastUsed, inv.IssuedAt)
		if err := putJSON(tx.Bucket(bMDGoods), k, &e); err != nil {
			return err
		}
	}
	return nil
}

func mergeParty(old, p invoice.Party) invoice.Party {
	old.Name, old.TaxID = p.Name, p.TaxID
	for _, f := range []struct {
		dst *string
		v   string
	}{{&old.AddressPhone, p.AddressPhone}, {&old.BankAccount, p.BankAccount}, {&old.Email, p.Email}} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
	return old
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, raw)
}

// SearchBuyers returns up to n buyers whose name or tax ID contains text (ignoring case
// and surrounding space): names that begin with it first, then the most invoiced, then
// the most recent. An empty text lists the most invoiced buyers.
func (s *DB) SearchBuyers(text string, n int) ([]invoice.Party, error) {
	var hits []ranked[invoice.Party]
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bMDBuyers).ForEach(func(_, v []byte) error {
			var e buyerEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if r, ok := rank[invoice.Party](text, e.Uses, e.LastUsed, e.Party.Name, e.Party.TaxID); ok {
				r.v = e.Party
				hits = append(hits, r)
			}
			return nil
		})
	})
	return best(hits, n), err
}

// SearchGoods returns up to n goods whose name, 简称 or tax code contains text, ordered
// as SearchBuyers orders buyers.
func (s *DB) SearchGoods(text string, n int) ([]Goods, error) {
	var hits []ranked[Goods]
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bMDGoods).ForEach(func(_, v []byte) error {
			var e goodsEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if r, ok := rank[Goods](text, e.Uses, e.LastUsed, e.Goods.Name, e.Goods.ShortName, e.Goods.TaxCode); ok {
				r.v = e.Goods
				hits = append(hits, r)
			}
			return nil
		})
	})
	return best(hits, n), err
}

type ranked[T any] struct {
	v      T
	prefix bool
	uses   uint64
	last   time.Time
	name   string
}

// rank matches text against fields; the first field is the name.
func rank[T any](text string, uses uint64, last time.Time, fields ...string) (ranked[T], bool) {
	text = strings.ToLower(strings.TrimSpace(text))
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), text) {
			return ranked[T]{prefix: strings.HasPrefix(strings.ToLower(fields[0]), text), uses: uses, last: last, name: fields[0]}, true
		}
	}
	return ranked[T]{}, false
}

func best[T any](hits []ranked[T], n int) []T {
	slices.SortFunc(hits, func(a, b ranked[T]) int {
		switch {
		case a.prefix != b.prefix:
			if a.prefix {
				return -1
			}
			return 1
		case a.uses != b.uses:
			if a.uses > b.uses {
				return -1
			}
			return 1
		case !a.last.Equal(b.last):
			return b.last.Compare(a.last)
		}
		return strings.Compare(a.name, b.name)
	})
	out := make([]T, 0, min(n, len(hits)))
	for i := 0; i < len(hits) && i < n; i++ {
		out = append(out, hits[i].v)
	}
	return out
}

// Buyers lists every buyer of the master data, by name, for export.
func (s *DB) Buyers() ([]invoice.Party, error) {
	var out []invoice.Party
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bMDBuyers).ForEach(func(_, v []byte) error {
			var e buyerEntry
			err := json.Unmarshal(v, &e)
			out = append(out, e.Party)
			return err
		})
	})
	return out, err
}

// AllGoods lists every item of the master data, by name and spec, for export.
func (s *DB) AllGoods() ([]Goods, error) {
	var out []Goods
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bMDGoods).ForEach(func(_, v []byte) error {
			var e goodsEntry
			err := json.Unmarshal(v, &e)
			out = append(out, e.Goods)
			return err
		})
	})
	return out, err
}

// PutBuyers adds or replaces buyers (by name and tax ID) as the clerk edited or
// imported them, all in one transaction with one audit entry each. Each needs a name.
func (s *DB) PutBuyers(operator string, ps ...invoice.Party) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, p := range ps {
			if strings.TrimSpace(p.Name) == "" {
				return invoice.NewProblem(nil, "buyer.name", invoice.Args{"field": "name", "tax_id": p.TaxID}, nil)
			}
			k := buyerKey(p.Name, p.TaxID)
			var e buyerEntry
			if raw := tx.Bucket(bMDBuyers).Get(k); raw != nil {
				if err := json.Unmarshal(raw, &e); err != nil {
					return err
				}
			}
			e.Party = p
			if err := putJSON(tx.Bucket(bMDBuyers), k, &e); err != nil {
				return err
			}
			if err := s.appendAudit(tx, operator, "buyer.put", p.Name, p.TaxID); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteBuyer removes a buyer from the master data; its invoices are untouched.
func (s *DB) DeleteBuyer(name, taxID, operator string) error {
	return s.deleteMaster(bMDBuyers, buyerKey(name, taxID), operator, "buyer.delete", name, taxID)
}

// PutGoods adds or replaces goods (by name and spec), in one transaction. Each needs a
// name, a 19-digit tax code and a rate the invoice rules allow.
func (s *DB) PutGoods(operator string, gs ...Goods) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, g := range gs {
			if err := checkGoods(g); err != nil {
				return err
			}
			k := goodsKey(g.Name, g.Spec)
			var e goodsEntry
			if raw := tx.Bucket(bMDGoods).Get(k); raw != nil {
				if err := json.Unmarshal(raw, &e); err != nil {
					return err
				}
			}
			e.Goods = g
			if err := putJSON(tx.Bucket(bMDGoods), k, &e); err != nil {
				return err
			}
			if err := s.appendAudit(tx, operator, "goods.put", g.Name, g.TaxCode+" "+g.Rate.String()+" "+g.Price.String()); err != nil {
				return err
			}
		}
		return nil
	})
}

func checkGoods(g Goods) error {
	bad := func(key, field, value string) error {
		return invoice.NewProblem(nil, key, invoice.Args{"field": field, "value": value, "name": g.Name, "tax_code": g.TaxCode}, nil)
	}
	switch {
	case strings.TrimSpace(g.Name) == "":
		return bad("goods.name", "name", "")
	case len(g.TaxCode) != 19 || strings.Trim(g.TaxCode, "0123456789") != "":
		return bad("goods.tax_code", "tax_code", g.TaxCode)
	case !invoice.ValidRate(g.Rate):
		return bad("goods.rate", "rate", g.Rate.String())
	case g.Rate == 0 && g.ZeroRate.Code() < 0:
		return bad("goods.zero_rate", "zero_rate", string(g.ZeroRate))
	case g.Price.IsNegative():
		return bad("goods.price", "price", g.Price.String())
	}
	return nil
}

// DeleteGoods removes an item from the master data.
func (s *DB) DeleteGoods(name, spec, operator string) error {
	return s.deleteMaster(bMDGoods, goodsKey(name, spec), operator, "goods.delete", name, spec)
}

func (s *DB) deleteMaster(bucket, k []byte, operator, action, subject, detail string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucket).Get(k) == nil {
			return fmt.Errorf("%s %s: %w", subject, detail, ErrNotFound)
		}
		if err := tx.Bucket(bucket).Delete(k); err != nil {
			return err
		}
		return s.appendAudit(tx, operator, action, subject, detail)
	})
}

// SetColumnMapping saves the import's column mapping under a name (an ERP's, a shop's):
// keys are file headers, values canonical columns. An empty mapping deletes it.
func (s *DB) SetColumnMapping(name string, m map[string]string, operator string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bMappings)
		if len(m) == 0 {
			if err := b.Delete([]byte(name)); err != nil {
				return err
			}
		} else if err := putJSON(b, []byte(name), m); err != nil {
			return err
		}
		return s.appendAudit(tx, operator, "mapping", name, fmt.Sprint(len(m), " columns"))
	})
}

// ColumnMapping returns a saved mapping, ErrNotFound when there is none by that name.
func (s *DB) ColumnMapping(name string) (map[string]string, error) {
	var m map[string]string
	err := s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bMappings).Get([]byte(name))
		if raw == nil {
			return fmt.Errorf("column mapping %q: %w", name, ErrNotFound)
		}
		return json.Unmarshal(raw, &m)
	})
	return m, err
}

// ColumnMappings lists the saved mappings' names, sorted.
func (s *DB) ColumnMappings() ([]string, error) {
	var names []string
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bMappings).ForEach(func(k, _ []byte) error {
			names = append(names, string(bytes.Clone(k)))
			return nil
		})
	})
	return names, err
}
