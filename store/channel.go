package store

import (
	"fmt"

	"github.com/kaipiao/kaipiao/invoice"
	bolt "go.etcd.io/bbolt"
)

// The issuing channels a data folder may use (docs/digital.md "Choosing the channel").
const (
	ChannelDevice  = "device"  // a tax-control device (the default)
	ChannelDigital = "digital" // the digital channel (数电票)
)

var keyChannel = []byte("channel")

// Channel returns the data folder's issuing channel: ChannelDevice until another is saved.
func (s *DB) Channel() (string, error) {
	ch := ChannelDevice
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bMeta).Get(keyChannel); v != nil {
			ch = string(v)
		}
		return nil
	})
	return ch, err
}

// SetChannel saves the data folder's issuing channel, with an audit entry. It refuses to
// switch while a request is open: it is resolved with the channel that took it, and the
// other one never saw it.
func (s *DB) SetChannel(ch, operator string) error {
	if ch != ChannelDevice && ch != ChannelDigital {
		return invoice.NewProblem(nil, "channel.unknown", invoice.Args{"value": ch}, nil)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		old := string(tx.Bucket(bMeta).Get(keyChannel))
		if old == "" {
			old = ChannelDevice
		}
		if old == ch {
			if tx.Bucket(bMeta).Get(keyChannel) != nil {
				return nil
			}
		} else if n := tx.Bucket(bIntents).Stats().KeyN; n > 0 {
			return invoice.NewProblem(nil, "channel.open_requests", invoice.Args{"n": fmt.Sprint(n), "old": old, "new": ch}, nil)
		}
		if err := tx.Bucket(bMeta).Put(keyChannel, []byte(ch)); err != nil {
			return err
		}
		return s.appendAudit(tx, operator, "settings", "channel", ch)
	})
}
