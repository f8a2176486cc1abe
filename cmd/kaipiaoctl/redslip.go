package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
	"github.com/kaipiao/kaipiao/workstation"
)

func init() {
	commands["redslip"] = command{
		usage: "redslip request --of NUMBER [--amount A | --lines FILE] --reason R | list [--incoming] | show|confirm|refuse|withdraw SLIP",
		brief: "红字发票信息确认单: ask the platform for a red reversal, see the slips, answer them",
		run:   runRedSlip,
	}
}

const redslipUsage = `usage: kaipiaoctl redslip request --of NUMBER [--amount A | --lines FILE] --reason R [--request-id ID]
       kaipiaoctl redslip list [--incoming]
       kaipiaoctl redslip show|confirm|refuse|withdraw SLIP`

func runRedSlip(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, redslipUsage)
		return exitUsage
	}
	switch args[0] {
	case "request":
		return redslipRequest(e, args[1:])
	case "list":
		return redslipList(e, args[1:])
	case "show", upload.SlipConfirm, upload.SlipRefuse, upload.SlipWithdraw:
		return redslipAnswer(e, args[0], args[1:])
	}
	fmt.Fprintf(e.stderr, "kaipiaoctl redslip: unknown sub-command %q\n%s\n", args[0], redslipUsage)
	return exitUsage
}

// slipClient checks the caller's credentials and makes the client for the platform of
// --platform (or the one saved in the data folder) with the enterprise's keys.
func slipClient(e *env) (*upload.SlipClient, error) {
	db, err := openStore(e)
	if err != nil {
		return nil, err
	}
	conn, err := db.Connection()
	db.Close()
	if err != nil {
		return nil, err
	}
	url := e.platform
	if url == "" {
		url = conn.Platform
	}
	if url == "" {
		return nil, fmt.Errorf("no platform: give --platform URL (or KAIPIAO_PLATFORM); slips live on the platform")
	}
	return workstation.SlipClient(e.data, url)
}

// slipRefusal prints a platform refusal for the clerk (exit 1) or another failure (2).
func slipRefusal(e *env, what string, err error) int {
	var pe *upload.PermanentError
	if errors.As(err, &pe) {
		fmt.Fprintf(e.stderr, "kaipiaoctl %s: refused: %s\n", what, pe.Reason)
		return exitRefused
	}
	fmt.Fprintf(e.stderr, "kaipiaoctl %s: %v\n", what, err)
	return exitUsage
}

func redslipRequest(e *env, args []string) int {
	fs := flag.NewFlagSet("redslip request", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	of := fs.String("of", "", "the blue invoice: its 20-digit number (or CODE:NUMBER)")
	amount := fs.String("amount", "", "reverse this amount before tax (yuan), from the goods lines in order")
	linesFile := fs.String("lines", "", `JSON file of the lines to reverse: [{"line": 1, "quantity": "2"}, ...]`)
	reason := fs.String("reason", "", "开票有误, 销货退回, 服务中止 or 销售折让 (or 1-4)")
	id := fs.String("request-id", "", "the request's ID; by default derived from the request, so a repeat finds the slip made before")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *of == "" || *reason == "" {
		fmt.Fprintln(e.stderr, redslipUsage)
		return exitUsage
	}
	req := upload.SlipRequest{Of: *of, Amount: *amount, Reason: *reason, RequestID: *id}
	if *linesFile != "" {
		data, err := os.ReadFile(*linesFile)
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl redslip request: %v\n", err)
			return exitUsage
		}
		if err := json.Unmarshal(data, &req.Lines); err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl redslip request: %s: %v\n", *linesFile, err)
			return exitRefused
		}
	}
	if req.RequestID == "" {
		req.RequestID = slipRequestID(req)
	}
	c, err := slipClient(e)
	if err != nil {
		return refusal(e, "redslip request", err)
	}
	s, err := c.Request(context.Background(), req)
	if err != nil {
		return slipRefusal(e, "redslip request", err)
	}
	writeJSON(e.stdout, slipLine(s), false)
	return exitOK
}

// slipRequestID derives a request's ID from what it asks, so that running the same
// command again (after a lost answer, say) finds the slip made the first time instead of
// making a second one. A second, identical slip needs its own --request-id.
func slipRequestID(r upload.SlipRequest) string {
	raw, _ := json.Marshal(r)
	sum := sha256.Sum256(raw)
	return "SLIP-" + hex.EncodeToString(sum[:10])
}

// slipJSON is one line of `redslip` output (docs/cli.md): the slip without the red
// invoice the platform expects (`redslip show` prints the slip whole).
type slipJSON struct {
	Slip        string                   `json:"slip"`
	Of          string                   `json:"of"`
	State       string                   `json:"state"`
	StateText   string                   `json:"state_text"`
	StartedBy   string                   `json:"started_by"`
	Reason      string                   `json:"reason"`
	Amount      string                   `json:"amount"`
	Tax         string                   `json:"tax"`
	Total       string                   `json:"total"`
	Lines       []invoice.RedLineRequest `json:"lines"`
	SellerTaxID string                   `json:"seller_tax_id"`
	SellerName  string                   `json:"seller_name"`
	BuyerTaxID  string                   `json:"buyer_tax_id"`
	BuyerName   string                   `json:"buyer_name"`
	CreatedAt   string                   `json:"created_at"`
	Deadline    string                   `json:"deadline"`
	RedNumber   string                   `json:"red_number"`
}

func slipLine(s *upload.Slip) slipJSON {
	return slipJSON{Slip: s.Number, Of: s.BlueName(), State: s.State, StateText: s.StateText, StartedBy: s.Initiator,
		Reason: s.Reason, Amount: s.Amount, Tax: s.Tax, Total: s.Total, Lines: s.Lines,
		SellerTaxID: s.SellerTaxID, SellerName: s.SellerName, BuyerTaxID: s.BuyerTaxID, BuyerName: s.BuyerName,
		CreatedAt: s.CreatedAt.Format(time.RFC3339), Deadline: s.Deadline.Format(time.RFC3339), RedNumber: s.RedNumber}
}

func redslipList(e *env, args []string) int {
	fs := flag.NewFlagSet("redslip list", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	incoming := fs.Bool("incoming", false, "the slips the other party started (to confirm or refuse); without it, those this enterprise started")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		fmt.Fprintln(e.stderr, redslipUsage)
		return exitUsage
	}
	c, err := slipClient(e)
	if err != nil {
		return refusal(e, "redslip list", err)
	}
	slips, err := c.List(context.Background(), *incoming)
	if err != nil {
		return slipRefusal(e, "redslip list", err)
	}
	for i := range slips {
		writeJSON(e.stdout, slipLine(&slips[i]), false)
	}
	return exitOK
}

func redslipAnswer(e *env, action string, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(e.stderr, redslipUsage)
		return exitUsage
	}
	number := args[0]
	if !upload.ValidSlipNumber(number) {
		fmt.Fprintf(e.stderr, "kaipiaoctl redslip %s: %s\n", action, invoice.NewProblem(nil, "slip.number", invoice.Args{"value": invoice.Quote(number)}, nil))
		return exitUsage
	}
	c, err := slipClient(e)
	if err != nil {
		return refusal(e, "redslip "+action, err)
	}
	ctx := context.Background()
	var s *upload.Slip
	if action == "show" {
		s, err = c.Get(ctx, number)
	} else {
		s, err = c.Answer(ctx, number, action)
	}
	if err != nil {
		return slipRefusal(e, "redslip "+action, err)
	}
	if action == "show" {
		writeJSON(e.stdout, struct {
			slipJSON
			Red json.RawMessage `json:"red"`
		}{slipLine(s), s.Red}, false)
		return exitOK
	}
	writeJSON(e.stdout, slipLine(s), false)
	return exitOK
}
