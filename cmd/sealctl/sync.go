package main

import (
	"errors"
	"fmt"
	"io"
	gosync "sync"
	"time"

	"github.com/sealdesk/sealdesk/mail/sync"
	"github.com/sealdesk/sealdesk/mailbox"
)

// runSync mirrors the accounts (or one) into the store, threads new mail
// into tickets and runs the security engines over it. With --once it makes
// one pass and exits; without, it keeps syncing with IDLE until
// interrupted. Progress goes to stderr, the summary to stdout.
func runSync(e *env, args []string) error {
	fs := e.flags("sync", "[--account NAME] [--once]")
	account := fs.String("account", "", "sync only this account (default: all)")
	once := fs.Bool("once", false, "one pass, then exit (default: keep syncing with IDLE until interrupted)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{msg: "sync takes no arguments besides its flags"}
	}
	names := []string{*account}
	if *account == "" {
		list, err := e.mailbox().Accounts(e.ctx)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return mailbox.ErrNoAccount
		}
		names = names[:0]
		for _, a := range list {
			names = append(names, a.Name)
		}
	}
	opt := mailbox.SyncOptions{Reporter: &progress{w: e.stderr}}
	if !*once {
		if *account != "" {
			return e.mailbox().Run(e.ctx, *account, opt)
		}
		return e.mailbox().RunAll(e.ctx, opt)
	}
	var errs []error
	for _, name := range names {
		opt.Reporter = &progress{w: e.stderr, account: name}
		sum, err := e.mailbox().SyncOnce(e.ctx, name, opt)
		printSummary(e.stdout, sum, e.agentNames())
		if err != nil {
			errs = append(errs, fmt.Errorf("account %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

func printSummary(w io.Writer, s mailbox.Summary, names map[string]string) {
	flags, expunged := 0, 0
	for _, st := range s.Stats {
		flags += st.Flags
		expunged += st.Expunged
	}
	fmt.Fprintf(w, "%s: %d new, %d flag changes, %d expunged in %d folders; %d processed, %d failed (kept, retried next sync)\n",
		s.Account, s.New(), flags, expunged, len(s.Stats), s.Processed, s.Failed)
	if t := s.Team; t != nil {
		fmt.Fprintf(w, "%s: team: %d records read, %d written", s.Account, t.Read, t.Written)
		if t.Reset {
			fmt.Fprint(w, "; the team folder was lost and is restored")
		}
		if s.TeamError != "" {
			fmt.Fprintf(w, "; not finished (%s): retried next sync, nothing queued is lost", s.TeamError)
		}
		fmt.Fprintln(w)
		for _, sk := range t.Skipped {
			fmt.Fprintf(w, "%s: team: UID %d ignored: %s\n", s.Account, sk.UID, sk.Reason)
		}
		for _, c := range t.Conflicts {
			fmt.Fprintf(w, "%s: team: %s\n", s.Account, conflictSentence(c, names, time.Now()))
		}
		if t.Keys != nil {
			// A key held here that a team member removed: kept, and said.
			for _, r := range t.Keys.Removed {
				fmt.Fprintf(w, "%s: team: %s: %s\n", s.Account, r.Label, r.Note)
			}
		}
	}
}

// progress prints the engine's events for a person. Batches arrive every
// few hundred milliseconds at most, so nothing is throttled here.
type progress struct {
	mu      gosync.Mutex
	w       io.Writer
	account string
}

func (p *progress) Report(ev sync.Event) {
	var line string
	switch ev := ev.(type) {
	case sync.Connected:
		line = "connected to " + ev.Addr
	case sync.Progress:
		line = fmt.Sprintf("%s: %d/%d new messages saved", ev.Mailbox, ev.Done, ev.Total)
		if ev.Rate > 0 {
			line += fmt.Sprintf(" (%.0f/s, about %s left)", ev.Rate, ev.Remaining.Round(time.Second))
		}
	case sync.MailboxSynced:
		st := ev.Stats
		line = fmt.Sprintf("%s: %d new, %d flag changes, %d expunged (%s)", st.Mailbox, st.New, st.Flags, st.Expunged, st.Duration.Round(time.Millisecond))
	case sync.UIDValidityChanged:
		line = fmt.Sprintf("%s: the server renumbered the folder (UIDVALIDITY %d -> %d); matching what is stored, nothing is duplicated", ev.Mailbox, ev.Old, ev.New)
	case sync.ProcessFailed:
		line = fmt.Sprintf("%s UID %d <%s>: security processing failed: %v (the message is saved; it is processed again on the next sync)", ev.Mailbox, ev.UID, ev.MessageID, ev.Err)
	case sync.Disconnected:
		line = fmt.Sprintf("connection lost: %v; retrying in %s (attempt %d)", ev.Err, ev.RetryIn.Round(time.Millisecond), ev.Attempt)
	case sync.Idle:
		line = "up to date; waiting for new mail in " + ev.Mailbox
	default:
		return
	}
	if p.account != "" {
		line = p.account + ": " + line
	}
	p.mu.Lock()
	fmt.Fprintln(p.w, line)
	p.mu.Unlock()
}
