// Command compact reads `kaipiaoctl show`'s JSON on stdin and prints its "invoice" on
// one line: the fixture's record of each invoice as the CLI showed it (gen.sh).
package main

import (
	"bytes"
	"encoding/json"
	"log"
	"os"
)

func main() {
	var shown struct {
		Invoice json.RawMessage `json:"invoice"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&shown); err != nil {
		log.Fatal(err)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, shown.Invoice); err != nil {
		log.Fatal(err)
	}
	b.WriteByte('\n')
	if _, err := os.Stdout.Write(b.Bytes()); err != nil {
		log.Fatal(err)
	}
}
