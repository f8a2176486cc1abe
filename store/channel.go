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

// SetChannel saves the data folder's issuing channel, with an audit entry. It refuses to
// switch while a request is open: it is resolved with the channel that took it, and the
// other one never saw it.
func (s *DB) SetChannel(ch, operator string) error {
	if ch != ChannelDevice && ch != ChannelDigital {
		return fmt.Errorf("开票渠道“%s”无效：应为 device（税控设备）或 digital（数电票） (channel %q must be device or digital)", ch, ch)
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
			return fmt.Errorf("不能切换开票渠道：有 %d 张发票的开具结果尚未确认，请先在原渠道下运行 reconcile "+
				"(cannot switch from %s to %s: %d request(s) are still open; run `kaipiaoctl reconcile` first)", n, old, ch, n)
		}
		if err := tx.Bucket(bMeta).Put(keyChannel, []byte(ch)); err != nil {
			return err
		}
		return s.appendAudit(tx, operator, "settings", "channel", ch)
	})
}
