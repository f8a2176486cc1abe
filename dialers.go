package main

import "github.com/kaipiao/kaipiao/device/sim"

// The desktop program offers the built-in simulator as the device "sim" (its default, a
// demonstration): the one place it wires the simulator in; the workstation opens the
// device through the dialer registry.
func init() { sim.Register() }
