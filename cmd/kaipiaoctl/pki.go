package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/workstation"
)

// pkiDir is the workstation's PKI folder inside --data.
const pkiDir = workstation.PKIDir

func init() {
	commands["pki"] = command{
		usage: "pki init DIR | pki enterprise DIR --tax-id ID --name NAME | pki show | pki import --name enterprise|enterprise-tls|seal|device --cert F --key F",
		brief: "make a demo PKI (platform's part in DIR, the workstation's in --data), show certificates, import real ones",
		run:   runPKI,
	}
}

func runPKI(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "usage: kaipiaoctl pki init DIR | pki show | pki import --name enterprise --cert FILE --key FILE")
		return exitUsage
	}
	switch args[0] {
	case "init":
		return pkiInit(e, args[1:])
	case "show":
		return pkiShow(e)
	case "import":
		return pkiImport(e, args[1:])
	case "enterprise":
		return pkiEnterprise(e, args[1:])
	}
	fmt.Fprintf(e.stderr, "kaipiaoctl pki: unknown sub-command %q\n", args[0])
	return exitUsage
}

// pkiInit makes a demo set for the device this workstation drives: the device's machine
// number and the enterprise's tax ID come from the device itself. The device's own
// certificate (the built-in simulator's is self-signed) is registered with the platform,
// which then verifies its seals; a CA-issued device identity is installed beside it for
// when the simulator is started with one.
func pkiInit(e *env, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(e.stderr, "usage: kaipiaoctl pki init DIR   (DIR: the platform's --pki folder)")
		return exitUsage
	}
	dir := args[0]
	if err := checkRole(e); err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl pki init: %v\n", err)
		return exitUsage
	}
	ctx := context.Background()
	client, closeDevice, err := connectDevice(ctx, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl pki init: %v\n", err)
		return exitUsage
	}
	defer closeDevice()
	files, err := workstation.DemoPKI(ctx, client, e.data, dir)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl pki init: %v\n", err)
		return exitUsage
	}
	for _, f := range files {
		writeJSON(e.stdout, map[string]string{"file": f}, false)
	}
	fmt.Fprintf(e.stderr, "demo PKI for the device at %s; keys encrypted with the demo passphrase unless %s was set; see `kaipiaoctl pki show`\n",
		e.device, pki.PassphraseEnv)
	return exitOK
}

// certJSON is one line of `pki show`.
type certJSON struct {
	File        string `json:"file"`
	Subject     string `json:"subject"`
	SerialName  string `json:"serial_name,omitempty"`
	NotAfter    string `json:"not_after"`
	Expired     bool   `json:"expired"`
	ExpiresSoon bool   `json:"expires_soon"`
}

func pkiShow(e *env) int {
	dir := filepath.Join(e.data, pkiDir)
	matches, _ := filepath.Glob(filepath.Join(dir, "*.crt"))
	if len(matches) == 0 {
		fmt.Fprintf(e.stderr, "kaipiaoctl pki show: no certificates in %s; run `kaipiaoctl pki init DIR` or `pki import`\n", dir)
		return exitUsage
	}
	now := time.Now()
	for _, m := range matches {
		c, err := pki.ReadCert(m)
		if err != nil {
			fmt.Fprintf(e.stderr, "kaipiaoctl pki show: %v\n", err)
			return exitUsage
		}
		writeJSON(e.stdout, certJSON{File: m, Subject: c.Subject.CommonName, SerialName: c.Subject.SerialNumber,
			NotAfter: c.NotAfter.Format(time.RFC3339), Expired: errors.Is(pki.CheckValidity(c, now), pki.ErrExpired),
			ExpiresSoon: pki.ExpiresSoon(c, now)}, false)
	}
	return exitOK
}

// pkiImport installs a real certificate and key (PEM) in --data/pki, the key encrypted
// with KAIPIAO_KEY_PASSPHRASE; KAIPIAO_IMPORT_PASSPHRASE opens an encrypted source key.
func pkiImport(e *env, args []string) int {
	fs := flag.NewFlagSet("pki import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	name := fs.String("name", pki.FileEnterprise, "which identity: enterprise, enterprise-tls (the TLS client certificate), seal (signs the PDFs) or device")
	certFile := fs.String("cert", "", "the certificate, PEM or DER")
	keyFile := fs.String("key", "", "its private key, PEM (PKCS#8, encrypted or not, or SEC 1)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *certFile == "" || *keyFile == "" {
		fmt.Fprintln(e.stderr, "usage: kaipiaoctl pki import --name enterprise|enterprise-tls|seal|device --cert FILE --key FILE")
		return exitUsage
	}
	if err := checkRole(e); err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl pki import: %v\n", err)
		return exitUsage
	}
	files, err := workstation.ImportPKI(e.data, *name, *certFile, *keyFile, []byte(os.Getenv("KAIPIAO_IMPORT_PASSPHRASE")))
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl pki import: %v\n", err)
		return exitUsage
	}
	for _, f := range files {
		writeJSON(e.stdout, map[string]string{"file": f}, false)
	}
	return exitOK
}

// pkiEnterprise issues another enterprise's certificates under the demo PKI whose
// platform part is in DIR and installs them in --data: a second workstation (the buyer
// of a confirmation slip, say) that talks to the same platform.
func pkiEnterprise(e *env, args []string) int {
	const use = "usage: kaipiaoctl --data DIR2 pki enterprise DIR --tax-id ID --name NAME   (DIR: the platform's --pki folder)"
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, use)
		return exitUsage
	}
	dir := args[0]
	fs := flag.NewFlagSet("pki enterprise", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	taxID := fs.String("tax-id", "", "the enterprise's 统一社会信用代码 (its certificates' serialNumber)")
	name := fs.String("name", "", "the enterprise's name")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 0 || *taxID == "" || *name == "" {
		fmt.Fprintln(e.stderr, use)
		return exitUsage
	}
	if err := checkRole(e); err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl pki enterprise: %v\n", err)
		return exitUsage
	}
	pass, err := pki.Passphrase(dir)
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl pki enterprise: %v\n", err)
		return exitUsage
	}
	files, err := pki.AddEnterprise(dir, filepath.Join(e.data, pkiDir), *taxID, *name, pass, time.Now())
	if err != nil {
		fmt.Fprintf(e.stderr, "kaipiaoctl pki enterprise: %v\n", err)
		return exitUsage
	}
	for _, f := range files {
		writeJSON(e.stdout, map[string]string{"file": f}, false)
	}
	return exitOK
}
