// Package loadgen is the platform's load generator (kaipiao-platform loadtest): N
// simulated workstations of M enterprises issue invoices into their own bbolt stores and
// sync them through the real uploader (signed and encrypted envelopes over mutual TLS,
// receipts verified and stored) against one or more platform instances, failing over
// to the next instance when one does not answer. It reports throughput, request latency
// percentiles, and any invoice the platform holds twice, lacks, or holds without a
// receipt that verifies.
//
// A simulated workstation is a real store and a real uploader; only the tax-control
// device is replaced by a software seal with a CA-issued device key (the platform checks
// the seal as it checks a device's), so that the load is the platform's and not the
// serial line's.
package loadgen

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/platform"
)

// Folders of a load-test directory made by Setup.
const (
	DirPlatformPKI = "platform-pki" // the platforms' --pki folder
	fileLayout     = "layout.txt"   // "<workstations> <enterprises>"
)

// TaxID is the demo tax ID of enterprise e (0-based): a unified social credit code
// with valid check characters (its organisation code's and its own), region 35 (福建),
// since each enterprise is also another's buyer.
func TaxID(e int) string {
	id := fmt.Sprintf("91350200%08d", e+1)
	for _, c := range "0123456789X" {
		cand := id + string(c) + "0"
		problem, want := invoice.CheckTaxID(cand)
		if problem == invoice.TaxIDCheck {
			cand = cand[:17] + want
			problem, _ = invoice.CheckTaxID(cand)
		}
		if problem == "" {
			return cand
		}
	}
	panic("loadgen: no check characters for " + id) // every body has one: unreachable
}

// Machine is the machine number of workstation w's device (0-based): 12 digits.
func Machine(w int) string { return fmt.Sprintf("66%010d", w+1) }

// Enterprise is the enterprise workstation w belongs to: round robin over m.
func Enterprise(w, m int) int { return w % m }

func wsDir(dir string, w int) string { return filepath.Join(dir, fmt.Sprintf("ws-%03d", w)) }

// Setup makes a load-test directory: one demo PKI whose platform folder trusts m
// enterprises and n devices (the machine registry binds each device to its enterprise),
// and one workstation folder per workstation with its enterprise's and device's keys.
// Keys are encrypted with the demo passphrase.
func Setup(dir string, workstations, enterprises int) error {
	if workstations < 1 || enterprises < 1 || enterprises > workstations {
		return fmt.Errorf("loadtest: want 1 ≤ enterprises (%d) ≤ workstations (%d)", enterprises, workstations)
	}
	pass := []byte(pki.DemoPassphrase)
	// Throw-away demo keys, dozens of them: written at the tests' key cost, so that
	// opening twenty workstations does not take minutes of scrypt.
	pki.UseTestKeyCost()
	base, err := pki.NewDemoSet(pki.DemoOptions{TaxID: TaxID(0), Machine: Machine(0), NotBefore: time.Now().Add(-time.Hour)})
	if err != nil {
		return err
	}
	platDir := filepath.Join(dir, DirPlatformPKI)
	if _, err := base.WritePlatform(platDir, pass); err != nil {
		return err
	}
	ents := make([]*pki.DemoSet, enterprises)
	for w := range workstations {
		e := Enterprise(w, enterprises)
		var set *pki.DemoSet
		switch {
		case w == 0:
			set = base
		case ents[e] == nil:
			set, err = base.WithEnterprise(TaxID(e), Machine(w))
		default:
			set, err = ents[e].WithDevice(Machine(w))
		}
		if err != nil {
			return err
		}
		if ents[e] == nil {
			ents[e] = set
		}
		if _, err := pki.RegisterMachine(platDir, Machine(w), TaxID(e)); err != nil {
			return err
		}
		if _, err := set.WriteWorkstation(filepath.Join(wsDir(dir, w), "pki"), pass); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, fileLayout), fmt.Appendf(nil, "%d %d\n", workstations, enterprises), 0o600)
}

// layout reads what Setup made.
func layout(dir string) (workstations, enterprises int, err error) {
	raw, err := os.ReadFile(filepath.Join(dir, fileLayout))
	if err != nil {
		return 0, 0, fmt.Errorf("loadtest folder %s: %w (make it with loadtest setup)", dir, err)
	}
	if _, err := fmt.Sscan(string(raw), &workstations, &enterprises); err != nil {
		return 0, 0, fmt.Errorf("loadtest folder %s: %s: %w", dir, fileLayout, err)
	}
	return workstations, enterprises, nil
}

// SetQuotas gives every enterprise of the load-test folder amount of quota for the
// current month, for the workstations on the digital channel.
func SetQuotas(st platform.DigitalStore, dir string, amount invoice.Money) error {
	_, m, err := layout(dir)
	if err != nil {
		return err
	}
	for e := range m {
		if err := st.SetQuota(TaxID(e), platform.Period(time.Now()), amount); err != nil {
			return err
		}
	}
	return nil
}
