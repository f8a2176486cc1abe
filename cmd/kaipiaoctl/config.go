package main

import (
	"bytes"
	"sync"

	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/invoice"
)

var (
	taxCodesOnce sync.Once
	taxCodes     *invoice.TaxCodes
	taxCodesErr  error
)

// loadTaxCodes parses the embedded code table once per process.
func loadTaxCodes() (*invoice.TaxCodes, error) {
	taxCodesOnce.Do(func() {
		taxCodes, taxCodesErr = invoice.ParseTaxCodes(bytes.NewReader(assets.TaxCodesCSV()), assets.TaxCodesVersion)
	})
	return taxCodes, taxCodesErr
}

// checkConfig is the configuration `check` uses: the embedded code table and the
// simulator's default limits, since check touches neither the device nor the store.
func checkConfig() (invoice.Config, error) {
	codes, err := loadTaxCodes()
	if err != nil {
		return invoice.Config{}, err
	}
	return invoice.Config{Codes: codes, Limits: invoice.DefaultLimits}, nil
}
