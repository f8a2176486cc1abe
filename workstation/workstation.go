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
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
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
	StoreFile    = "kaipiao.db" // the workstation's bbolt file
	SimStateFile = "devsim.db"  // the built-in simulator's state
)

// DemoSellerName names the seller on a fresh data folder driven by the built-in
// simulator, so that a newcomer can issue at once; a real device needs the seller set.
const DemoSellerName = "厦门开票示范科技有限公司"

// ErrBusy: another Kaipiao window or command has the data folder open.
var ErrBusy = errors.New("the workstation's data is open in another Kaipiao window or command; close it and try again")

// Config says which workstation to open.
type Config struct {
	Data     string // the data folder
	Device   string // "sim", or a serial port path with an optional ?baud=N
	PIN      string // the device PIN; the simulator's default for "sim" when empty
	Operator string // who works: the audit log's operator and the default 开票人
	// Log receives what the clerk should know about start-up (a recovery); may be nil.
	Log io.Writer
}

// Workstation is an open workstation. Close it when done.
type Workstation struct {
	Store  *store.DB
	Client *device.Client
	Engine *invoice.Engine
	Limits invoice.Limits
	close  func()
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

// OpenStore opens the data folder's store, with ErrBusy when another program has it.
func OpenStore(data string) (*store.DB, error) {
	db, err := store.Open(filepath.Join(data, StoreFile), store.Options{})
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("%s: %w", data, ErrBusy)
	}
	return db, err
}

// ConnectDevice reaches the device addr names: "sim" starts the built-in simulator on a
// pseudo-terminal with its state in the data folder; anything else is a serial port path
// with an optional ?baud=N. The returned func closes what it opened.
func ConnectDevice(ctx context.Context, data, addr string) (*device.Client, func(), error) {
	if addr == "sim" {
		if err := os.MkdirAll(data, 0o700); err != nil {
			return nil, nil, fmt.Errorf("data folder %s: %w", data, err)
		}
		running, err := sim.StartPTY(sim.Config{StatePath: filepath.Join(data, SimStateFile)}, 0)
		if err != nil {
			return nil, nil, fmt.Errorf("built-in simulator: %w", err)
		}
		c, err := device.Dial(ctx, device.SerialConfig{Path: running.PTY.Path}, device.Options{})
		if err != nil {
			running.Close()
			return nil, nil, fmt.Errorf("built-in simulator on %s: %w", running.PTY.Path, err)
		}
		return c, func() { c.Close(); running.Close() }, nil
	}
	path, query, _ := strings.Cut(addr, "?")
	cfg := device.SerialConfig{Path: path}
	if query != "" {
		q, err := url.ParseQuery(query)
		if err != nil {
			return nil, nil, fmt.Errorf("device %q: %w", addr, err)
		}
		if b := q.Get("baud"); b != "" {
			if cfg.Baud, err = strconv.Atoi(b); err != nil || cfg.Baud <= 0 {
				return nil, nil, fmt.Errorf("device %q: baud %q is not a positive number", addr, b)
			}
		}
	}
	c, err := device.Dial(ctx, cfg, device.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("device %s: %w", addr, err)
	}
	return c, func() { c.Close() }, nil
}

// Open opens the store, connects the device (verifying its PIN), sets up the engine,
// and, with reconcile, runs the start-up reconciliation: requests an interrupted run
// left open are resolved and what the device issued behind the store's back is imported.
func Open(ctx context.Context, cfg Config, reconcile bool) (*Workstation, error) {
	db, err := OpenStore(cfg.Data)
	if err != nil {
		return nil, err
	}
	client, closeDevice, err := ConnectDevice(ctx, cfg.Data, cfg.Device)
	if err != nil {
		db.Close()
		return nil, err
	}
	w := &Workstation{Store: db, Client: client, close: func() { closeDevice(); db.Close() }}
	if err := w.setUp(ctx, cfg, reconcile); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

func (w *Workstation) setUp(ctx context.Context, cfg Config, reconcile bool) error {
	pin := cfg.PIN
	if pin == "" && cfg.Device == "sim" {
		pin = sim.DefaultPIN
	}
	if pin == "" {
		return errors.New("the device needs its PIN: set KAIPIAO_DEVICE_PIN")
	}
	if err := w.Client.VerifyPIN(ctx, pin); err != nil {
		return fmt.Errorf("verifying the device PIN: %w", err)
	}
	seller, err := w.Store.Seller()
	if err != nil {
		return err
	}
	if seller.Name == "" {
		if cfg.Device != "sim" {
			return errors.New("the seller is not set: run `kaipiaoctl seller set --name NAME --tax-id ID` first")
		}
		st, err := w.Client.Status(ctx)
		if err != nil {
			return err
		}
		seller = invoice.Party{Name: DemoSellerName, TaxID: st.SellerTaxID,
			AddressPhone: "厦门市思明区软件园二期 0592-0000000", BankAccount: "中国银行厦门分行 0000000000000"}
		if err := w.Store.SetSeller(seller, cfg.Operator); err != nil {
			return err
		}
	}
	codes, err := TaxCodes()
	if err != nil {
		return err
	}
	if w.Limits, err = (device.EngineDevice{Client: w.Client}).Limits(ctx); err != nil {
		return fmt.Errorf("reading the device's limits: %w", err)
	}
	w.Engine = &invoice.Engine{Device: device.EngineDevice{Client: w.Client}, Store: w.Store, Codes: codes,
		Seller: seller, Operator: cfg.Operator}
	if !reconcile {
		return nil
	}
	rep, err := w.Engine.Reconcile(ctx, false)
	if err != nil {
		return fmt.Errorf("reconciling with the device at start-up: %w", err)
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
