package sync_test

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/kaipiao/kaipiao/store"
	ksync "github.com/kaipiao/kaipiao/sync"
	bolt "go.etcd.io/bbolt"
)

// Each sync anchors the audit log's head at the platform. Removing the newest entries
// (the failed log-ins an intruder left) keeps the chain consistent, so the log verifies
// on its own; the next sync tells: the platform saw a later head.
func TestAuditHeadIsAnchoredAtThePlatform(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.issue("AUD", 2)
	for range 20 {
		r.db.Audit("intruder", "login.failed", "管理员", "")
	}
	s, _ := r.syncer(func(c *ksync.Config) { c.Device = nil })
	for range 2 { // the second pass checks the anchor the first left
		if _, err := s.Once(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// The intruder, with the data file: the last 20 entries go, the head is set back.
	r.db.Close()
	dropNewestAudit(t, filepath.Join(r.dir, "kaipiao.db"), 20, false)
	r.openStore(false)
	if _, err := r.db.VerifyAudit(); !errors.Is(err, store.ErrAuditBroken) {
		t.Fatalf("the anchor kept locally: %v", err)
	}
	// A thorough intruder removes the local copy of the anchor too.
	r.db.Close()
	dropNewestAudit(t, filepath.Join(r.dir, "kaipiao.db"), 0, true)
	r.openStore(false)
	if _, err := r.db.VerifyAudit(); err != nil {
		t.Fatalf("the shortened log is consistent on its own: %v", err)
	}
	s, _ = r.syncer(func(c *ksync.Config) { c.Device = nil })
	if _, err := s.Once(context.Background()); !errors.Is(err, store.ErrAuditBroken) {
		t.Fatalf("the sync after the rewrite: %v", err)
	}
}

func dropNewestAudit(t *testing.T, path string, n int, anchorToo bool) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("audit"))
		c := b.Cursor()
		k, _ := c.Last()
		last := binary.BigEndian.Uint64(k)
		for seq := last; seq > last-uint64(n); seq-- {
			if err := b.Delete(binary.BigEndian.AppendUint64(nil, seq)); err != nil {
				return err
			}
		}
		var e store.AuditEntry
		if err := json.Unmarshal(b.Get(binary.BigEndian.AppendUint64(nil, last-uint64(n))), &e); err != nil {
			return err
		}
		sum, _ := hex.DecodeString(e.Hash)
		if anchorToo {
			if err := tx.Bucket([]byte("meta")).Delete([]byte("audit_anchor")); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("audit_head"), append(binary.BigEndian.AppendUint64(nil, e.Seq), sum...))
	})
	if err != nil {
		t.Fatal(err)
	}
}
