package mailbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	imapx "github.com/sealdesk/sealdesk/mail/imap"
	"github.com/sealdesk/sealdesk/mail/team"
)

// The team folder watched with IDLE (RFC 2177): another laptop's record
// shows here as soon as its APPEND lands, not at the next poll. IDLE
// watches only the selected mailbox, and the engine's connection idles on
// INBOX, so the watch holds a second connection per account, selected on
// the team folder. It only wakes the team loop: the pass that follows
// reads the records on a connection of its own, by the same rules as a
// poll, so a watch that misses something (a dropped connection, a server
// that never pushes) costs latency, never correctness, and the loop's
// poll stays as the floor.

// Reconnect backoff of the watch: first wait, and the most it grows to.
const (
	teamWatchRetry    = 2 * time.Second
	teamWatchRetryMax = 2 * time.Minute
)

// errNoIdle: the server does not offer IDLE; the loop's poll does the work.
var errNoIdle = errors.New("team watch: the server does not offer IDLE")

// watchTeam keeps a team folder watch of account open until ctx ends,
// reconnecting after a failure with a growing pause, and sends on news
// (without blocking) whenever the folder gains or loses a message.
func (s *Service) watchTeam(ctx context.Context, account string, opt TeamOptions, news chan<- struct{}) {
	wait := teamWatchRetry
	for {
		start := time.Now()
		err := s.watchTeamOnce(ctx, account, opt, news)
		if ctx.Err() != nil || errors.Is(err, errNoIdle) {
			return
		}
		if time.Since(start) > teamWatchRetryMax {
			wait = teamWatchRetry // it held for a while: a fresh failure
		}
		// The first pass after a reconnect may have missed a push: wake it.
		notify(news)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, teamWatchRetryMax)
	}
}

// watchTeamOnce opens one connection, selects the team folder (creating it
// as a pass would) and idles on it until ctx ends or the connection fails.
func (s *Service) watchTeamOnce(ctx context.Context, account string, opt TeamOptions, news chan<- struct{}) error {
	a, err := s.p.Store.AccountByName(ctx, account)
	if err != nil {
		return err
	}
	changed := make(chan struct{}, 1)
	// EXISTS (a record appended) and EXPUNGE (the folder emptied by hand)
	// are what a pass must look at; flag changes carry nothing the rules
	// read (docs/team.md). The handler runs on the reading goroutine and
	// must not block.
	c, err := s.teamConnect(ctx, a, opt, &imapclient.UnilateralDataHandler{
		Expunge: func(uint32) { notify(changed) },
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				notify(changed)
			}
		},
	})
	if err != nil {
		return err
	}
	defer c.Logout()
	if !c.Caps().Has(goimap.CapIdle) {
		return errNoIdle
	}
	f, err := team.Open(ctx, c, opt.Folder)
	if err != nil {
		return err
	}
	for {
		drain(changed) // what SELECT itself reported is read by the pass
		if err := idleUntil(ctx, c, changed); err != nil {
			return fmt.Errorf("team watch %q: %w", f.Name, err)
		}
		notify(news)
	}
}

// idleUntil idles until the folder changes (nil), ctx ends or the
// connection fails.
func idleUntil(ctx context.Context, c *imapx.Client, changed <-chan struct{}) error {
	return c.Idle(ctx, func(closed <-chan struct{}) error {
		select {
		case <-ctx.Done():
		case <-changed:
		case <-closed:
			return imapx.ErrClosedDuringIdle
		}
		return nil
	})
}

// notify sends on ch without blocking: one pending wake-up is enough.
func notify(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func drain(ch <-chan struct{}) {
	select {
	case <-ch:
	default:
	}
}
