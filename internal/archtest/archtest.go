// Package archtest holds the architecture test: the import rules of docs/DESIGN.md
// ("Import rules"), checked against `go list` of the whole module in `make test`. It has
// no code of its own.
package archtest
