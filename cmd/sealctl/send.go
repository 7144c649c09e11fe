package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/store"
)

// runSend sends one message through the account's submission server: the
// outbox is flushed first (earlier messages whose retry is due), then the
// message is sealed as asked, queued and submitted, and its copy saved in
// Sent. A message that could not be sent stays in the outbox (exit 1).
func runSend(e *env, args []string) error {
	fs := e.flags("send", "FILE.eml [--account NAME] [--defaults] [--sign] [--encrypt] [--type smime|pgp]")
	account := fs.String("account", "", "the account to send from (default: the only one)")
	sign := fs.Bool("sign", false, "sign with our certificate or key for the From address")
	encrypt := fs.Bool("encrypt", false, "encrypt to To, Cc, Bcc and the sender")
	typ := fs.String("type", "", "smime or pgp (default: the technology of the group of the From address, else smime)")
	defaults := fs.Bool("defaults", false, "sign, encrypt and pick the technology as the composer does for the group of the From address; --sign, --encrypt and --type override")
	files, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	tech, terr := verdict.ParseTechnology(*typ)
	switch {
	case len(files) != 1:
		return usageError{msg: "send needs exactly one FILE.eml"}
	case terr != nil:
		return usageError{msg: "send: --type must be smime or pgp"}
	}
	raw, err := readMail(files[0])
	if err != nil {
		return err
	}
	if *defaults {
		if tech, *sign, *encrypt, err = e.composerDefaults(raw, given, *sign, *encrypt, tech); err != nil {
			return fmt.Errorf("%s: %w", files[0], err)
		}
	}
	mb := e.mailbox()
	// Earlier messages first; their failures do not stop this one.
	sum, flushErr := mb.FlushOutbox(e.ctx)
	for _, r := range sum.Results {
		if r.Status == store.OutboxSent {
			fmt.Fprintf(e.stdout, "outbox: sent <%s> (queued earlier)\n", r.MessageID)
		}
	}
	if flushErr != nil {
		fmt.Fprintf(e.stderr, "sealctl: outbox: %v\n", flushErr)
	}
	res, err := mb.Send(e.ctx, mailbox.SendInput{Account: *account, Raw: raw, Sign: *sign, Encrypt: *encrypt, Technology: tech.Short()})
	if errors.Is(err, mailbox.ErrAccountNeeded) {
		return fmt.Errorf("%w; use --account NAME", err)
	}
	if res.OutboxID == 0 {
		if err != nil {
			return fmt.Errorf("%s: %w (nothing was queued)", files[0], err)
		}
		return nil
	}
	fmt.Fprintf(e.stdout, "queued <%s> in the outbox (item %d, account %s)\n", res.MessageID, res.OutboxID, res.Account)
	if res.Signed {
		fmt.Fprintf(e.stdout, "signed as %s (%s)\n", res.SignedAs, res.Technology)
	}
	if res.Encrypted {
		fmt.Fprintf(e.stdout, "encrypted (%s) to %s and the sender\n", res.Technology, strings.Join(res.Recipients, ", "))
	}
	if err != nil {
		return err // a *mailbox.NotSentError: it says the message stays in the outbox
	}
	fmt.Fprintf(e.stdout, "sent <%s> to %s\n", res.MessageID, strings.Join(res.Recipients, ", "))
	if res.SentFolder != "" {
		fmt.Fprintf(e.stdout, "copy saved in %s\n", res.SentFolder)
	} else {
		fmt.Fprintf(e.stdout, "copy not saved in Sent: %s\n", res.SentCopyError)
	}
	return nil
}
