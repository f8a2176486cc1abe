package main

import "github.com/kaipiao/kaipiao/device/sim"

// kaipiaoctl offers the built-in simulator as --device sim (its default, to try it out):
// the one place this program wires the simulator in; everything else opens the device
// through the dialer registry.
func init() { sim.Register() }

// defaultDevice is --device without KAIPIAO_DEVICE: the built-in simulator.
const defaultDevice = sim.Scheme
