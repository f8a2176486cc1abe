package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/kaipiao/kaipiao/store"
)

// The credentials a command that changes settings, operators or issues needs once the
// workstation has operators (docs/cli.md, "Operators"): an API token, or an operator's
// name and password. KAIPIAO_OPERATOR alone is a claim, not a credential.
const (
	envToken    = "KAIPIAO_TOKEN"
	envOperator = "KAIPIAO_OPERATOR"
	envPassword = "KAIPIAO_PASSWORD"
)

// errCredentials: the command needs an operator's credentials and got none that hold.
var errCredentials = errors.New("credentials needed")

// requiredRole is the role a command line needs: "" for commands that only read (or, like
// reconcile and sync, only carry out what was already decided).
func requiredRole(name string, args []string) store.Role {
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch {
	case name == "issue", name == "red", name == "print":
		return store.RoleClerk
	case name == "mail" && sub == "send", name == "buyers" && sub == "import", name == "goods" && sub == "import",
		name == "redslip" && sub != "list" && sub != "show", name == "digital" && (sub == "fetch" || sub == "return"):
		return store.RoleClerk
	case name == "seller" && sub == "set", name == "mail" && sub == "set", name == "mapping" && (sub == "save" || sub == "delete"),
		name == "pki" && (sub == "init" || sub == "import" || sub == "enterprise"):
		return store.RoleAdmin
	}
	return ""
}

// authenticate checks the caller's credentials against db when the command needs a role,
// and sets e.operator to the operator they prove. A workstation nobody has been set up
// on yet (no operators: its first run) takes commands as before, under KAIPIAO_OPERATOR
// or "kaipiaoctl"; `kaipiaoctl operator add` sets up the first administrator.
func authenticate(e *env, db *store.DB) error {
	e.operator = envOr(envOperator, "kaipiaoctl")
	if e.need == "" {
		return nil
	}
	has, err := db.HasOperators()
	if err != nil || !has {
		return err
	}
	op, err := credentials(db)
	if err != nil {
		return err
	}
	if e.need == store.RoleAdmin && op.Role != store.RoleAdmin {
		return fmt.Errorf("%w: %s is a %s; this needs an administrator", errCredentials, op.Name, op.Role)
	}
	e.operator = op.Name
	return nil
}

// credentials proves an operator from the environment: KAIPIAO_TOKEN, else
// KAIPIAO_OPERATOR with KAIPIAO_PASSWORD.
func credentials(db *store.DB) (store.Operator, error) {
	if tok := os.Getenv(envToken); tok != "" {
		op, err := db.AuthenticateToken(tok)
		if err != nil {
			return op, fmt.Errorf("%w: %s: %v", errCredentials, envToken, err)
		}
		return op, nil
	}
	name, pass := os.Getenv(envOperator), os.Getenv(envPassword)
	if name == "" || pass == "" {
		return store.Operator{}, fmt.Errorf("%w: set %s to an operator's API token (`kaipiaoctl operator token NAME`), or %s and %s",
			errCredentials, envToken, envOperator, envPassword)
	}
	op, err := db.Authenticate(name, pass)
	if err != nil {
		return op, fmt.Errorf("%w: %s: %v", errCredentials, name, err)
	}
	return op, nil
}
