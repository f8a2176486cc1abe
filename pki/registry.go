package pki

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kaipiao/kaipiao/invoice"
)

// FileRegistry is the platform's machine registry in its --pki folder: one line per
// device, "<machine number> <taxpayer's tax ID>", '#' starting a comment.
const FileRegistry = "machines.txt"

// maxRegistry bounds the registry file the platform reads at start.
const maxRegistry = 16 << 20

// ReadRegistry reads dir's machine registry (empty when there is none): machine number →
// tax ID. A line that is not a 12-digit machine number and a tax ID is an error naming it.
func ReadRegistry(dir string) (map[string]string, error) {
	path := filepath.Join(dir, FileRegistry)
	f, err := os.Open(path) // #nosec G304 -- the operator's own --pki folder
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("machine registry: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > maxRegistry {
		return nil, fmt.Errorf("machine registry %s: over %d bytes", path, maxRegistry)
	}
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 || !invoice.ValidMachine(fields[0]) || !invoice.ValidTaxIDForm(fields[1]) {
			return nil, fmt.Errorf("machine registry %s line %d: want \"<12-digit machine number> <tax ID>\", got %s",
				path, n, invoice.Quote(sc.Text()))
		}
		out[fields[0]] = fields[1]
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("machine registry %s: %w", path, err)
	}
	return out, nil
}

// RegisterMachine binds machine to taxID in dir's registry (replacing an earlier binding)
// and returns the file's path.
func RegisterMachine(dir, machine, taxID string) (string, error) {
	if !invoice.ValidMachine(machine) {
		return "", fmt.Errorf("machine number %s: must be 12 digits", invoice.Quote(machine))
	}
	if !invoice.ValidTaxIDForm(taxID) {
		return "", fmt.Errorf("tax ID %s: must be 15 to 20 letters and digits", invoice.Quote(taxID))
	}
	reg, err := ReadRegistry(dir)
	if err != nil {
		return "", err
	}
	reg[machine] = taxID
	machines := make([]string, 0, len(reg))
	for m := range reg {
		machines = append(machines, m)
	}
	sort.Strings(machines)
	var b strings.Builder
	b.WriteString("# machine number → the taxpayer it is issued to (kaipiao-platform trusts no other pairing)\n")
	for _, m := range machines {
		fmt.Fprintf(&b, "%s %s\n", m, reg[m])
	}
	path := filepath.Join(dir, FileRegistry)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return path, os.WriteFile(path, []byte(b.String()), 0o600)
}
