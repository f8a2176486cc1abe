package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/ui"
	"github.com/kaipiao/kaipiao/workstation"
)

// driveNoDevice is the hidden --selftest-nodevice, for scripts/gui-nodevice.sh: the real
// window, opened as the program opens it (the device may be absent), logged in as an
// administrator, then driven by one command a line on stdin, answering one line each on
// stdout — so that the script can kill and restart the simulator under the running
// window and take screenshots between the steps:
//
//	wait connected|absent SECONDS  → ok STATE MS | timeout STATE
//	state                          → banner TEXT | can-issue BOOL
//	list                           → list N          (the invoice list's rows)
//	preview                        → preview BOOL    (the newest invoice's preview opened)
//	pdf PATH                       → pdf N | pdf-error MESSAGE
//	issue ID                       → issued CODE:NUMBER | issue-error MESSAGE
//	quit
func driveNoDevice(a fyne.App, w fyne.Window, ws *workstation.Workstation, screens *ui.Workstation, set func(*ui.UI)) {
	screens.Role = workstation.RoleAdmin
	u := ui.New(w, screens)
	set(u)
	onUI := func(f func()) {
		done := make(chan struct{})
		fyne.Do(func() { f(); close(done) })
		<-done
	}
	go func() {
		time.Sleep(time.Second) // the first frames
		in := bufio.NewScanner(os.Stdin)
		for in.Scan() {
			args := strings.Fields(in.Text())
			if len(args) == 0 {
				continue
			}
			switch args[0] {
			case "wait":
				want := args[1] == "connected"
				var secs float64
				fmt.Sscanf(args[2], "%g", &secs)
				start := time.Now()
				reached := false
				for time.Since(start) < time.Duration(secs*float64(time.Second)) {
					var can bool
					onUI(func() { can = u.CanIssue() })
					if can == want {
						reached = true
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
				if reached {
					fmt.Printf("ok %s %d\n", args[1], time.Since(start).Milliseconds())
				} else {
					fmt.Printf("timeout %s\n", args[1])
				}
			case "state":
				var banner string
				var can bool
				onUI(func() { banner, can = u.Banner(), u.CanIssue() })
				fmt.Printf("banner %s\ncan-issue %v\n", firstOf(banner, "-"), can)
			case "list":
				var n int
				onUI(func() { n = u.ListedInvoices() })
				fmt.Printf("list %d\n", n)
			case "preview":
				var ok bool
				onUI(func() { ok = u.PreviewFirst() })
				fmt.Printf("preview %v\n", ok)
			case "pdf":
				var n int
				var err error
				onUI(func() { n, err = u.ExportPDFs(args[1]) })
				if err != nil {
					fmt.Printf("pdf-error %v\n", err)
				} else {
					fmt.Printf("pdf %d\n", n)
				}
			case "issue":
				var can bool
				onUI(func() { can = u.CanIssue() })
				if !can {
					fmt.Println("issue-error the window does not offer issuing")
					break
				}
				o := &invoice.Order{OrderID: args[1], Buyer: invoice.OrderBuyer{Name: "厦门某某贸易有限公司"},
					Lines: []invoice.OrderLine{{Name: "技术服务费", TaxCode: "3040201010000000000", Quantity: "1",
						UnitPrice: "1000.00", TaxRate: "0.06"}}}
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				outs, err := screens.Service.Issue(ctx, o)
				cancel()
				if err != nil {
					fmt.Printf("issue-error %v\n", err)
				} else {
					fmt.Printf("issued %s:%s\n", outs[0].Invoice.Code, outs[0].Invoice.Number)
				}
				onUI(func() { u.ListedInvoices() })
			case "quit":
				fyne.Do(a.Quit)
				return
			default:
				fmt.Printf("unknown %s\n", args[0])
			}
		}
	}()
	w.ShowAndRun()
}
