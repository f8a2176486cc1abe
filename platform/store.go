package platform

import (
	"fmt"
	"strings"
	"time"

	"github.com/kaipiao/kaipiao/upload"
)

// Store is what the platform keeps: everything an instance needs that another instance
// serving the same workstations must see (invoices, the replay memory of envelopes,
// device upload acknowledgements, orders, audit anchors, ERP tokens). Each verb is one
// transaction. DB (bbolt, one process) and PG (PostgreSQL, any number of instances)
// implement it; docs/platform.md says which to choose.
type Store interface {
	// Upsert records the envelope ID (refusing one seen before with errReplay, changing
	// nothing) and, in the same transaction, stores every invoice not held yet by
	// (device, code, number). For each of fresh it returns what the platform now holds:
	// the fresh one, or the one held before when the digests agree. A digest that
	// disagrees gives errConflict for that item alone.
	Upsert(envelopeID string, at time.Time, fresh []*Stored) ([]*Stored, []error, error)
	// SeeEnvelope records an envelope ID on its own, refusing a replay with errReplay.
	SeeEnvelope(id string, at time.Time) error
	// Invoices calls f for every invoice held, in key order; sellerTaxID, when not
	// empty, keeps only that seller's.
	Invoices(sellerTaxID string, f func(*Stored) error) error
	// Count is how many invoices the platform holds.
	Count() (int, error)
	// PutOrder queues an order; the same (seller, ID) again changes nothing (added false).
	PutOrder(o *Order) (added bool, err error)
	// PendingOrders returns up to n of the seller's orders not yet acknowledged.
	PendingOrders(sellerTaxID string, n int) ([]Order, error)
	// AckOrders marks the seller's orders ids as delivered and says how many changed.
	AckOrders(sellerTaxID string, ids []string, at time.Time) (int, error)
	// UploadAck returns the acknowledgement kept for machine/from/through, or keeps and
	// returns what make gives: one packet gets one acknowledgement, whichever instance
	// answers it.
	UploadAck(machine string, from, through uint64, make func() ([]byte, error)) ([]byte, error)
	// AnchorAudit keeps a workstation's audit-log head (key: anchorKey) and returns the
	// one held before; a head behind it is refused (the old one kept).
	AnchorAudit(seller string, head upload.AuditAnchor, at time.Time) (*upload.AuditAnchor, error)
	// AddERPToken keeps the hash of an ERP's token bound to seller.
	AddERPToken(hash [32]byte, seller, name string) error
	// ERPToken finds the seller and name an ERP token's hash is bound to.
	ERPToken(hash [32]byte) (seller, name string, ok bool, err error)
	// Close releases the store.
	Close() error
	// DigitalStore: the digital channel's number segments, quota and fetch/return
	// answers (digitaldb.go; pgdigital.go).
	DigitalStore
	// SlipStore: the confirmation slips (slipdb.go; pgslip.go).
	SlipStore
}

var (
	_ Store = (*DB)(nil)
	_ Store = (*PG)(nil)
)

// IsPostgresURL tells a PostgreSQL connection URL (postgres:// or postgresql://) from a
// folder.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open opens the platform's store: PostgreSQL when dbURL is given (kaipiao-platform
// --db), else the bbolt file in the data folder (--data).
func Open(data, dbURL string) (Store, error) {
	switch {
	case dbURL != "" && data != "":
		return nil, fmt.Errorf("--data (a bbolt folder) and --db (PostgreSQL) name two stores: give one")
	case dbURL != "":
		if !IsPostgresURL(dbURL) {
			return nil, fmt.Errorf("--db %q: want a PostgreSQL URL, postgres://USER@HOST/DATABASE", redactURL(dbURL))
		}
		return OpenPG(dbURL)
	case data != "":
		return OpenDB(data)
	}
	return nil, fmt.Errorf("no store: give --data DIR (bbolt) or --db postgres://… (PostgreSQL)")
}
