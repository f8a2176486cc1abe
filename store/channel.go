package store

import (
	"fmt"

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

// SetChannel saves the data folder's issuing channel, with an audit entry.
func (s *DB) SetChannel(ch, operator string) error {
	if ch != ChannelDevice && ch != ChannelDigital {
		return fmt.Errorf("开票渠道“%s”无效：应为 device（税控设备）或 digital（数电票） (channel %q must be device or digital)", ch, ch)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if string(tx.Bucket(bMeta).Get(keyChannel)) == ch {
			return nil
		}
		if err := tx.Bucket(bMeta).Put(keyChannel, []byte(ch)); err != nil {
			return err
		}
		return s.appendAudit(tx, operator, "settings", "channel", ch)
	})
}
