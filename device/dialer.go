package device

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/kaipiao/kaipiao/invoice"
)

// A Dialer opens the issuing channel at the addresses of one scheme ("sim" and
// "sim:inprocess" for the simulator's). The binaries register the dialers they want
// (RegisterDialer); an address of no registered scheme is a serial port. This keeps the
// simulator, and any demo behaviour that comes with it, out of the packages that open the
// device: they ask the dialer instead of testing the address.
type Dialer struct {
	// Dial connects to addr. data is the workstation's data folder, where a simulator
	// keeps its state. The returned func closes what Dial opened.
	Dial func(ctx context.Context, data, addr string, opts Options) (*Client, func(), error)
	// Label is the port as the clerk knows it (内置模拟器); empty shows the address.
	Label string
	// DefaultPIN is the PIN used when none is configured; empty: a PIN must be given.
	DefaultPIN string
	// Seller, when not nil, is the seller a fresh data folder gets on this channel, from
	// the device's status: a demonstration's, so that a newcomer can issue at once. nil
	// for a real device, whose seller the administrator sets first.
	Seller func(Status) invoice.Party
}

var (
	dialersMu sync.RWMutex
	dialers   = map[string]Dialer{}
)

// RegisterDialer makes d open the addresses of scheme: scheme itself and scheme:anything.
// A later registration of the same scheme replaces the earlier.
func RegisterDialer(scheme string, d Dialer) {
	dialersMu.Lock()
	defer dialersMu.Unlock()
	dialers[scheme] = d
}

// DialerFor is the registered dialer of addr's scheme (the part before the first ':'),
// and false when none is registered: addr is then a serial port (SerialDialer).
func DialerFor(addr string) (Dialer, bool) {
	scheme, _, _ := strings.Cut(addr, ":")
	dialersMu.RLock()
	defer dialersMu.RUnlock()
	d, ok := dialers[scheme]
	return d, ok
}

// DialerOf is DialerFor with the serial port's dialer when no scheme matches.
func DialerOf(addr string) Dialer {
	if d, ok := DialerFor(addr); ok {
		return d
	}
	return SerialDialer
}

// DialAddr connects to the device addr names, through its scheme's dialer or, with
// none, as a serial port path with an optional ?baud=N. The returned func closes what it
// opened.
func DialAddr(ctx context.Context, data, addr string, opts Options) (*Client, func(), error) {
	return DialerOf(addr).Dial(ctx, data, addr, opts)
}

// SerialDialer opens a serial port path with an optional ?baud=N.
var SerialDialer = Dialer{Dial: dialSerial}

func dialSerial(ctx context.Context, _, addr string, opts Options) (*Client, func(), error) {
	path, query, _ := strings.Cut(addr, "?")
	cfg := SerialConfig{Path: path}
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
	c, err := Dial(ctx, cfg, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("device %s: %w", addr, err)
	}
	return c, func() { c.Close() }, nil
}
