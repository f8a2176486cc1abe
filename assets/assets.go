// Package assets holds what the workstation embeds: the tax classification code table,
// and later fonts, icons and translations. It imports nothing from the project.
package assets

import (
	_ "embed"
)

// TaxCodesVersion is the version of the embedded tax classification code table: the date
// the State Taxation Administration published it.
const TaxCodesVersion = "2017-12-19"

//go:embed taxcodes/2017-12-19.csv
var taxCodesCSV []byte

// TaxCodesCSV returns the embedded code table as published (columns code, name,
// short_name, rate, notes; UTF-8). Callers parse it once with invoice.ParseTaxCodes.
func TaxCodesCSV() []byte { return taxCodesCSV }
