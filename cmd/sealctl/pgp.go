package main

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/security"
)

const pgpUsage = `pgp import FILE... [--passphrase-file F]   OpenPGP keys: armor or binary, public or secret, many per file
       pgp list [--json]
       pgp delete FINGERPRINT
       pgp export FINGERPRINT [--secret [--passphrase-file F]]  --secret: armored, protected by F's passphrase or the key's stored one
       pgp export-bundle ` + exportBundleArgs + `
                                                 for a colleague: the secret key under the bundle passphrase`

var pgpCommands = map[string]func(e *env, args []string) error{
	"import":        runPGPImport,
	"list":          runPGPList,
	"delete":        runPGPDelete,
	"export":        runPGPExport,
	"export-bundle": runPGPExportBundle,
}

// runPGP dispatches `sealctl pgp SUBCOMMAND`.
func runPGP(e *env, args []string) error {
	return dispatch(e, "pgp", pgpUsage, pgpCommands, args)
}

// dispatch runs one subcommand of a command with subcommands (cert, pgp,
// pending).
func dispatch(e *env, name, usage string, subs map[string]func(*env, []string) error, args []string) error {
	var names []string
	for n := range subs {
		names = append(names, n)
	}
	sort.Strings(names)
	list := strings.Join(names, ", ")
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stdout, "usage: sealctl [--data DIR] "+usage)
		if len(args) == 0 {
			return usageError{msg: name + " needs a subcommand: " + list}
		}
		return nil
	}
	sub, ok := subs[args[0]]
	if !ok {
		return usageError{msg: fmt.Sprintf("unknown %s subcommand %q (%s)", name, args[0], list)}
	}
	return sub(e, args[1:])
}

// runPGPImport imports the keys of every file at once: a file that cannot
// be read or parsed, or a wrong passphrase, leaves everything as it was.
// One passphrase serves every secret key of the run.
func runPGPImport(e *env, args []string) error {
	fs := e.flags("pgp import", "FILE... [--passphrase-file F]")
	passFile := fs.String("passphrase-file", "", "file whose first line is the passphrase of the secret keys")
	files, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageError{msg: "pgp import needs at least one FILE"}
	}
	inputs, err := readInputs(files)
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
	res, err := e.security().PGPKeys.Import(e.ctx, pass, inputs...)
	if errors.Is(err, security.ErrPGPPassphraseRequired) {
		return fmt.Errorf("%w: pass --passphrase-file F (a file holding the passphrase)", err)
	}
	if err != nil {
		return err
	}
	for _, k := range res.Imported {
		fmt.Fprintf(e.stdout, "imported %s\n", security.DescribePGP(k))
	}
	for _, m := range res.Merged {
		fmt.Fprintf(e.stdout, "already present, merged %s: %s\n", m.Added, security.DescribePGP(m.Key))
	}
	for _, k := range res.Unchanged {
		fmt.Fprintf(e.stdout, "already present, unchanged: %s\n", security.DescribePGP(k))
	}
	for _, fp := range res.Secret {
		what := "the secret key of %s and its passphrase"
		if slices.Contains(res.Unprotected, fp) {
			what = "the secret key of %s (it has no passphrase)"
		}
		fmt.Fprintf(e.stdout, "stored "+what+" in the keychain\n", security.FormatPGPFingerprint(fp))
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(e.stdout, "warning: "+w)
	}
	printRecheck(e, res.Rechecked, res.RecheckError)
	return nil
}

func runPGPList(e *env, args []string) error {
	asJSON, err := e.listFlags("pgp list", args)
	if err != nil {
		return err
	}
	list, err := e.security().PGPKeys.List(e.ctx)
	if err != nil {
		return err
	}
	return printList(e, asJSON, list, "no OpenPGP keys imported", "FINGERPRINT\tUSER ID\tALGORITHM\tEXPIRES\tNOTES",
		func(k security.PGPKey) []string {
			uid, expires := "", "never"
			if len(k.UserIDs) > 0 {
				uid = k.UserIDs[0]
			}
			if k.Expires != "" {
				expires = strings.SplitN(k.Expires, "T", 2)[0]
			}
			var notes []string
			if k.HasSecret {
				notes = append(notes, "secret key")
			}
			switch {
			case k.Revoked:
				notes = append(notes, "revoked")
			case k.Expired:
				notes = append(notes, "expired")
			case k.ExpiresSoon:
				notes = append(notes, "expires within 30 days")
			}
			return []string{k.Fingerprint[:16], uid, k.Algorithm, expires, strings.Join(notes, ", ")}
		})
}

func runPGPDelete(e *env, args []string) error {
	fp, err := e.fingerprintCommand(e.flags("pgp delete", "FINGERPRINT"), "pgp delete", args)
	if err != nil {
		return err
	}
	k, err := e.security().PGPKeys.Delete(e.ctx, fp)
	if err != nil {
		return err
	}
	what := "the key"
	if k.HasSecret {
		what += " with its secret key"
	}
	fmt.Fprintf(e.stdout, "deleted %s %s\n", what, security.DescribePGP(k))
	return nil
}

// runPGPExport writes the public key, or with --secret the secret key
// protected by its stored passphrase: the admin running it deliberately is
// the confirmation.
func runPGPExport(e *env, args []string) error {
	fs := e.flags("pgp export", "FINGERPRINT [--secret [--passphrase-file F]]")
	secret := fs.Bool("secret", false, "export the secret key, armored and protected by its stored passphrase")
	passFile := fs.String("passphrase-file", "", "with --secret: file whose first line is the passphrase to protect the key with (needed for a key imported without one)")
	fp, err := e.fingerprintCommand(fs, "pgp export", args)
	if err != nil {
		return err
	}
	if *passFile != "" && !*secret {
		return usageError{msg: "--passphrase-file is for --secret"}
	}
	var out []byte
	if *secret {
		var pass []byte
		if *passFile != "" {
			if pass, err = readPassphrase(*passFile); err != nil {
				return err
			}
			defer keystore.Zero(pass)
		}
		out, err = e.security().PGPKeys.ExportSecret(e.ctx, fp, pass)
	} else {
		out, err = e.security().PGPKeys.ExportPublic(e.ctx, fp)
	}
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(out)
	return err
}
