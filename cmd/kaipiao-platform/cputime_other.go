//go:build !unix

package main

import "time"

// selfCPU is not measured here.
func selfCPU() time.Duration { return 0 }

// processTreeCPU is not measured here.
func processTreeCPU(int) time.Duration { return 0 }
