package main

import "github.com/kaipiao/kaipiao/device/sim"

// The desktop program offers the built-in simulator as the device "sim" (its default, a
// demonstration): the one place it wires the simulator in; the workstation opens the
// device through the dialer registry.
func init() { sim.Register() }

// builtInDevice is the simulator's address: the device when none is chosen, and the first
// of the window's port choices.
const builtInDevice = sim.Scheme
