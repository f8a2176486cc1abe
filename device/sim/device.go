// Package sim is the tax-control device simulator: a faithful peer for the device
// package's client, with its state in a bbolt file that survives kill -9, and
// reproducible fault injection (fault.go). Device executes commands; Server (server.go)
// speaks the wire protocol over a serial line or pseudo-terminal.
package sim

import (
	"crypto/ecdsa"
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/taxack"
	bolt "go.etcd.io/bbolt"
)

// Config sets up a simulated device. Zero fields take the documented defaults.
type Config struct {
	StatePath   string // the bbolt state file (created when missing)
	SellerTaxID string // the enterprise the device is bound to; used when the state is created
	Region      string // 4-digit region of the invoice codes; "3502" (Xiamen)
	// Stock is how many e-ordinary invoices the device may issue in all (领购), and
	// SpecialStock how many e-special ones, each type handed out in its own rolls of
	// RollSize; used when the state is created. 1000, 200 and 100 by default; a negative
	// stock is none.
	Stock        int
	SpecialStock int
	RollSize     int
	// Offline limits (docs/rules.md "Offline limits"): 72 hours, 1,000,000.00 yuan; the per-invoice limit and
	// tolerances come from Limits (invoice.DefaultLimits). DeadlineDay is the day of month
	// after which an unreported past month locks issuing: 15.
	OfflineHours  int
	OfflineAmount invoice.Money
	Limits        invoice.Limits
	DeadlineDay   int
	PIN           string // the initial PIN; DefaultPIN
	Clock         *Clock
	// Identity replaces the built-in self-signed key and certificate.
	Identity *Identity
	// Authority is the key whose upload acknowledgements the device trusts;
	// taxack.DemoAuthority's by default.
	Authority *ecdsa.PublicKey
	// Seed makes the machine number and the built-in key reproducible; random when 0.
	Seed uint64
	// BusyInterval and Deadlines are what CAPS reports (200 ms; ISSUE 5 s, others 3 s).
	BusyInterval time.Duration
	Deadlines    map[device.Command]time.Duration
	// Faults injects device faults (crashes around the commit) and link faults.
	Faults *Faults
	// Freeze is what the freeze-before-commit fault does, inside the ISSUE's transaction
	// before its commit: kaipiao-devsim stops its own process (SIGSTOP) and goes on when
	// continued. nil: the fault does nothing (an in-process device cannot freeze its
	// server, which would keep sending BUSY).
	Freeze func()
}

// DefaultPIN is a new simulated device's PIN, as on many real devices when delivered.
const DefaultPIN = "88888888"

// Device is one simulated tax-control device. Its methods are safe for concurrent use.
type Device struct {
	cfg    Config
	db     *bolt.DB
	ident  Identity
	bootID [16]byte

	mu         sync.Mutex
	st         *persisted
	session    uint32
	pinSession uint32
	crashed    bool
}

// Open opens (or creates) the device's state and boots it.
func Open(cfg Config) (*Device, error) {
	applyDefaults(&cfg)
	db, err := openDB(cfg.StatePath)
	if err != nil {
		return nil, err
	}
	d := &Device{cfg: cfg, db: db}
	if err := db.Update(func(tx *bolt.Tx) error {
		st, err := loadState(tx)
		if err != nil {
			return err
		}
		if st == nil {
			if st, err = d.create(); err != nil {
				return err
			}
		}
		st.Boots++
		d.st = st
		return saveState(tx, st)
	}); err != nil {
		db.Close()
		return nil, err
	}
	if cfg.Identity != nil {
		d.ident = *cfg.Identity
	} else {
		key, err := sm2.NewPrivateKey(d.st.Key)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("sim: device key in %s: %w", cfg.StatePath, err)
		}
		d.ident = Identity{Signer: device.SM2Signer{Key: key}, Certificate: d.st.Cert}
	}
	_, _ = rand.Read(d.bootID[:])
	return d, nil
}

func applyDefaults(c *Config) {
	if c.Region == "" {
		c.Region = "3502"
	}
	if c.SellerTaxID == "" {
		c.SellerTaxID = "91350200MA2Y0XXK5W"
	}
	if c.Stock == 0 {
		c.Stock = 1000
	}
	if c.SpecialStock == 0 {
		c.SpecialStock = 200
	}
	if c.RollSize <= 0 {
		c.RollSize = 100
	}
	if c.OfflineHours <= 0 {
		c.OfflineHours = 72
	}
	if c.OfflineAmount <= 0 {
		c.OfflineAmount = 100_000_000
	}
	if c.Limits == (invoice.Limits{}) {
		c.Limits = invoice.DefaultLimits
	}
	if c.DeadlineDay <= 0 {
		c.DeadlineDay = 15
	}
	if c.PIN == "" {
		c.PIN = DefaultPIN
	}
	if c.Clock == nil {
		c.Clock = &Clock{}
	}
	if c.Authority == nil {
		c.Authority = publicOf(taxack.DemoAuthority())
	}
	if c.BusyInterval <= 0 {
		c.BusyInterval = 200 * time.Millisecond
	}
	dl := map[device.Command]time.Duration{}
	for cmd := range allCommands() {
		dl[cmd] = 3 * time.Second
	}
	dl[device.CmdIssue], dl[device.CmdIssueRed] = 5*time.Second, 5*time.Second
	for k, v := range c.Deadlines {
		dl[k] = v
	}
	c.Deadlines = dl
}

func allCommands() map[device.Command]bool {
	m := map[device.Command]bool{}
	for c := device.Command(1); c < 0x30; c++ {
		if c.Known() {
			m[c] = true
		}
	}
	return m
}

// create makes a fresh device: machine number, key, certificate, PIN, open period.
func (d *Device) create() (*persisted, error) {
	seed := make([]byte, 16)
	if d.cfg.Seed != 0 {
		copy(seed, fmt.Sprintf("%016d", d.cfg.Seed))
	} else {
		_, _ = rand.Read(seed)
	}
	h := sm3Sum(append([]byte("KPMACHINE/1"), seed...))
	machine := "66" + fmt.Sprintf("%010d", (uint64(h[0])<<32|uint64(h[1])<<24|uint64(h[2])<<16|uint64(h[3])<<8|uint64(h[4]))%1e10)
	st := &persisted{
		Machine: machine, Seller: d.cfg.SellerTaxID, Region: d.cfg.Region,
		StockLeft: max(d.cfg.Stock, 0), SpecialLeft: max(d.cfg.SpecialStock, 0),
		Period: month(d.cfg.Clock.Now()), PINSalt: h[16:32],
	}
	st.PINHash = sm3Sum(append(append([]byte{}, st.PINSalt...), d.cfg.PIN...))
	for _, k := range invoice.Kinds { // each type's first roll is loaded at issue of the device (发行)
		if *st.left(k) > 0 {
			if _, err := d.nextRoll(st, d.cfg.Clock.Now(), k); err != nil {
				return nil, err
			}
		}
	}
	if d.cfg.Identity == nil {
		key, cert, err := newIdentity(machine, seed)
		if err != nil {
			return nil, err
		}
		st.Key, st.Cert = key.D.FillBytes(make([]byte, 32)), cert
	}
	return st, nil
}

// Close closes the state file.
func (d *Device) Close() error { return d.db.Close() }

// Machine is the device's 12-digit machine number.
func (d *Device) Machine() string { return d.st.Machine }

// Certificate is the device's certificate (DER).
func (d *Device) Certificate() []byte { return d.ident.Certificate }

// Clock is the device's clock.
func (d *Device) Clock() *Clock { return d.cfg.Clock }

// Reboot forgets the session and every cached answer, as a power cycle does; the state
// file is untouched.
func (d *Device) Reboot() {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, _ = rand.Read(d.bootID[:])
	d.session, d.pinSession = 0, 0
}

// Caps is what CAPS answers.
func (d *Device) Caps() device.Caps {
	return device.Caps{
		Limits: d.cfg.Limits, MaxPayload: device.MaxPayload, BusyInterval: d.cfg.BusyInterval,
		Deadlines: d.cfg.Deadlines, Certificate: d.ident.Certificate,
	}
}

// update runs f on a copy of the state inside one bbolt transaction and keeps the copy
// only if the transaction commits.
func (d *Device) update(f func(tx *bolt.Tx, st *persisted) error) error {
	cp := *d.st
	cp.Rolls = append([]rollState(nil), d.st.Rolls...)
	err := d.db.Update(func(tx *bolt.Tx) error {
		if err := f(tx, &cp); err != nil {
			return err
		}
		return saveState(tx, &cp)
	})
	if err == nil {
		d.st = &cp
	}
	return err
}

func month(t time.Time) string { return t.In(invoice.Beijing).Format("200601") }

// monthIndex counts months from year 0, so that periods compare and add.
func monthIndex(period string) int {
	var y, m int
	fmt.Sscanf(period, "%4d%2d", &y, &m)
	return y*12 + m - 1
}

func periodOf(idx int) string { return fmt.Sprintf("%04d%02d", idx/12, idx%12+1) }
