package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/workstation"
)

func init() {
	commands["operator"] = command{
		usage: "operator list | add NAME --role admin|clerk | token NAME [--label L] | revoke NAME",
		brief: "the workstation's operators and their API tokens (administrators only, but for the first one)",
		run:   runOperator,
	}
}

// checkRole opens the store only to check the caller's credentials for e.need, for
// commands that change things without the store (pki).
func checkRole(e *env) error {
	db, err := openStore(e)
	if err != nil {
		return err
	}
	return db.Close()
}

func runOperator(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintf(e.stderr, "usage: kaipiaoctl %s\n", commands["operator"].usage)
		return exitUsage
	}
	e.need = store.RoleAdmin
	if args[0] == "list" {
		e.need = ""
	}
	db, err := workstation.OpenStore(e.data)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl operator: %v\n", err)
		return exitUsage
	}
	defer db.Close()
	first, err := db.HasOperators()
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl operator: %v\n", err)
		return exitUsage
	}
	first = !first
	// Setting up the first administrator needs no credentials: there is nobody yet.
	if !(first && args[0] == "add") {
		if err := authenticate(e, db); err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl operator: %v\n", err)
			return exitUsage
		}
	}
	switch args[0] {
	case "list":
		ops, err := db.Operators()
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl operator list: %v\n", err)
			return exitUsage
		}
		for _, op := range ops {
			writeJSON(e.stdout, map[string]any{"name": op.Name, "role": op.Role, "disabled": op.Disabled}, false)
		}
		return exitOK
	case "add":
		return operatorAdd(e, db, args[1:], first)
	case "token", "revoke":
		fs := flag.NewFlagSet("operator "+args[0], flag.ContinueOnError)
		fs.SetOutput(e.stderr)
		label := fs.String("label", "", "what the token is for (a script's name)")
		if len(args) < 2 {
			fmt.Fprintf(e.stderr, "usage: kaipiaoctl operator %s NAME\n", args[0])
			return exitUsage
		}
		if err := fs.Parse(args[2:]); err != nil {
			return exitUsage
		}
		if args[0] == "revoke" {
			if err := db.RevokeTokens(args[1], e.operator); err != nil {
				fmt.Fprintf(e.stderr, "kaipiaoctl operator revoke: %v\n", err)
				return exitRefused
			}
			writeJSON(e.stdout, map[string]string{"operator": args[1], "tokens": "revoked"}, true)
			return exitOK
		}
		tok, err := db.CreateToken(args[1], *label, e.operator)
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl operator token: %v\n", err)
			return exitRefused
		}
		writeJSON(e.stdout, map[string]string{"operator": args[1], "token": tok}, true)
		fmt.Fprintf(e.stderr, "the token is shown once: keep it where the script runs (%s); `operator revoke %s` withdraws it\n", envToken, args[1])
		return exitOK
	}
	fmt.Fprintf(e.stderr, "kaipiaoctl operator: unknown sub-command %q\n", args[0])
	return exitUsage
}

// operatorAdd creates an operator; the password comes from KAIPIAO_NEW_PASSWORD or the
// first line of standard input, never from the command line (which others can see).
func operatorAdd(e *env, db *store.DB, args []string, first bool) int {
	if len(args) < 1 {
		fmt.Fprintln(e.stderr, "usage: kaipiaoctl operator add NAME --role admin|clerk   (password: KAIPIAO_NEW_PASSWORD or standard input)")
		return exitUsage
	}
	fs := flag.NewFlagSet("operator add", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	role := fs.String("role", string(store.RoleClerk), "admin or clerk")
	if err := fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	if first && store.Role(*role) != store.RoleAdmin {
		fmt.Fprintln(e.stderr, "kaipiaoctl operator add: the first operator must be an administrator (--role admin)")
		return exitUsage
	}
	pass := os.Getenv("KAIPIAO_NEW_PASSWORD")
	if pass == "" {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			fmt.Fprintln(e.stderr, "kaipiaoctl operator add: give the password in KAIPIAO_NEW_PASSWORD or on standard input")
			return exitUsage
		}
		pass = strings.TrimRight(line, "\r\n")
	}
	by := e.operator
	if first {
		by = "setup"
	}
	if err := db.CreateOperator(args[0], store.Role(*role), pass, by); err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl operator add: %v\n", err)
		return exitRefused
	}
	writeJSON(e.stdout, map[string]string{"name": args[0], "role": *role}, true)
	return exitOK
}
