package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"github.com/kaipiao/kaipiao/ui"
	"github.com/kaipiao/kaipiao/workstation"
)

// latencyBudget is the acceptance's bound on the event loop's 99th-percentile wait while a
// batch is issued.
const latencyBudget = 100 * time.Millisecond

// selfTestLatency is the hidden --selftest-latency N: on a fresh data folder with the
// built-in simulator it opens the real window, imports N orders into the inbox and issues
// them as one batch, while a goroutine posts a callback with fyne.Do every 10 ms and
// records how long each waited for the event loop. It prints the percentiles and returns
// the exit status: 1 when the 99th percentile is over latencyBudget. The test driver has
// no event loop, so this runs under the GL driver (scripts/gui-latency.sh, under Xvfb).
func selfTestLatency(n int) int {
	data, err := os.MkdirTemp("", "kaipiao-latency-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "selftest:", err)
		return 2
	}
	defer os.RemoveAll(data)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	ws, err := workstation.Open(ctx, workstation.Config{Data: data, Device: builtInDevice, Operator: "selftest"}, true)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "selftest:", err)
		return 2
	}
	defer ws.Close()

	a := app.NewWithID("com.kaipiao.selftest")
	w := a.NewWindow("开票 Kaipiao — latency self-test")
	w.Resize(fyne.NewSize(1280, 820))
	screens := ui.ForService(workstation.NewService(ws), builtInDevice)
	screens.Role = workstation.RoleAdmin
	u := ui.New(w, screens)

	var (
		mu      sync.Mutex
		waits   []time.Duration
		begun   = make(chan struct{}) // the batch started: the samples count from here
		stop    = make(chan struct{})
		status  = 1
		started time.Time
	)
	go func() {
		time.Sleep(2 * time.Second) // the first frames
		fyne.Do(func() {
			u.ShowInbox()
			if err := u.ImportOrders("latency.csv", latencyOrders(n)); err != nil {
				fmt.Fprintln(os.Stderr, "selftest: import:", err)
				a.Quit()
			}
		})
		// As a clerk would, look at the imported orders before issuing them: the first
		// drawing of 500 rows belongs to the import, not to the batch.
		time.Sleep(time.Second)
		fyne.Do(func() {
			started = time.Now()
			if !u.IssueInbox(func() { close(stop) }) {
				fmt.Fprintln(os.Stderr, "selftest: the batch did not start")
				a.Quit()
				return
			}
			close(begun)
		})
		<-begun
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				fyne.Do(func() {
					issued, _ := ws.Store.Count()
					status = report(waits, issued, n, time.Since(started))
					a.Quit()
				})
				return
			case <-tick.C:
				posted := time.Now()
				fyne.Do(func() {
					mu.Lock()
					waits = append(waits, time.Since(posted))
					mu.Unlock()
				})
			}
		}
	}()
	w.ShowAndRun()
	return status
}

// report prints the waits' percentiles and whether the batch and the bound held.
func report(waits []time.Duration, issued, n int, took time.Duration) int {
	if len(waits) == 0 {
		fmt.Fprintln(os.Stderr, "selftest: no samples")
		return 1
	}
	slices.Sort(waits)
	pct := func(p float64) time.Duration { return waits[min(len(waits)-1, int(p*float64(len(waits))))] }
	p99 := pct(0.99)
	fmt.Printf("latency: %d invoices in %s; %d samples; event-loop wait p50 %s, p99 %s, max %s (budget p99 ≤ %s)\n",
		issued, took.Round(time.Millisecond), len(waits), pct(0.5).Round(time.Microsecond),
		p99.Round(time.Microsecond), waits[len(waits)-1].Round(time.Microsecond), latencyBudget)
	switch {
	case issued != n:
		fmt.Fprintf(os.Stderr, "selftest: %d of %d orders issued\n", issued, n)
		return 1
	case p99 > latencyBudget:
		fmt.Fprintln(os.Stderr, "selftest: the window was not responsive during the batch")
		return 1
	}
	return 0
}

// latencyOrders is a CSV of n one-line orders.
func latencyOrders(n int) []byte {
	var b strings.Builder
	b.WriteString("order_id,buyer_name,name,tax_code,amount,tax_rate\n")
	for i := range n {
		fmt.Fprintf(&b, "LAT-%04d,厦门示例科技有限公司,软件开发服务,3040201010000000000,100.00,0.06\n", i)
	}
	return []byte(b.String())
}
