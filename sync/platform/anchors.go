package platform

import (
	"encoding/json"
	"fmt"
	"time"

	ksync "github.com/kaipiao/kaipiao/sync"
	bolt "go.etcd.io/bbolt"
)

// bAnchors: seller tax ID → anchor JSON, the last audit-log head each workstation sent.
var bAnchors = []byte("audit_anchors")

type anchor struct {
	ksync.AuditAnchor
	At time.Time `json:"at"`
}

// AnchorAudit keeps a seller's audit-log head and returns the one held before (nil at
// the first). A head behind the one held — entries removed — is refused and the old
// one kept: the error says so, for the workstation and the platform's log.
func (d *DB) AnchorAudit(seller string, head ksync.AuditAnchor, at time.Time) (*ksync.AuditAnchor, error) {
	var prev *ksync.AuditAnchor
	var refused error
	err := d.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bAnchors)
		if err != nil {
			return err
		}
		if raw := b.Get([]byte(seller)); raw != nil {
			var a anchor
			if err := json.Unmarshal(raw, &a); err != nil {
				return fmt.Errorf("audit anchor of %s: %w", seller, err)
			}
			prev = &a.AuditAnchor
			if head.Seq < a.Seq {
				refused = fmt.Errorf("the audit log went back from entry %d (anchored %s) to %d",
					a.Seq, a.At.Format(time.RFC3339), head.Seq)
				return nil
			}
		}
		raw, err := json.Marshal(anchor{AuditAnchor: head, At: at})
		if err != nil {
			return err
		}
		return b.Put([]byte(seller), raw)
	})
	if err != nil {
		return nil, err
	}
	return prev, refused
}
