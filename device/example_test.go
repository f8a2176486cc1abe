package device_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/device/sim"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/shopspring/decimal"
)

// Issuing one invoice on a simulated device over a pseudo-terminal, the way the engine
// does: ask for the next number, issue with a request ID, and on an unknown outcome
// resolve by request ID.
func Example() {
	dir, _ := os.MkdirTemp("", "kaipiao-example")
	defer os.RemoveAll(dir)
	clock := &sim.Clock{}
	clock.Set(time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC))
	running, err := sim.StartPTY(sim.Config{StatePath: filepath.Join(dir, "device.db"), Clock: clock}, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer running.Close()

	ctx := context.Background()
	c, err := device.Dial(ctx, device.SerialConfig{Path: running.PTY.Path}, device.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	if err := c.VerifyPIN(ctx, sim.DefaultPIN); err != nil {
		fmt.Println(err)
		return
	}
	code, number, _ := c.NextNumber(ctx)
	inv := invoice.Invoice{Kind: invoice.KindOrdinary, Buyer: invoice.Party{Name: "北京某某科技有限公司"},
		Lines: []invoice.Line{{Name: "软件服务", TaxCode: "3040201010000000000", ShortName: "信息技术服务",
			Quantity: decimal.NewFromInt(1), UnitPrice: decimal.NewFromInt(1000), Amount: 100000, Rate: invoice.Rate6, Tax: 6000}}}
	req := device.IssueRequest{RequestID: "ORD-1", ExpectedCode: code, ExpectedNumber: number, Invoice: inv}
	issued, err := c.Issue(ctx, req)
	if err != nil {
		var unknown interface{ OutcomeUnknown() bool }
		if errors.As(err, &unknown) {
			got, found, qerr := c.IssuedFor(ctx, req.RequestID)
			fmt.Println("resolved:", got.Number, found, qerr)
		}
		return
	}
	fmt.Println(issued.Code, issued.Number, len(issued.CheckCode), len(issued.Cipher))
	// Output: 035022600111 00000001 20 108
}
