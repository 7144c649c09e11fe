package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	imapx "github.com/sealdesk/sealdesk/mail/imap"
)

// session is one logged-in connection and what it learned about the
// server.
type session struct {
	e         *Engine
	c         *imapx.Client
	pool      *pool
	condstore bool
	idle      bool
	// notify gets a token when the server pushes news about the selected
	// mailbox (EXISTS, EXPUNGE, FETCH).
	notify chan struct{}
}

// connect logs in and installs the handler for pushed data.
func (e *Engine) connect(ctx context.Context, p *pool) (*session, error) {
	s := &session{e: e, pool: p, notify: make(chan struct{}, 1)}
	poke := func() {
		select {
		case s.notify <- struct{}{}:
		default:
		}
	}
	cfg := e.cfg
	cfg.Unilateral = &imapclient.UnilateralDataHandler{
		Expunge: func(uint32) { poke() },
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				poke()
			}
		},
		Fetch: func(m *imapclient.FetchMessageData) {
			for m.Next() != nil {
			}
			poke()
		},
	}
	c, err := imapx.Connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s.c = c
	caps := c.Caps()
	s.condstore = caps.Has(goimap.CapCondStore)
	s.idle = caps.Has(goimap.CapIdle)
	e.report(Connected{Addr: cfg.Addr})
	return s, nil
}

// mailboxes resolves the folders to mirror: INBOX, Sent (by SPECIAL-USE,
// RFC 6154) and the configured extra folders, each once.
func (s *session) mailboxes(ctx context.Context) ([]string, error) {
	found, err := s.c.Mailboxes(ctx)
	if err != nil {
		return nil, fmt.Errorf("sync: %w", err)
	}
	var out []string
	if !s.e.opt.SkipInbox {
		out = append(out, found.Inbox)
	}
	if found.Sent != "" && !s.e.opt.SkipSent {
		out = append(out, found.Sent)
		if n, ok := s.e.store.(SentNoter); ok {
			if err := n.NoteSent(ctx, found.Sent); err != nil {
				return nil, fmt.Errorf("sync: %q: note as Sent: %w", found.Sent, err)
			}
		}
	}
	for _, want := range s.e.opt.Mailboxes {
		i := slices.IndexFunc(found.All, func(m imapx.Mailbox) bool { return m.Name == want })
		if i < 0 {
			return nil, fmt.Errorf("%w: %q (the server has %s)", ErrNoSuchFolder, want, names(found.All))
		}
		if !slices.Contains(out, want) && !(strings.EqualFold(want, "INBOX") && !s.e.opt.SkipInbox) {
			out = append(out, want)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: nothing to mirror (INBOX and Sent skipped, no other folder given)", ErrNoSuchFolder)
	}
	return out, nil
}

func names(ms []imapx.Mailbox) string {
	var l []string
	for _, m := range ms {
		l = append(l, fmt.Sprintf("%q", m.Name))
	}
	return strings.Join(l, ", ")
}

func (s *session) selectMailbox(ctx context.Context, mailbox string) (*goimap.SelectData, error) {
	stop := s.c.Guard(ctx)
	defer stop()
	// CONDSTORE on SELECT enables it for the session (RFC 7162 section
	// 3.1.8) and returns HIGHESTMODSEQ.
	sel, err := s.c.Raw().Select(mailbox, &goimap.SelectOptions{CondStore: s.condstore}).Wait()
	if err != nil {
		return nil, s.cmdErr(ctx, mailbox, "SELECT", err)
	}
	return sel, nil
}

// searchAll returns every UID of the selected mailbox, ascending.
func (s *session) searchAll(ctx context.Context, mailbox string) ([]uint32, error) {
	var opts *goimap.SearchOptions
	caps := s.c.Caps()
	if caps.Has(goimap.CapESearch) || caps.Has(goimap.CapIMAP4rev2) {
		// ESEARCH (RFC 4731) answers with ranges: "ALL 1:5000" instead of
		// five thousand numbers.
		opts = &goimap.SearchOptions{ReturnAll: true}
	}
	stop := s.c.Guard(ctx)
	defer stop()
	data, err := s.c.Raw().UIDSearch(&goimap.SearchCriteria{}, opts).Wait()
	if err != nil {
		return nil, s.cmdErr(ctx, mailbox, "UID SEARCH ALL", err)
	}
	set, _ := data.All.(goimap.UIDSet)
	uids, ok := set.Nums()
	if !ok {
		return nil, fmt.Errorf("sync: %q: UID SEARCH returned a dynamic set %v", mailbox, set)
	}
	out := make([]uint32, len(uids))
	for i, u := range uids {
		out[i] = uint32(u)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// wait blocks until there is news (IDLE, RFC 2177), the poll interval
// passes or Refresh asks for a pass (full is then true). INBOX must be
// selected.
func (s *session) wait(ctx context.Context, inbox string) (full bool, err error) {
	timer := time.NewTimer(s.e.opt.PollInterval)
	defer timer.Stop()
	if !s.idle {
		s.e.report(Idle{Mailbox: inbox})
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-timer.C:
			return true, nil
		case <-s.e.kick:
			return true, nil
		}
	}
	err = s.c.Idle(ctx, func(closed <-chan struct{}) error {
		// Only now is the server idling (it answered the continuation, RFC
		// 2177 section 3): reporting earlier would claim push before a
		// message that arrives in between is sure to be announced.
		s.e.report(Idle{Mailbox: inbox})
		select {
		case <-ctx.Done():
		case <-s.notify:
		case <-timer.C:
			full = true
		case <-s.e.kick:
			full = true
		case <-closed:
			return fmt.Errorf("sync: %w", imapx.ErrClosedDuringIdle)
		}
		return nil
	})
	switch {
	case ctx.Err() != nil:
		return false, ctx.Err()
	case errors.Is(err, imapx.ErrClosedDuringIdle):
		return false, err
	case err != nil:
		return false, s.cmdErr(ctx, inbox, "IDLE", err)
	}
	return full, nil
}

// cmdErr names the failed command, or the cancellation that caused it.
func (s *session) cmdErr(ctx context.Context, mailbox, cmd string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("sync: %q: %s: %w", mailbox, cmd, ctx.Err())
	}
	return fmt.Errorf("sync: %q: %s: %w", mailbox, cmd, err)
}
