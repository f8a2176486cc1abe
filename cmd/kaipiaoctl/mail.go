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

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/mail"
	"github.com/kaipiao/kaipiao/workstation"
)

func init() {
	commands["mail"] = command{
		usage: "mail [--once] | mail settings ... | mail queue CODE:NUMBER [--to ADDR]",
		brief: "e-mail the PDFs of issued invoices to their buyers (SMTP with STARTTLS), retrying like the sync",
		run:   runMail,
	}
}

func runMail(e *env, args []string) int {
	if len(args) > 0 && args[0] == "settings" {
		return mailSettings(e, args[1:])
	}
	if len(args) > 0 && args[0] == "queue" {
		return mailQueue(e, args[1:])
	}
	fs := flag.NewFlagSet("mail", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	once := fs.Bool("once", false, "send what is due once and exit")
	interval := fs.Duration("interval", 30*time.Second, "the pause between passes without --once")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	db, err := openStore(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl mail: %v\n", err)
		return exitUsage
	}
	defer db.Close()
	m := &mail.Mailer{DB: db, Render: func(inv *invoice.Invoice) ([]byte, error) {
		doc, _, err := workstation.RenderPDF(e.data, inv)
		return doc, err
	}}
	for {
		c, err := m.Once(ctx)
		writeJSON(e.stdout, c, false)
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl mail: %v\n", err)
			return exitUsage
		}
		if *once {
			if c.Failed > 0 || c.Retry > 0 {
				fmt.Fprintln(e.stderr, "kaipiaoctl mail: some mails were not delivered: see `kaipiaoctl mail queue` and each invoice's mail status")
				return exitRefused
			}
			return exitOK
		}
		select {
		case <-ctx.Done():
			return exitOK
		case <-time.After(*interval):
		}
	}
}

func mailSettings(e *env, args []string) int {
	svc, done, err := openStoreService(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl mail settings: %v\n", err)
		return exitUsage
	}
	defer done()
	s, err := svc.MailSettings()
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl mail settings: %v\n", err)
		return exitUsage
	}
	if len(args) == 0 {
		s.Password = strings.Repeat("*", min(len(s.Password), 8))
		writeJSON(e.stdout, s, true)
		return exitOK
	}
	fs := flag.NewFlagSet("mail settings", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&s.Host, "host", s.Host, "the SMTP server")
	fs.IntVar(&s.Port, "port", max(s.Port, 587), "its submission port")
	fs.StringVar(&s.Username, "user", s.Username, "the login; the password is read from KAIPIAO_SMTP_PASSWORD")
	fs.StringVar(&s.From, "from", s.From, "the sender, e.g. 开票 <invoices@example.com>")
	ca := fs.String("ca", "", "a PEM file of an extra certificate authority to trust")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return exitUsage
	}
	if pw := os.Getenv("KAIPIAO_SMTP_PASSWORD"); pw != "" {
		s.Password = pw
	}
	if *ca != "" {
		pem, err := os.ReadFile(*ca)
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl mail settings: %v\n", err)
			return exitUsage
		}
		s.CACertPEM = string(pem)
	}
	if err := svc.SetMailSettings(s); err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl mail settings: %v\n", err)
		return exitRefused
	}
	return exitOK
}

// mailQueue (re)queues an invoice's mail: a failed one after the clerk fixed the
// address, or a copy to another address.
func mailQueue(e *env, args []string) int {
	fs := flag.NewFlagSet("mail queue", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	to := fs.String("to", "", "the address; default the buyer's")
	var operand string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		operand, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil || operand == "" || fs.NArg() != 0 {
		fmt.Fprintln(e.stderr, "usage: kaipiaoctl mail queue CODE:NUMBER [--to ADDR]")
		return exitUsage
	}
	code, number, err := invoice.ParseRef(operand)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl mail queue: %v\n", err)
		return exitUsage
	}
	svc, done, err := openStoreService(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl mail queue: %v\n", err)
		return exitUsage
	}
	defer done()
	rec, err := svc.ByNumber(code, number)
	if errors.Is(err, workstation.ErrNotFound) {
		fmt.Fprintf(e.stderr, "kaipiaoctl mail queue: no invoice %s in %s\n", operand, e.data)
		return exitRefused
	}
	if err == nil {
		err = svc.QueueMail(rec.ID, *to)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl mail queue: %v\n", err)
		return exitRefused
	}
	st, _ := svc.MailStatusOf(rec.ID)
	writeJSON(e.stdout, st, false)
	return exitOK
}
