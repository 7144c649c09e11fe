package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/security"
)

// inspectJSON is the stable `inspect --json` object.
type inspectJSON struct {
	Subject  string         `json:"subject"`
	From     string         `json:"from"`
	Security verdict.Result `json:"security"`
	Text     string         `json:"text"`
}

// runInspect processes one message as an incoming article (stored, logged)
// and prints the outcome. It exits 0 whatever the security outcome: a
// failed signature is a finding, not a failure of the command.
func runInspect(e *env, args []string) error {
	fs := e.flags("inspect", "[--json] [--at TIME] FILE.eml")
	asJSON := fs.Bool("json", false, "print one JSON object")
	atFlag := fs.String("at", "", "judge certificate validity as of this time (RFC 3339), not now")
	files, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usageError{msg: "inspect needs exactly one FILE.eml"}
	}
	var at time.Time
	if *atFlag != "" {
		if at, err = time.Parse(time.RFC3339, *atFlag); err != nil {
			return usageError{msg: "--at wants an RFC 3339 time such as 2026-02-01T00:00:00Z: " + err.Error()}
		}
	}
	raw, err := readMail(files[0])
	if err != nil {
		return err
	}
	in, err := e.security().Processing.Inspect(e.ctx, raw, security.InspectOptions{At: at})
	if errors.Is(err, smime.ErrNotMessage) {
		return ioError{fmt.Errorf("%s is not an e-mail message (RFC 5322)", files[0])}
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return e.printJSON(inspectJSON{Subject: in.Subject, From: in.From, Security: in.Security, Text: in.Text})
	}
	printInspection(e, in)
	return nil
}

func printInspection(e *env, in security.Inspection) {
	r := in.Security
	w := e.stdout
	fmt.Fprintf(w, "Subject:   %s\nFrom:      %s\n", in.Subject, in.From)
	switch {
	case !r.Signed:
		fmt.Fprintln(w, "Signed:    no")
	case r.Sign.Success:
		fmt.Fprintf(w, "Signed:    yes, valid, by %s\n", signers(r.Sign.Signers))
	default:
		by := ""
		if len(r.Sign.Signers) > 0 {
			by = ", by " + signers(r.Sign.Signers)
		}
		fmt.Fprintf(w, "Signed:    yes%s, NOT VALID: %s\n", by, r.Sign.Comment)
		if r.Sign.Reason != "" {
			fmt.Fprintf(w, "Reason:    %s\n", r.Sign.Reason)
		}
	}
	printSender(w, r.Sender)
	switch {
	case !r.Encrypted:
		fmt.Fprintln(w, "Encrypted: no")
	case r.Encryption.Success:
		fmt.Fprintf(w, "Encrypted: yes, decrypted (%s)\n", r.Encryption.Algorithm)
	default:
		fmt.Fprintf(w, "Encrypted: yes, NOT DECRYPTED: %s\n", r.Encryption.Comment)
		if r.Encryption.Failure != "" {
			fmt.Fprintf(w, "Failure:   %s\n", r.Encryption.Failure)
		}
	}
	if r.Signed && r.Sign.Success && r.Sign.Comment != "" {
		fmt.Fprintf(w, "           %s\n", r.Sign.Comment)
	}
	if o := r.OuterSignature; o != nil {
		// Never "Signed": it covers the ciphertext, not the text.
		state := "valid"
		if !o.Sign.Success {
			state = "not valid"
		}
		fmt.Fprintf(w, "Outer:     %s signature, %s, by %s: %s\n", o.Type, state, signers(o.Sign.Signers), verdict.OuterSignatureNote)
	}
	if r.Type != verdict.TechNone {
		fmt.Fprintf(w, "Type:      %s\n", r.Type)
	}
	if r.Repaired != "" {
		fmt.Fprintf(w, "Repaired:  %s (read as the sender sent it)\n", r.Repaired)
	}
	for _, wn := range security.Warnings(r) {
		fmt.Fprintf(w, "Warning:   %s. %s\n", wn.Title, wn.Fix)
	}
	for _, k := range in.Pending {
		change := ""
		switch {
		case k.KeyChange:
			change = ", a KEY CHANGE for " + k.Address
		case k.Finding != "" && k.Finding != "sender":
			change = ", not proven the sender's (" + k.Finding + ")"
		}
		fmt.Fprintf(w, "Found key: %s %s%s: sealctl pending accept %d (or reject %d)\n", k.Technology, describePending(k), change, k.ID, k.ID)
	}
	fmt.Fprintf(w, "\n%s\n", strings.TrimRight(in.Text, "\r\n"))
}

// printSender shows where a reply would go when that is not the sender,
// and an internationalized From domain in its ASCII form: legitimate, but
// to be read beside the seal.
func printSender(w io.Writer, s *verdict.Sender) {
	if s == nil {
		return
	}
	if len(s.ReplyTo) > 0 {
		fmt.Fprintf(w, "Reply-To:  %s (a reply goes there, not to the sender)\n", strings.Join(s.ReplyTo, ", "))
	}
	if s.Agent != "" {
		fmt.Fprintf(w, "Sender:    %s (sent it on behalf of From)\n", s.Agent)
	}
	if s.ASCII != "" {
		fmt.Fprintf(w, "From ASCII: %s (international domain: check that it is the one you expect)\n", s.ASCII)
	}
}

func signers(list []verdict.Signer) string {
	var out []string
	for _, s := range list {
		who := s.Subject
		if len(s.Emails) > 0 {
			who = strings.Join(s.Emails, ", ") + " (" + s.Subject + ")"
		}
		out = append(out, who)
	}
	if len(out) == 0 {
		return "an unknown signer"
	}
	return strings.Join(out, "; ")
}
