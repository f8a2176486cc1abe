package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/kaipiao/kaipiao/device"
)

func init() {
	commands["device"] = command{
		usage: "device status|report|clear|ports",
		brief: "the tax-control device: status (identity, stock, offline counters, locks), monthly report (抄报), clear (清卡); ports lists the serial ports",
		run:   runDevice,
	}
}

func runDevice(e *env, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(e.stderr, "usage: kaipiaoctl device status|report|clear|ports")
		return exitUsage
	}
	if args[0] == "ports" {
		return devicePorts(e)
	}
	var do func(ctx context.Context, c *device.Client) (any, error)
	switch args[0] {
	case "status":
		do = func(ctx context.Context, c *device.Client) (any, error) { return deviceStatus(ctx, c) }
	case "report":
		do = deviceReport
	case "clear":
		do = deviceClear
	default:
		fmt.Fprintf(e.stderr, "kaipiaoctl: unknown device command %q; use status, report, clear or ports\n", args[0])
		return exitUsage
	}
	pin := os.Getenv("KAIPIAO_DEVICE_PIN")
	if pin == "" {
		pin = device.DialerOf(e.device).DefaultPIN
	}
	if pin == "" && args[0] != "status" {
		fmt.Fprintf(e.stderr, "kaipiaoctl: device %s needs the device PIN: set KAIPIAO_DEVICE_PIN\n", args[0])
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, closeAll, err := connectDevice(ctx, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl: %v\n", err)
		return exitUsage
	}
	defer closeAll()
	if args[0] != "status" {
		err = client.VerifyPIN(ctx, pin)
	}
	var out any
	if err == nil {
		out, err = do(ctx, client)
	}
	if err != nil {
		var de *device.Error
		if errors.As(err, &de) {
			fmt.Fprintf(e.stderr, "kaipiaoctl: %s (%v)\n", de.Message(), err)
			return exitRefused
		}
		fmt.Fprintf(e.stderr, "kaipiaoctl: device %s: %v\n", args[0], err)
		return exitUsage
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
	return exitOK
}

// devicePorts prints the system's serial ports, one JSON line each: the name to give
// --device (COM3, /dev/ttyUSB0), the stable by-id name where there is one, and the USB
// identity. It needs no device.
func devicePorts(e *env) int {
	ports, err := device.ListPorts()
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl: %v\n", err)
		return exitUsage
	}
	enc := json.NewEncoder(e.stdout)
	for _, p := range ports {
		_ = enc.Encode(p)
	}
	return exitOK
}

// reportJSON is what `device report` prints.
type reportJSON struct {
	Period    string `json:"period"`
	Count     int    `json:"count"`
	RedCount  int    `json:"red_count"`
	Amount    string `json:"amount"`
	Tax       string `json:"tax"`
	RedAmount string `json:"red_amount"`
	RedTax    string `json:"red_tax"`
	First     uint64 `json:"first_counter"`
	Last      uint64 `json:"last_counter"`
}

// deviceReport makes the open period's 抄报. Its request ID names the period, so running
// it again prints the same report instead of making another.
func deviceReport(ctx context.Context, c *device.Client) (any, error) {
	st, err := c.Status(ctx)
	if err != nil {
		return nil, err
	}
	r, err := c.Report(ctx, "kaipiaoctl-report-"+st.Period, st.Period)
	if err != nil {
		return nil, err
	}
	return reportJSON{Period: r.Period, Count: r.Count, RedCount: r.RedCount, Amount: r.Amount.String(), Tax: r.Tax.String(),
		RedAmount: r.RedAmount.String(), RedTax: r.RedTax.String(), First: r.First, Last: r.Last}, nil
}

// deviceClear closes the reported period (清卡) and prints the status after.
func deviceClear(ctx context.Context, c *device.Client) (any, error) {
	st, err := c.Status(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := c.Clear(ctx, "kaipiaoctl-clear-"+st.Period, st.Period); err != nil {
		return nil, err
	}
	return deviceStatus(ctx, c)
}

type lockJSON struct {
	Code    uint16 `json:"code"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

type rollJSON struct {
	Type      string `json:"type"` // e-ordinary or e-special: each type has its own rolls
	Code      string `json:"code"`
	Start     string `json:"start"`
	Count     uint32 `json:"count"`
	Remaining uint32 `json:"remaining"`
	Next      string `json:"next,omitempty"`
}

// statusJSON is what `device status` prints. Money is a string with two decimals.
type nextJSON struct {
	Type   string `json:"type"`
	Code   string `json:"code"`
	Number string `json:"number"`
}

type statusJSON struct {
	Machine     string `json:"machine"`
	SellerTaxID string `json:"seller_tax_id"`
	BootID      string `json:"boot_id"`
	Clock       string `json:"clock"`
	Period      string `json:"period"`
	Reported    bool   `json:"reported"`
	Issued      uint64 `json:"issued"`
	NextCode    string `json:"next_code,omitempty"`
	NextNumber  string `json:"next_number,omitempty"`
	PIN         struct {
		Locked    bool `json:"locked"`
		TriesLeft int  `json:"tries_left"`
	} `json:"pin"`
	// Next is, per invoice type with stock, the code and number its next invoice takes.
	Next  []nextJSON `json:"next"`
	Stock []rollJSON `json:"stock"`
	// Unopened is each type's stock not yet opened into rolls (numbers bought, code and
	// numbers assigned as its rolls open): with the rolls' remaining, the whole stock.
	Unopened map[string]uint32 `json:"unopened"`
	Offline  struct {
		HoursLimit      int    `json:"hours_limit"`
		AmountLimit     string `json:"amount_limit"`
		Pending         int    `json:"pending"`
		PendingAmount   string `json:"pending_amount"`
		OldestPending   string `json:"oldest_pending,omitempty"`
		UploadedThrough uint64 `json:"uploaded_through"`
		DeadlineDay     int    `json:"deadline_day"`
	} `json:"offline"`
	Limits struct {
		InvoiceLimit     string `json:"invoice_limit"`
		LineTaxTolerance string `json:"line_tax_tolerance"`
		RemarkBytes      int    `json:"remark_bytes"`
	} `json:"limits"`
	Locked bool       `json:"locked"`
	Locks  []lockJSON `json:"locks"`
}

func deviceStatus(ctx context.Context, c *device.Client) (*statusJSON, error) {
	st, err := c.Status(ctx)
	if err != nil {
		return nil, err
	}
	rolls, err := c.Stock(ctx)
	if err != nil {
		return nil, err
	}
	off, err := c.Offline(ctx)
	if err != nil {
		return nil, err
	}
	caps, err := c.Caps(ctx)
	if err != nil {
		return nil, err
	}
	out := &statusJSON{
		Machine: st.Machine, SellerTaxID: st.SellerTaxID, BootID: hex.EncodeToString(st.BootID[:]),
		Clock: st.Clock.Format(time.RFC3339), Period: st.Period, Reported: st.Reported, Issued: st.Issued,
		NextCode: st.NextCode, NextNumber: st.NextNumber, Stock: []rollJSON{}, Unopened: map[string]uint32{},
		Locks: []lockJSON{},
	}
	out.PIN.Locked, out.PIN.TriesLeft = st.PINLocked, st.PINTriesLeft
	out.Next = []nextJSON{}
	for _, n := range st.Next {
		out.Next = append(out.Next, nextJSON{Type: string(n.Kind), Code: n.Code, Number: n.Number})
	}
	for _, r := range rolls {
		if r.Unopened() {
			out.Unopened[string(r.Kind())] += r.Remaining
			continue
		}
		rj := rollJSON{Type: string(r.Kind()), Code: r.Code, Start: fmt.Sprintf("%08d", r.Start), Count: r.Count, Remaining: r.Remaining}
		if r.Remaining > 0 {
			rj.Next = r.Next()
		}
		out.Stock = append(out.Stock, rj)
	}
	o := &out.Offline
	o.HoursLimit, o.AmountLimit, o.Pending = off.HoursLimit, off.AmountLimit.String(), off.Pending
	o.PendingAmount, o.UploadedThrough, o.DeadlineDay = off.PendingAmount.String(), off.UploadedThrough, off.DeadlineDay
	if !off.OldestPending.IsZero() {
		o.OldestPending = off.OldestPending.Format(time.RFC3339)
	}
	out.Limits.InvoiceLimit = caps.Limits.InvoiceLimit.String()
	out.Limits.LineTaxTolerance = caps.Limits.LineTaxTolerance.String()
	out.Limits.RemarkBytes = caps.Limits.RemarkBytes
	for _, l := range st.Locks {
		out.Locks = append(out.Locks, lockJSON{Code: uint16(l), Reason: l.Error(), Message: l.Message()})
	}
	out.Locked = len(out.Locks) > 0
	return out, nil
}
