package workstation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
)

// ErrNoDevice: the device is not connected now; Link.State says why and what to do.
var ErrNoDevice = errors.New("the tax-control device is not connected")

// LinkState is the device connection at a glance, for the window's banner.
type LinkState struct {
	Connected bool
	Addr      string // the port (or "sim") it is on, or should be on
	Machine   string // the device's 机器编号, once known
	Problem   string // what is wrong, in Chinese; empty when connected
	Hint      string // what the clerk can do about it, in Chinese
	// Key and Args are Problem's catalogue message (Hint's is Key+"/hint"), for a window
	// in another language.
	Key   string
	Args  invoice.Args
	Err   string // the error in English, for the log
	Since time.Time
}

// Link is the workstation's connection to its device, which may be absent at start,
// unplugged and plugged back, or moved to another port. While it is connected, Client
// returns the client; a watcher (Start) notices within a second when the port goes and
// reconnects, then runs OnConnect (the seller, the limits, the reconciliation) before
// the device is offered for issuing again.
type Link struct {
	data, pin string
	// OnConnect runs after each (re)connection, before the link reports connected; an
	// error keeps the device out of use (reported as the problem) and is retried.
	OnConnect func(ctx context.Context, c *device.Client) error
	// OnChange is told of every change of state, from the watcher's goroutine.
	OnChange func(LinkState)
	Log      io.Writer

	mu       sync.Mutex
	addr     string
	machine  string // pinned after the first connection: another device is refused
	client   *device.Client
	closeDev func()
	state    LinkState
	lastDial time.Time
	lastPing time.Time
	losses   int // the client's Losses when the watcher last looked
	kick     chan struct{}
	stop     chan struct{}
	stopped  chan struct{}
	pinging  atomic.Bool
	// everConnected: the first connection and a failure to start are reported by the
	// caller; the log hears of the losses and reconnections after that.
	everConnected bool
}

// NewLink prepares the connection to the device addr names (see ConnectDevice); nothing
// is opened until Connect or Start.
func NewLink(data, addr, pin string) *Link {
	return &Link{data: data, addr: addr, pin: pin, kick: make(chan struct{}, 1),
		state: LinkState{Addr: addr, Problem: say("link.connecting", nil), Key: "link.connecting", Since: time.Now()}}
}

// State returns the connection's state now.
func (l *Link) State() LinkState {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state
}

// Client returns the connected client, or ErrNoDevice.
func (l *Link) Client() (*device.Client, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.client == nil || !l.state.Connected {
		return nil, fmt.Errorf("%w: %s", ErrNoDevice, l.state.Problem)
	}
	return l.client, nil
}

// Connect tries once to reach the device, returning why it could not.
func (l *Link) Connect(ctx context.Context) error {
	l.mu.Lock()
	addr := l.addr
	l.mu.Unlock()
	return l.dial(ctx, addr)
}

// Choose moves the link to another port (or "sim") and connects to it at once.
func (l *Link) Choose(addr string) {
	l.mu.Lock()
	old := l.closeLocked()
	l.addr = addr
	l.machine = "" // another port may hold another device on purpose: the clerk chose it
	l.mu.Unlock()
	if old != nil {
		old()
	}
	l.set(LinkState{Addr: addr, Problem: say("link.connecting", nil), Key: "link.connecting"})
	l.Retry()
}

// Retry asks the watcher to try again now instead of at its next round.
func (l *Link) Retry() {
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// Start runs the watcher until Close.
func (l *Link) Start() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stop != nil {
		return
	}
	l.stop, l.stopped = make(chan struct{}), make(chan struct{})
	go l.watch(l.stop, l.stopped)
}

// Close stops the watcher and releases the device.
func (l *Link) Close() {
	l.mu.Lock()
	stop, stopped := l.stop, l.stopped
	l.stop = nil
	l.mu.Unlock()
	if stop != nil {
		close(stop)
		<-stopped
	}
	l.mu.Lock()
	closeDev := l.closeLocked()
	l.mu.Unlock()
	if closeDev != nil {
		closeDev()
	}
}

func (l *Link) closeLocked() func() {
	f := l.closeDev
	l.client, l.closeDev = nil, nil
	return f
}

// watchEvery is how often the watcher looks at the port: an unplug shows within it.
const watchEvery = 250 * time.Millisecond

func (l *Link) watch(stop <-chan struct{}, stopped chan<- struct{}) {
	defer close(stopped)
	t := time.NewTicker(watchEvery)
	defer t.Stop()
	for {
		kicked := false
		select {
		case <-stop:
			return
		case <-l.kick:
			kicked = true
		case <-t.C:
		}
		l.mu.Lock()
		c, addr, st := l.client, l.addr, l.state
		dialDue := kicked || time.Since(l.lastDial) >= time.Second
		sincePing := time.Since(l.lastPing)
		l.mu.Unlock()
		switch {
		case c == nil:
			if dialDue {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				_ = l.dial(ctx, addr)
				cancel()
			}
		case !c.Connected() || l.lostAgain(c):
			if st.Connected {
				args := invoice.Args{"port": PortName(addr)}
				l.set(LinkState{Addr: addr, Machine: st.Machine, Problem: say("link.gone", args),
					Hint: say("link.gone/hint", nil), Err: "device: port gone", Key: "link.gone", Args: args})
			}
		case kicked || (!st.Connected && sincePing >= time.Second) || sincePing >= 5*time.Second:
			// The port is back (or it is time to check a quiet device): a STATUS says
			// whether the device answers; the client re-handshakes after a restart.
			if l.pinging.CompareAndSwap(false, true) {
				go l.ping(c, addr, st.Connected)
			}
		}
	}
}

// lostAgain reports whether c lost its port since the last look, even if it has it back
// (then the next round pings it and, the link having been marked lost, reconciles).
func (l *Link) lostAgain(c *device.Client) bool {
	n := c.Losses()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.client != c || n == l.losses {
		return false
	}
	l.losses = n
	return true
}

// ping asks the device for its status; after a loss it then runs OnConnect.
func (l *Link) ping(c *device.Client, addr string, wasConnected bool) {
	defer l.pinging.Store(false)
	l.mu.Lock()
	l.lastPing = time.Now()
	l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, err := c.Status(ctx)
	if err == nil && !wasConnected && l.OnConnect != nil {
		err = l.OnConnect(ctx, c)
	}
	if err != nil {
		l.set(problemOf(addr, err))
		if errors.Is(err, device.ErrDeviceChanged) {
			l.mu.Lock()
			closeDev := l.closeLocked()
			l.mu.Unlock()
			if closeDev != nil {
				closeDev()
			}
		}
		return
	}
	if !wasConnected {
		l.set(LinkState{Connected: true, Addr: addr, Machine: c.Hello().Machine})
	}
}

// dial opens the port, verifies the PIN and runs OnConnect. A client whose OnConnect
// failed is kept: the watcher runs OnConnect again once the device answers.
func (l *Link) dial(ctx context.Context, addr string) error {
	l.mu.Lock()
	l.lastDial = time.Now()
	machine := l.machine
	l.mu.Unlock()
	c, closeDev, err := device.DialAddr(ctx, l.data, addr, device.Options{Machine: machine})
	if err == nil {
		pin := l.pin
		if pin == "" {
			pin = device.DialerOf(addr).DefaultPIN
		}
		if pin == "" {
			err = errors.New("the device needs its PIN: set KAIPIAO_DEVICE_PIN")
		} else if err = c.VerifyPIN(ctx, pin); err != nil {
			err = fmt.Errorf("verifying the device PIN: %w", err)
		}
		if err != nil {
			closeDev()
		}
	}
	if err != nil {
		l.set(problemOf(addr, err))
		return err
	}
	l.mu.Lock()
	if l.addr != addr { // the clerk chose another port meanwhile
		l.mu.Unlock()
		closeDev()
		return ErrNoDevice
	}
	old := l.closeLocked()
	l.client, l.closeDev, l.losses = c, closeDev, c.Losses()
	l.machine = c.Hello().Machine
	l.lastPing = time.Now()
	l.mu.Unlock()
	if old != nil {
		old()
	}
	if l.OnConnect != nil {
		if err := l.OnConnect(ctx, c); err != nil {
			l.set(problemOf(addr, err))
			return err
		}
	}
	l.set(LinkState{Connected: true, Addr: addr, Machine: c.Hello().Machine})
	return nil
}

// current is the client the engine talks through: the last one opened, connected or
// not (a command on a lost port fails as it would on a real line), or ErrNoDevice.
func (l *Link) current() (*device.Client, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.client == nil {
		return nil, fmt.Errorf("%w: %s", ErrNoDevice, l.state.Problem)
	}
	return l.client, nil
}

func (l *Link) set(st LinkState) {
	st.Since = time.Now()
	l.mu.Lock()
	changed := st.Connected != l.state.Connected || st.Problem != l.state.Problem || st.Addr != l.state.Addr
	l.state = st
	onChange := l.OnChange
	l.mu.Unlock()
	if !changed {
		return
	}
	wasEver := l.everConnected
	if st.Connected {
		l.everConnected = true
	}
	if l.Log != nil {
		if st.Connected && wasEver { // the first connection is the normal case: say nothing
			fmt.Fprintf(l.Log, "kaipiao: device %s connected again on %s\n", st.Machine, st.Addr)
		} else if !st.Connected && wasEver {
			fmt.Fprintf(l.Log, "kaipiao: device on %s: %s\n", st.Addr, st.Err)
		}
	}
	if onChange != nil {
		onChange(st)
	}
}

// PortName is the port addr names as the clerk knows it: its dialer's label (内置模拟器),
// or the serial path without ?baud=.
func PortName(addr string) string {
	if label := device.DialerOf(addr).Label; label != "" {
		return label
	}
	path, _, _ := strings.Cut(addr, "?")
	return path
}

// problemOf says, for the clerk, what is wrong and what to do: the catalogue's link.*
// message and its hint (link.KEY/hint).
func problemOf(addr string, err error) LinkState {
	args := invoice.Args{"port": PortName(addr), "err": err.Error()}
	var de *device.Error
	key := "link.unusable"
	switch {
	case errors.Is(err, fs.ErrNotExist):
		key = "link.no_port"
	case errors.Is(err, fs.ErrPermission):
		key = "link.permission"
	case errors.Is(err, device.ErrDisconnected):
		key = "link.gone" // a request on a port found gone: the watcher's own words
	case errors.Is(err, device.ErrPortBusy):
		key = "link.busy"
	case errors.Is(err, device.ErrDeviceChanged):
		key = "link.other_device"
	case errors.As(err, &de) && (de.Code == device.CodePINWrong || de.Code == device.CodePINLocked):
		key, args["why"] = "link.pin", de.Message()
	case errors.Is(err, device.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		key = "link.silent"
	case errors.Is(err, invoice.ErrOutcomeUnknown):
		key = "link.reconcile"
	}
	return LinkState{Addr: addr, Err: err.Error(), Problem: say(key, args), Hint: say(key+"/hint", args), Key: key, Args: args}
}

// say is a catalogue message in the clerk's language: the link's state is shown to the
// clerk as it is (docs/errors.md, "Messages").
func say(key string, args invoice.Args) string { return invoice.Say(invoice.Chinese, key, args) }
