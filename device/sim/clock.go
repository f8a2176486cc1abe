package sim

import (
	"sync"
	"time"
)

// Clock is the device's clock: the host's clock plus an offset that tests move, so that
// offline hours and month ends are reached without sleeping.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now returns the device time.
func (c *Clock) Now() time.Time {
	if c == nil {
		return time.Now()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the clock by d (negative d moves it back, which the device notices).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Set moves the clock so that Now is t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = time.Until(t)
}
