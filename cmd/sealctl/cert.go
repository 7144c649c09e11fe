package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/security"
)

const certUsage = `cert import FILE...                         certificates: PEM (many blocks), DER, PKCS#7
       cert key FILE [--passphrase-file F]         a private key (PEM forms, encrypted PKCS#8) or PKCS#12
       cert list [--json]
       cert trust [--off] FINGERPRINT              trust a contact's certificate for its own addresses (not as a CA)
       cert delete FINGERPRINT
       cert export FINGERPRINT [--private --passphrase-file F]
       cert export-bundle ` + exportBundleArgs + `
                                                   for a colleague: PKCS#12 (AES-256, PBKDF2, SHA-256 MAC)`

var certCommands = map[string]func(e *env, args []string) error{
	"import":        runCertImport,
	"key":           runCertKey,
	"list":          runCertList,
	"trust":         runCertTrust,
	"delete":        runCertDelete,
	"export":        runCertExport,
	"export-bundle": runCertExportBundle,
}

// runCert dispatches `sealctl cert SUBCOMMAND`.
func runCert(e *env, args []string) error {
	return dispatch(e, "cert", certUsage, certCommands, args)
}

// runCertImport imports the certificates of every file in one
// transaction: a file that cannot be read or parsed leaves the store as it
// was, so a provisioning script can fix it and run the same line again
// (what is already present is skipped).
func runCertImport(e *env, args []string) error {
	fs := e.flags("cert import", "FILE...")
	files, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageError{msg: "cert import needs at least one FILE"}
	}
	inputs, err := readInputs(files)
	if err != nil {
		return err
	}
	res, err := e.security().Certificates.Import(e.ctx, inputs...)
	if err != nil {
		return err
	}
	printImport(e, res)
	return nil
}

func printImport(e *env, res security.ImportResult) {
	for _, c := range res.Imported {
		fmt.Fprintf(e.stdout, "imported %s\n", security.Describe(c))
	}
	for _, c := range res.Skipped {
		fmt.Fprintf(e.stdout, "skipped, already imported: %s\n", security.Describe(c))
	}
	for _, fp := range res.Keys {
		fmt.Fprintf(e.stdout, "stored the private key of %s in the keychain\n", security.FormatFingerprint(fp))
	}
	printRecheck(e, res.Rechecked, res.RecheckError)
}

// printRecheck reports the re-run of failed articles after an import.
func printRecheck(e *env, changed int, errText string) {
	if changed > 0 {
		fmt.Fprintf(e.stdout, "re-checked stored articles: %d changed\n", changed)
	}
	if errText != "" {
		fmt.Fprintln(e.stderr, "sealctl: imported, but re-checking the stored articles failed: "+errText)
	}
}

// readInputs reads every input file of an import, named for its errors.
func readInputs(files []string) ([]security.Input, error) {
	var inputs []security.Input
	for _, f := range files {
		data, err := readInput(f)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, security.Input{Name: f, Data: data})
	}
	return inputs, nil
}

func runCertKey(e *env, args []string) error {
	fs := e.flags("cert key", "FILE [--passphrase-file F]")
	passFile := fs.String("passphrase-file", "", "file whose first line is the passphrase of an encrypted key or PKCS#12 file")
	files, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usageError{msg: "cert key needs exactly one FILE"}
	}
	data, err := readInput(files[0])
	if err != nil {
		return err
	}
	var pass []byte
	if *passFile != "" {
		if pass, err = readPassphrase(*passFile); err != nil {
			return err
		}
		defer keystore.Zero(pass)
	}
	res, err := e.security().Certificates.ImportKey(e.ctx, data, pass)
	switch {
	case errors.Is(err, smime.ErrPassphraseRequired):
		return fmt.Errorf("%s is protected by a passphrase: pass --passphrase-file F (a file holding the passphrase)", files[0])
	case err != nil:
		return fmt.Errorf("%s: %w", files[0], err)
	}
	printImport(e, res)
	return nil
}

func runCertList(e *env, args []string) error {
	asJSON, err := e.listFlags("cert list", args)
	if err != nil {
		return err
	}
	list, err := e.security().Certificates.List(e.ctx)
	if err != nil {
		return err
	}
	return printList(e, asJSON, list, "no certificates imported", "FINGERPRINT\tSUBJECT\tEMAILS\tEXPIRES\tNOTES",
		func(c security.Certificate) []string {
			return []string{c.Fingerprint[:16], c.Subject, strings.Join(c.Emails, ", "),
				strings.SplitN(c.NotAfter, "T", 2)[0], strings.Join(notes(c), ", ")}
		})
}

// printList prints a list for scripts (--json, always an array) or for
// people: a table with one row per item, or a line saying it is empty.
func printList[T any](e *env, asJSON bool, list []T, empty, header string, row func(T) []string) error {
	if asJSON {
		if list == nil {
			list = []T{}
		}
		return e.printJSON(list)
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, empty)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, item := range list {
		fmt.Fprintln(tw, strings.Join(row(item), "\t"))
	}
	return tw.Flush()
}

func notes(c security.Certificate) []string {
	var n []string
	switch {
	case c.TrustedDirectly:
		n = append(n, "trusted directly")
	case c.IsCA:
		n = append(n, "CA")
	}
	if c.HasPrivate {
		n = append(n, "private key")
	}
	switch {
	case c.Expired:
		n = append(n, "expired")
	case c.NotYetValid:
		n = append(n, "not yet valid")
	case c.ExpiresSoon:
		n = append(n, "expires within 30 days")
	}
	return n
}

// listFlags parses the flags of a list command: --json and no arguments.
func (e *env) listFlags(cmd string, args []string) (asJSON bool, err error) {
	fs := e.flags(cmd, "[--json]")
	j := fs.Bool("json", false, "print the list as a JSON array")
	if err := e.parse(fs, args); err != nil {
		return false, err
	}
	if fs.NArg() > 0 {
		return false, usageError{msg: cmd + " takes no arguments"}
	}
	return *j, nil
}

// fingerprintCommand parses a command whose one argument is a FINGERPRINT,
// with the flags already declared on fs.
func (e *env) fingerprintCommand(fs *flag.FlagSet, cmd string, args []string) (string, error) {
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return "", err
	}
	return fingerprintArg(pos, cmd)
}

// fingerprintArg takes the one FINGERPRINT argument; a malformed one is a
// usage error, an unknown one exit 4 (store.ErrNotFound).
func fingerprintArg(pos []string, cmd string) (string, error) {
	if len(pos) != 1 {
		return "", usageError{msg: cmd + " needs exactly one FINGERPRINT"}
	}
	if _, err := security.NormalizeFingerprint(pos[0]); err != nil {
		return "", usageError{msg: err.Error()}
	}
	return pos[0], nil
}

// runCertTrust trusts a certificate for the addresses it names, without
// its CA and never as one; --off takes that back.
func runCertTrust(e *env, args []string) error {
	fs := e.flags("cert trust", "[--off] FINGERPRINT")
	off := fs.Bool("off", false, "stop trusting the certificate directly")
	fp, err := e.fingerprintCommand(fs, "cert trust", args)
	if err != nil {
		return err
	}
	res, err := e.security().Certificates.TrustDirectly(e.ctx, fp, !*off)
	if err != nil {
		return err
	}
	if *off {
		fmt.Fprintf(e.stdout, "no longer trusted directly: %s\n", security.Describe(res.Certificate))
	} else {
		fmt.Fprintf(e.stdout, "trusted directly for %s: %s\n", strings.Join(res.Certificate.Emails, ", "), security.Describe(res.Certificate))
	}
	printRecheck(e, res.Rechecked, res.RecheckError)
	return nil
}

func runCertDelete(e *env, args []string) error {
	fp, err := e.fingerprintCommand(e.flags("cert delete", "FINGERPRINT"), "cert delete", args)
	if err != nil {
		return err
	}
	c, err := e.security().Certificates.Delete(e.ctx, fp)
	if err != nil {
		return err
	}
	what := "the certificate"
	if c.HasPrivate {
		what += " and its private key"
	}
	fmt.Fprintf(e.stdout, "deleted %s %s\n", what, security.Describe(c))
	return nil
}

func runCertExport(e *env, args []string) error {
	fs := e.flags("cert export", "FINGERPRINT [--private --passphrase-file F]")
	private := fs.Bool("private", false, "export the private key, encrypted (PKCS#8, AES-256) under the passphrase")
	passFile := fs.String("passphrase-file", "", "with --private: file whose first line is the passphrase to encrypt the key with")
	fp, err := e.fingerprintCommand(fs, "cert export", args)
	if err != nil {
		return err
	}
	svc := e.security()
	if !*private {
		if *passFile != "" {
			return usageError{msg: "--passphrase-file is for --private"}
		}
		out, err := svc.Certificates.Export(e.ctx, fp)
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(out)
		return err
	}
	if *passFile == "" {
		return usageError{msg: "--private needs --passphrase-file F: the key is only exported encrypted"}
	}
	pass, err := readPassphrase(*passFile)
	if err != nil {
		return err
	}
	defer keystore.Zero(pass)
	out, err := svc.Certificates.ExportPrivateKey(e.ctx, fp, pass)
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(out)
	return err
}
