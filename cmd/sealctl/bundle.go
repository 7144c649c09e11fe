package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"text/tabwriter"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/security"
)

// Export for a colleague (docs/team.md, bundles): `cert export-bundle`
// and `pgp export-bundle` write the helpdesk's key under a passphrase of
// its own to a file (-o) and/or the team folder (--to-team); the
// colleague imports a file with `cert key FILE --passphrase-file F` or
// `pgp import FILE --passphrase-file F`, and a team bundle with `bundle
// import UID --passphrase-file F`.

const bundleUsage = `bundle list [--account NAME] [--json]        bundles left in the team folder for a colleague
       bundle import UID --passphrase-file F [--account NAME] [--json]`

const exportBundleArgs = "FINGERPRINT --passphrase-file F [--to-team [--account NAME]] [-o FILE]"

func runCertExportBundle(e *env, args []string) error {
	return runExportBundle(e, "cert export-bundle", args, e.security().Certificates.ExportBundle)
}

func runPGPExportBundle(e *env, args []string) error {
	return runExportBundle(e, "pgp export-bundle", args, e.security().PGPKeys.ExportBundle)
}

type bundleExporter func(ctx context.Context, fingerprint string, passphrase []byte) (security.Bundle, error)

func runExportBundle(e *env, name string, args []string, export bundleExporter) error {
	fs := e.flags(name, exportBundleArgs)
	passFile := fs.String("passphrase-file", "", fmt.Sprintf("file whose first line is the bundle's passphrase (at least %d characters; tell it to the colleague by phone, not by mail)", security.MinBundlePassphrase))
	toTeam := fs.Bool("to-team", false, "leave the bundle in the account's team folder")
	account := fs.String("account", "", "with --to-team: the account (default: the only one)")
	outFile := fs.String("o", "", "write the bundle to FILE (.p12 or .asc)")
	fp, err := e.fingerprintCommand(fs, name, args)
	if err != nil {
		return err
	}
	if *passFile == "" {
		return usageError{msg: name + " needs --passphrase-file F: a bundle is only ever written encrypted"}
	}
	if !*toTeam && *outFile == "" {
		return usageError{msg: name + " needs -o FILE, --to-team, or both"}
	}
	if *account != "" && !*toTeam {
		return usageError{msg: "--account is for --to-team"}
	}
	pass, err := readPassphrase(*passFile)
	if err != nil {
		return err
	}
	defer keystore.Zero(pass)
	b, err := export(e.ctx, fp, pass)
	if err != nil {
		return err
	}
	if *outFile != "" {
		if err := os.WriteFile(*outFile, b.Data, 0o600); err != nil {
			return ioError{fmt.Errorf("cannot write %s: %w", *outFile, err)}
		}
		fmt.Fprintf(e.stdout, "wrote the %s bundle of %s to %s\n", b.Format, b.Fingerprint, *outFile)
	}
	if *toTeam {
		tb, err := e.mailbox().PublishBundle(e.ctx, *account, b, mailbox.TeamOptions{})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "left the %s bundle of %s in the team folder (UID %d): the colleague runs `sealctl bundle import %d --passphrase-file F`\n",
			tb.Format, tb.Fingerprint, tb.UID, tb.UID)
	}
	return nil
}

// runBundle dispatches `sealctl bundle list|import`.
func runBundle(e *env, args []string) error {
	return dispatch(e, "bundle", bundleUsage, map[string]func(*env, []string) error{
		"list":   runBundleList,
		"import": runBundleImport,
	}, args)
}

func runBundleList(e *env, args []string) error {
	fs := e.flags("bundle list", "[--account NAME] [--json]")
	account := fs.String("account", "", "the account (default: the only one)")
	asJSON := fs.Bool("json", false, "print the bundles as JSON")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{msg: "bundle list takes no arguments"}
	}
	list, err := e.mailbox().TeamBundles(e.ctx, *account, mailbox.TeamOptions{})
	if err != nil {
		return err
	}
	if *asJSON {
		return e.printJSON(list)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "UID\tFORMAT\tKEY\tFINGERPRINT\tFROM\tSTATUS")
	for _, b := range list {
		status := "waiting for you to import with the passphrase"
		if b.Imported {
			status = "imported"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", b.UID, b.Format, b.Label, b.Fingerprint, b.Agent, status)
	}
	return tw.Flush()
}

func runBundleImport(e *env, args []string) error {
	fs := e.flags("bundle import", "UID --passphrase-file F [--account NAME] [--json]")
	passFile := fs.String("passphrase-file", "", "file whose first line is the passphrase the colleague told you")
	account := fs.String("account", "", "the account (default: the only one)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{msg: "bundle import needs the bundle's UID (see `sealctl bundle list`)"}
	}
	uid, err := strconv.ParseUint(pos[0], 10, 32)
	if err != nil || uid == 0 {
		return usageError{msg: fmt.Sprintf("bundle import: %q is not a UID", pos[0])}
	}
	if *passFile == "" {
		return usageError{msg: "bundle import needs --passphrase-file F"}
	}
	pass, err := readPassphrase(*passFile)
	if err != nil {
		return err
	}
	defer keystore.Zero(pass)
	res, err := e.mailbox().ImportTeamBundle(e.ctx, *account, uint32(uid), pass, mailbox.TeamOptions{})
	if err != nil {
		return err
	}
	if *asJSON {
		return e.printJSON(res)
	}
	fmt.Fprintf(e.stdout, "imported the %s bundle of %s (%s) into this keychain\n", res.Bundle.Format, res.Bundle.Fingerprint, res.Bundle.Label)
	return nil
}
