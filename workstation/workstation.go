// Package workstation wires one data folder's workstation together: the store, the
// tax-control device (a serial port, or the built-in simulator), the seller's settings
// and the issuing engine, with the start-up reconciliation that DESIGN.md asks for. The
// desktop program and kaipiaoctl both open it through here.
package workstation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/digital"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
)

// DataDir is the data folder the programs use without --data: KAIPIAO_DATA, else the
// system's place for it (datadir_*.go): on Windows %LOCALAPPDATA%\Kaipiao, elsewhere the
// user's configuration folder + /kaipiao.
func DataDir() string {
	if v := os.Getenv("KAIPIAO_DATA"); v != "" {
		return v
	}
	return defaultDataDir()
}

// moveDataDir returns the data folder to use when it belongs at dir and older versions
// kept it at old: dir if it exists or old does not hold a store; else old is moved to
// dir. If the move fails (old is open in a running older version, or dir is on another
// volume) old stays in use, so the data is never split between two folders.
func moveDataDir(old, dir string) string {
	if _, err := os.Stat(dir); err == nil {
		return dir
	}
	if _, err := os.Stat(filepath.Join(old, StoreFile)); err != nil {
		return dir
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return old
	}
	if err := os.Rename(old, dir); err != nil {
		return old
	}
	return dir
}

// Files inside the data folder.
const (
	StoreFile = "kaipiao.db" // the workstation's bbolt file
	// DeviceCertFile is the device's certificate (DER) as it last gave it, for syncing
	// while it is away.
	DeviceCertFile = "device-cert.der"
)

// ErrBusy: another Kaipiao window or command has the data folder open.
var ErrBusy = errors.New("the workstation's data is open in another Kaipiao window or command; close it and try again")

// Config says which workstation to open.
type Config struct {
	Data     string // the data folder
	Device   string // a registered dialer's address ("sim"), or a serial port path with an optional ?baud=N
	PIN      string // the device PIN; the dialer's default (the simulator's) when empty
	Operator string // who works: the audit log's operator and the default 开票人
	// Channel is the issuing channel, store.ChannelDevice or store.ChannelDigital, saved
	// in the folder when given; empty: the one saved (the device until one is).
	Channel string
	// Log receives what the clerk should know about start-up (a recovery); may be nil.
	Log io.Writer
}

// Workstation is an open workstation. Close it when done.
type Workstation struct {
	Data  string // the data folder
	Store *store.DB
	// Client is the device's client as connected by Open (kaipiaoctl); the window, whose
	// device comes and goes, asks Link.Client instead.
	Client *device.Client
	Link   *Link
	Engine *invoice.Engine
	// Digital is the digital channel when the folder issues 数电票 (docs/digital.md), nil
	// with a device; Channel names the one in use.
	Digital *digital.Channel
	Channel string
	Limits  invoice.Limits // as read at the last connection; see CurrentLimits
	log     io.Writer      // Config.Log
	close   func()
	mu      sync.Mutex

	// platform is the URL the last Syncer was made for: where RedFromSlip claims a slip
	// when its caller gives no client (redslip.go).
	platform string
}

// Close releases the device and the store.
func (w *Workstation) Close() { w.close() }

var (
	codesOnce sync.Once
	codes     *invoice.TaxCodes
	codesErr  error
)

// TaxCodes parses the embedded code table once per process.
func TaxCodes() (*invoice.TaxCodes, error) {
	codesOnce.Do(func() {
		codes, codesErr = invoice.ParseTaxCodes(bytes.NewReader(assets.TaxCodesCSV()), assets.TaxCodesVersion)
	})
	return codes, codesErr
}

// OpenStore opens the data folder's store, with ErrBusy when another program has it. New
// audit entries are sealed with the audit key kept outside the folder (AuditKey).
func OpenStore(data string) (*store.DB, error) {
	key, err := AuditKey(data)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(filepath.Join(data, StoreFile), store.Options{AuditKey: key})
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("%s: %w", data, ErrBusy)
	}
	return db, err
}

// ConnectDevice reaches the device addr names, through the dialer the program registered
// for its scheme ("sim" when the program offers the built-in simulator) or else as a
// serial port path with an optional ?baud=N (device.DialAddr). The returned func closes
// what it opened.
func ConnectDevice(ctx context.Context, data, addr string) (*device.Client, func(), error) {
	return device.DialAddr(ctx, data, addr, device.Options{})
}

// Open opens the store, connects the device (verifying its PIN), sets up the engine,
// and, with reconcile, runs the start-up reconciliation: requests an interrupted run
// left open are resolved and what the device issued behind the store's back is imported.
// It fails when the device cannot be reached: for kaipiaoctl, which needs it now.
func Open(ctx context.Context, cfg Config, reconcile bool) (*Workstation, error) {
	w, err := open(cfg, reconcile, true)
	if err != nil {
		return nil, err
	}
	if w.Digital != nil {
		if err := w.startDigital(ctx, cfg, reconcile, true); err != nil {
			w.Close()
			return nil, err
		}
		return w, nil
	}
	if err := w.Link.Connect(ctx); err != nil {
		w.Close()
		return nil, err
	}
	w.Client, _ = w.Link.Client()
	return w, nil
}

// OpenWindow opens the workstation for the desktop window: only the store must open.
// The device may be absent, unplugged or on the wrong port: Link.State says what is
// wrong for the banner, and the link's watcher connects (and reconciles) as soon as the
// device is there, without a restart. onChange is told of every change of the link.
func OpenWindow(ctx context.Context, cfg Config, onChange func(LinkState)) (*Workstation, error) {
	w, err := open(cfg, true, false)
	if err != nil {
		return nil, err
	}
	if w.Digital != nil {
		if err := w.startDigital(ctx, cfg, true, false); err != nil {
			w.Close()
			return nil, err
		}
		return w, nil
	}
	w.Link.OnChange = onChange
	_ = w.Link.Connect(ctx) // not fatal: the banner says why, the watcher retries
	w.Client, _ = w.Link.Client()
	w.Link.Start()
	return w, nil
}

// open opens the store and prepares the engine and the link; strict (kaipiaoctl) also
// wants the seller set before a real device is used.
func open(cfg Config, reconcile, strict bool) (*Workstation, error) {
	db, err := OpenStore(cfg.Data)
	if err != nil {
		return nil, err
	}
	w, err := onStore(cfg, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	w.close = func() { w.Link.Close(); db.Close() }
	if w.Channel, err = chooseChannel(db, cfg); err != nil {
		w.Close()
		return nil, err
	}
	if w.Channel == store.ChannelDigital {
		// No device to connect: the link stays idle, the engine issues through the channel.
		if err := w.openDigital(cfg); err != nil {
			w.Close()
			return nil, err
		}
		w.close = func() { w.Digital.Close(); w.Link.Close(); db.Close() }
		return w, nil
	}
	w.Link.OnConnect = func(ctx context.Context, c *device.Client) error { return w.connected(ctx, c, cfg, reconcile, strict) }
	return w, nil
}

// WithStore is a workstation over a store its caller opened and keeps (Close leaves it
// open), with no device connected: for the commands and benchmarks that only read or
// keep data. Issuing through it fails with ErrNoDevice.
func WithStore(data string, db *store.DB, operator string) (*Workstation, error) {
	w, err := onStore(Config{Data: data, Operator: operator}, db)
	if err != nil {
		return nil, err
	}
	w.close = w.Link.Close
	return w, nil
}

// onStore prepares the engine and the (not yet connected) link over an open store.
func onStore(cfg Config, db *store.DB) (*Workstation, error) {
	seller, err := db.Seller()
	if err != nil {
		return nil, err
	}
	codes, err := TaxCodes()
	if err != nil {
		return nil, err
	}
	link := NewLink(cfg.Data, cfg.Device, cfg.PIN)
	link.Log = cfg.Log
	w := &Workstation{Data: cfg.Data, Store: db, Link: link, log: cfg.Log}
	w.Engine = &invoice.Engine{Device: linkDevice{link}, Store: db, Codes: codes, Seller: seller, Operator: cfg.Operator}
	return w, nil
}

// connected runs after each (re)connection of the device: the dialer's demo seller on a
// fresh folder (the simulator's), the device's limits, and the reconciliation.
func (w *Workstation) connected(ctx context.Context, c *device.Client, cfg Config, reconcile, strict bool) error {
	seller, err := w.Store.Seller()
	if err != nil {
		return err
	}
	if seller.Name == "" {
		if demo := device.DialerOf(cfg.Device).Seller; demo != nil {
			st, err := c.Status(ctx)
			if err != nil {
				return err
			}
			seller = demo(st)
			if err := w.Store.SetSeller(seller, cfg.Operator); err != nil {
				return err
			}
			w.Engine.SetSeller(seller)
		} else if strict {
			return errors.New("the seller is not set: run `kaipiaoctl seller set --name NAME --tax-id ID` first")
		}
	}
	caps, err := c.Caps(ctx)
	if err != nil {
		return fmt.Errorf("reading the device's limits: %w", err)
	}
	w.mu.Lock()
	w.Limits = caps.Limits
	w.mu.Unlock()
	if len(caps.Certificate) > 0 {
		if err := writeIfChanged(filepath.Join(cfg.Data, DeviceCertFile), caps.Certificate); err != nil {
			return err
		}
	}
	if !reconcile {
		return nil
	}
	rep, err := w.Engine.Reconcile(ctx, false)
	if err != nil {
		return fmt.Errorf("reconciling with the device: %w", err)
	}
	if len(rep.Mismatches) > 0 {
		return fmt.Errorf("the device and the store disagree (run `kaipiaoctl reconcile` for the report): %v", rep.Mismatches)
	}
	if (rep.ResolvedIntents > 0 || rep.Imported > 0) && cfg.Log != nil {
		fmt.Fprintf(cfg.Log, "kaipiao: recovered from an interrupted run: %d open request(s) resolved with the device, %d invoice(s) imported from its journal\n",
			rep.ResolvedIntents, rep.Imported)
	}
	return nil
}

// CurrentLimits are the device's limits as last read (zero before the first connection).
func (w *Workstation) CurrentLimits() invoice.Limits {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.Limits
}

// writeIfChanged writes b to path unless it already holds exactly b.
func writeIfChanged(path string, b []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, b) {
		return nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
