package main

import (
	"fmt"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/security"
)

// runSeal signs and/or encrypts a plain outgoing message and writes it to
// stdout, as S/MIME or as PGP/MIME.
func runSeal(e *env, args []string) error {
	fs := e.flags("seal", "--type smime|pgp [--sign] [--encrypt] FILE.eml")
	typ := fs.String("type", "", "the technology: smime or pgp")
	sign := fs.Bool("sign", false, "sign with our certificate or key for the From address")
	encrypt := fs.Bool("encrypt", false, "encrypt to To, Cc, Bcc and the sender")
	files, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	tech, terr := verdict.ParseTechnology(*typ)
	switch {
	case len(files) != 1:
		return usageError{msg: "seal needs exactly one FILE.eml"}
	case terr != nil || tech == verdict.TechNone:
		return usageError{msg: "seal needs --type smime or --type pgp"}
	case !*sign && !*encrypt:
		return usageError{msg: "seal needs --sign, --encrypt or both"}
	}
	raw, err := readMail(files[0])
	if err != nil {
		return err
	}
	req := security.SealRequest{Raw: raw, Sign: *sign, Encrypt: *encrypt, Technology: tech}
	out, err := e.security().Sealing.Seal(e.ctx, req)
	if err != nil {
		return fmt.Errorf("%s: %w", files[0], err)
	}
	_, err = e.stdout.Write(out)
	return err
}
