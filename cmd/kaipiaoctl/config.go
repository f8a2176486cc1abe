package main

import (
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/workstation"
)

// loadTaxCodes is the embedded code table, parsed once per process.
func loadTaxCodes() (*invoice.TaxCodes, error) { return workstation.TaxCodes() }

// checkConfig is the configuration `check` uses: the embedded code table and the
// simulator's default limits, since check touches neither the device nor the store.
func checkConfig() (invoice.Config, error) {
	codes, err := loadTaxCodes()
	if err != nil {
		return invoice.Config{}, err
	}
	return invoice.Config{Codes: codes, Limits: invoice.DefaultLimits}, nil
}
