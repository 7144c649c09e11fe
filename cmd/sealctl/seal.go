package main

import (
	"fmt"
	"strings"
)

// runSeal signs and/or encrypts a plain outgoing message and writes it to
// stdout. Only --type smime exists until the OpenPGP engine lands.
func runSeal(e *env, args []string) error {
	fs := e.flags("seal", "--type smime [--sign] [--encrypt] FILE.eml")
	typ := fs.String("type", "", "the technology: smime")
	sign := fs.Bool("sign", false, "sign with our certificate for the From address")
	encrypt := fs.Bool("encrypt", false, "encrypt to To, Cc, Bcc and the sender")
	files, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(files) != 1:
		return usageError{msg: "seal needs exactly one FILE.eml"}
	case strings.ToLower(*typ) != "smime":
		return usageError{msg: "seal needs --type smime (the only technology sealctl seals with yet)"}
	case !*sign && !*encrypt:
		return usageError{msg: "seal needs --sign, --encrypt or both"}
	}
	raw, err := readInput(files[0])
	if err != nil {
		return err
	}
	out, err := e.security().Seal(e.ctx, raw, *sign, *encrypt)
	if err != nil {
		return fmt.Errorf("%s: %w", files[0], err)
	}
	_, err = e.stdout.Write(out)
	return err
}
