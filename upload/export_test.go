package upload

import "github.com/kaipiao/kaipiao/pki"

// The upload tests write and read dozens of key files per rig: they use scrypt at a cost
// of 2^10 rather than 2^15, or the suite takes minutes.
func init() { pki.UseTestKeyCost() }
