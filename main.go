// Command kaipiao is the Kaipiao workstation: the desktop window in which a finance clerk
// issues VAT electronic invoices through the tax-control device. It wires the store, the
// device and the engine (package workstation) to the screens (package ui), and is the
// only importer of fyne.io/fyne/v2/app.
//
// Build with -tags migrated_fynedo: the screens update widgets from goroutines through
// fyne.Do.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/digital"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/mail"
	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/ui"
	"github.com/kaipiao/kaipiao/upload"
	"github.com/kaipiao/kaipiao/workstation"
)

// windowTitle is the main window's title; a second start finds the first by it.
const windowTitle = "开票 Kaipiao"

func main() {
	data := flag.String("data", workstation.DataDir(), "the workstation's data folder")
	dev := flag.String("device", "", "sim, or a serial port path with optional ?baud=N (default: as saved in the settings, else sim)")
	platform := flag.String("platform", "", "the service platform's base URL (default: as saved in the settings; none: invoices stay queued)")
	dark := flag.Bool("dark", false, "the dark theme")
	light := flag.Bool("light", false, "the light theme (default: the system's)")
	language := flag.String("lang", firstOf(os.Getenv("KAIPIAO_LANG"), "zh"), "the screens' language: zh (Chinese) or en (English)")
	selftest := flag.Int("selftest-latency", 0, "")       // for scripts/gui-latency.sh; not in -help
	nodevice := flag.Bool("selftest-nodevice", false, "") // for scripts/gui-nodevice.sh; not in -help
	flag.Usage = usage
	flag.Parse()
	if *selftest > 0 {
		if err := ui.SetLanguage(*language); err != nil {
			fmt.Fprintf(os.Stderr, "kaipiao: translations: %v\n", err)
		}
		os.Exit(selfTestLatency(*selftest))
	}

	a := app.NewWithID("com.kaipiao.workstation")
	a.SetIcon(fyne.NewStaticResource("kaipiao.png", assets.Icon()))
	a.Settings().SetTheme(ui.NewTheme(*dark, *light))
	w := a.NewWindow(windowTitle)
	w.Resize(fyne.NewSize(1280, 820))
	if err := ui.SetLanguage(*language); err != nil {
		fmt.Fprintf(os.Stderr, "kaipiao: translations: %v\n", err)
	}
	msgLang = invoice.LangOf(*language)
	// The device and the platform: a flag, else what the first run or the settings
	// saved, else the environment, else the built-in simulator and no platform.
	saved, err := workstation.ReadConnection(*data)
	if err != nil {
		fatal(w, *data, err)
		return
	}
	*dev = firstOf(*dev, saved.Device, os.Getenv("KAIPIAO_DEVICE"), builtInDevice)
	*platform = firstOf(*platform, saved.Platform, os.Getenv("KAIPIAO_PLATFORM"))

	var u *ui.UI
	// The window opens whether or not the device is there: the link's state goes to the
	// banner, and its watcher reconnects (and reconciles) without a restart.
	var ws *workstation.Workstation
	onLink := func(st workstation.LinkState) {
		fyne.Do(func() {
			if u != nil {
				u.SetLink(workstation.LinkView(st))
			}
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	ws, err = workstation.OpenWindow(ctx, workstation.Config{Data: *data, Device: *dev, PIN: os.Getenv("KAIPIAO_DEVICE_PIN"),
		Operator: "kaipiao" /* until someone logs in */, Log: os.Stderr}, onLink)
	cancel()
	if err != nil {
		fatal(w, *data, err)
		return
	}
	// Quitting — Ctrl+Q, the window's close, SIGTERM or SIGINT (Fyne's driver turns
	// those into a quit) — never hangs on the device port and always releases the data
	// folder: see shutdown.
	defer shutdown(ws, 3*time.Second)
	go watchdog(ws, 10*time.Second)

	svc := workstation.NewService(ws)
	screens := ui.ForService(svc, builtInDevice)
	screens.Platform = *platform
	var syncer *upload.Syncer // the platform's client: the sync, and the digital channel's fetch and return
	var syncErr error         // why there is none though a platform is set
	if *platform != "" {
		// Sync runs in the background while the window is open; each pass refreshes the
		// home screen.
		s, err := ws.Syncer(context.Background(), *data, *platform, os.Stderr, func(upload.Counts, error) {
			fyne.Do(func() {
				if u != nil {
					u.Refresh()
				}
			})
		})
		if err != nil {
			fmt.Fprintf(os.Stderr, "kaipiao: sync with %s is off: %v\n", *platform, err)
			syncErr = err
		} else {
			s.Start(context.Background(), 30*time.Second)
			defer s.Stop()
			syncer = s
			svc.AttachSync(s)
		}
	}
	wireDigital(screens, ws, *data, *platform, syncer, syncErr)
	// The buyers' PDFs go out by e-mail in the background once the mail server is set
	// (settings); each invoice's mail is queued when it is issued, retried on failure.
	mailCtx, stopMail := context.WithCancel(context.Background())
	defer stopMail()
	go mailLoop(mailCtx, &mail.Mailer{DB: ws.Store, Render: svc.RenderPDF, RenderOFD: svc.RenderOFD}, time.Minute)

	if *nodevice {
		driveNoDevice(a, w, ws, screens, func(built *ui.UI) { u = built })
		return
	}
	// First run sets up the administrator and the seller; then every session starts
	// with a log-in, and the screens open for that operator's role.
	ui.Start(w, screens, func(built *ui.UI) { u = built })
	w.ShowAndRun()
}

// usage is flag's usage without the self-test's flag, which is for scripts.
func usage() {
	out := flag.CommandLine.Output()
	fmt.Fprintf(out, "Usage of %s:\n", os.Args[0])
	flag.VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, "selftest-") {
			return
		}
		fmt.Fprintf(out, "  -%s\n    \t%s", f.Name, f.Usage)
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(out, " (default %q)", f.DefValue)
		}
		fmt.Fprintln(out)
	})
}

// firstOf returns the first non-empty string.
func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// mailLoop sends the due mails every interval until ctx ends. A pass that cannot run
// (no mail server set yet) waits for the next; each mail's own failure is on the mail.
func mailLoop(ctx context.Context, m *mail.Mailer, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.Once(ctx)
		}
	}
}

// shutdown closes the workstation: the device, then the store. A read blocked on the
// serial port can keep the port's Close from returning; after wait the store is closed
// anyway, so that the data folder's lock is released and the next start is not refused.
// Nothing is lost: an invoice the device issued but the store did not record is taken
// from the device's journal at the next start (reconciliation).
func shutdown(ws *workstation.Workstation, wait time.Duration) {
	closeWithin(ws.Close, func() { ws.Store.Close() }, wait)
}

// closeWithin runs closeAll, and closeStore instead when closeAll has not returned
// after wait; it reports whether closeAll finished in time.
func closeWithin(closeAll, closeStore func(), wait time.Duration) bool {
	done := make(chan struct{})
	go func() { closeAll(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(wait):
		fmt.Fprintf(os.Stderr, "kaipiao: the device port did not close within %v; closing the data folder without it\n", wait)
		closeStore()
		return false
	}
}

// watchdog ends the program when a termination signal has not ended it in time: the
// window's quit runs on the UI's goroutine, which a stuck call could hold.
func watchdog(ws *workstation.Workstation, grace time.Duration) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	time.Sleep(grace)
	fmt.Fprintf(os.Stderr, "kaipiao: still running %v after the signal; closing the data folder and exiting\n", grace)
	ws.Store.Close()
	os.Exit(1)
}

// fatal shows an error that stops the program in the window itself, not only on
// stderr (a Windows build has none): the data folder unreadable, or open in another
// window. Closing the dialog or the window ends the program with status 2. On Windows a
// second start on an open data folder brings the open window forward instead and exits 0.
// msgLang is the language of the catalogue's messages this program shows itself (the
// start-up dialog); the screens have their own (ui.SetLanguage).
var msgLang = invoice.Chinese

func fatal(w fyne.Window, data string, err error) {
	fmt.Fprintf(os.Stderr, "kaipiao: %v\n", err)
	// One window at a time on a data folder: where the system lets us, bring the open
	// one forward and leave it at that.
	if errors.Is(err, workstation.ErrBusy) && bringForward(windowTitle) {
		fmt.Fprintln(os.Stderr, "kaipiao: brought the open window forward")
		os.Exit(0)
	}
	key := "startup.data"
	switch {
	case errors.Is(err, workstation.ErrBusy):
		key = "startup.busy"
	case errors.Is(err, store.ErrDamaged):
		key = "startup.damaged"
	case errors.Is(err, digital.ErrDamaged):
		key = "startup.digital_damaged"
	}
	msg := invoice.Say(msgLang, key, invoice.Args{"data": data, "data_q": fmt.Sprintf("%q", data), "err": err.Error()})
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	quit := func() { fyne.CurrentApp().Quit() }
	w.SetContent(container.NewCenter(widget.NewLabel("开票 Kaipiao")))
	d := dialog.NewCustom(invoice.Say(msgLang, "startup.title", nil), invoice.Say(msgLang, "startup.quit", nil),
		container.NewGridWrap(fyne.NewSize(640, 300), text), w)
	d.SetOnClosed(quit)
	w.SetOnClosed(quit)
	w.Resize(fyne.NewSize(760, 460))
	d.Show()
	w.ShowAndRun()
	os.Exit(2)
}
