package workstation

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
)

// The service's use cases on the issuing channel (today the tax-control device behind the
// Link), the platform's sync and the certificates.

// ChannelState reads the channel's state for the home screen: identity, stock, offline
// counters and why it would refuse to issue now.
func (s *Service) ChannelState(ctx context.Context) (ChannelState, error) {
	if s.w.Digital != nil {
		return s.w.digitalState(ctx)
	}
	c, err := s.w.Link.Client()
	if err != nil {
		return ChannelState{}, err
	}
	st, err := c.Status(ctx)
	if err != nil {
		return ChannelState{}, err
	}
	rolls, err := c.Stock(ctx)
	if err != nil {
		return ChannelState{}, err
	}
	off, err := c.Offline(ctx)
	if err != nil {
		return ChannelState{}, err
	}
	v := ChannelState{Machine: st.Machine, NextNumber: st.NextCode + ":" + st.NextNumber,
		OfflineAmount: off.PendingAmount, OfflineLimit: off.AmountLimit, OldestPending: off.OldestPending,
		OfflineHours: off.HoursLimit}
	for _, r := range rolls {
		v.StockLeft += int(r.Remaining)
	}
	for _, c := range st.Locks {
		v.Locks = append(v.Locks, c.Said())
	}
	return v, nil
}

// Panel is the administrator's device panel; it follows the link, so the device may come
// and go. A channel without a device (数电) will answer nil: no panel.
func (s *Service) Panel() *DevicePanel {
	if s.w.Digital != nil {
		return nil
	}
	return &DevicePanel{s.w.Link}
}

// Link is the channel's connection now, as the banner shows it; the digital channel is
// always there (it is a file beside the store).
func (s *Service) Link() ChannelLink {
	if s.w.Digital != nil {
		return ChannelLink{Connected: true, Port: "数电"}
	}
	return LinkView(s.w.Link.State())
}

// RetryDevice asks for a new attempt to reach the device now.
func (s *Service) RetryDevice() { s.w.Link.Retry() }

// ChooseDevice moves the device to another port (an address of Ports, or a registered
// dialer's such as the built-in simulator's); the choice is kept for the next start, as
// the settings would keep it. A failure to keep it goes to the Config's Log.
func (s *Service) ChooseDevice(addr string) {
	if conn, err := s.w.Store.Connection(); err == nil && conn.Device != addr {
		conn.Device = addr
		if err := s.w.Store.SetConnection(conn, s.Operator()); err != nil && s.w.log != nil {
			fmt.Fprintf(s.w.log, "kaipiao: saving the device's port: %v\n", err)
		}
	}
	s.w.Link.Choose(addr)
}

// Ports lists the serial ports the device may be on, USB ones with their maker, product
// and serial number.
func (s *Service) Ports() []PortChoice {
	ports, _ := device.ListPorts()
	out := make([]PortChoice, 0, len(ports))
	for _, p := range ports {
		addr := p.ByID
		if addr == "" {
			addr = p.Name
		}
		label := addr
		if p.IsUSB {
			label += fmt.Sprintf(" (USB %s:%s %s %s)", p.VendorID, p.ProductID, p.Product, p.Serial)
		}
		out = append(out, PortChoice{Address: addr, Label: label})
	}
	return out
}

// ImportPKI installs a real certificate and key as the enterprise's, the seal's or the
// device's identity (name enterprise, seal or device), keyPass opening an encrypted key;
// it says what it did, to be worded in the reader's language.
func (s *Service) ImportPKI(name, certFile, keyFile, keyPass string) (invoice.Said, error) {
	files, err := ImportPKI(s.w.Data, name, certFile, keyFile, []byte(keyPass))
	if err != nil {
		return invoice.Said{}, err
	}
	return invoice.Said{Key: "pki.imported", Args: invoice.Args{"n": fmt.Sprint(len(files))}}, nil
}

// DemoPKI installs demo certificates for the platform (its part in the data folder's
// platform-pki) and says what it did, to be worded in the reader's language.
func (s *Service) DemoPKI() (invoice.Said, error) {
	dir := filepath.Join(s.w.Data, "platform-pki")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := s.w.Link.Client()
	if err != nil {
		return invoice.Said{}, err
	}
	files, err := DemoPKI(ctx, c, s.w.Data, dir)
	if err != nil {
		return invoice.Said{}, err
	}
	return invoice.Said{Key: "pki.demo", Args: invoice.Args{"n": fmt.Sprint(len(files)), "dir": dir}}, nil
}

// SyncStatus is the background sync at a glance.
type SyncStatus struct {
	Queue, Dead int
	LastSuccess time.Time
	LastError   string
}

// AttachSync hands the service the background sync with the platform, for its status and
// for a pass after each issue.
func (s *Service) AttachSync(sy *upload.Syncer) {
	s.mu.Lock()
	s.sync = sy
	s.mu.Unlock()
}

func (s *Service) syncer() *upload.Syncer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sync
}

// SyncStatus reports the background sync; ok is false when no platform is configured.
func (s *Service) SyncStatus() (st SyncStatus, ok bool) {
	sy := s.syncer()
	if sy == nil {
		return SyncStatus{}, false
	}
	u := sy.Status()
	return SyncStatus{Queue: u.Queue, Dead: u.Dead, LastSuccess: u.LastSuccess, LastError: u.LastError}, true
}

// SyncNow asks the background sync for a pass at once (after an invoice is issued); it
// does nothing when none is configured.
func (s *Service) SyncNow() {
	if sy := s.syncer(); sy != nil {
		sy.Kick()
	}
}
