package mailbox

import (
	"context"
	gosync "sync"
	"time"

	"github.com/sealdesk/sealdesk/mail/sync"
)

// The team desk in the running sync (docs/team.md "Shared state and
// owner"): Run keeps a team loop beside the mailbox engine. It runs a team
// pass after every completed mailbox pass (the engine's Idle event, as the
// outbox flush does) and polls the team folder every TeamPoll in between,
// so another laptop's change shows within seconds without new mail.
//
// Why polling and not IDLE on the team folder: IDLE watches the selected
// mailbox only (RFC 2177), so a second IDLE needs a second connection held
// open per account; a poll is one login and one SELECT (STATUS-cheap, see
// docs/team.md "Incremental reading and cost") every 20 s, and the engine's
// connection stays the only long-lived one.

// DefaultTeamPoll is how often a running sync reads the team folder when
// no mailbox pass asked for it.
const DefaultTeamPoll = 20 * time.Second

// teamLock serialises the team passes of one account: the loop's, a
// change's (SetTicketState writes at once) and sealctl's would otherwise
// read the same records from the same position and append the same queued
// record twice.
func (s *Service) teamLock(account string) *gosync.Mutex {
	m, _ := s.teamMu.LoadOrStore(account, &gosync.Mutex{})
	return m.(*gosync.Mutex)
}

// teamLoop runs a team pass of account on every kick and every poll
// interval until ctx ends, and hands each outcome to after (nil: none).
// An account with team records off costs a store lookup per round.
func (s *Service) teamLoop(ctx context.Context, account string, kick <-chan struct{}, opt SyncOptions) {
	every := opt.TeamPoll
	if every == 0 {
		every = DefaultTeamPoll
	}
	var tick <-chan time.Time
	if every > 0 {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-kick:
		case <-tick:
		}
		sum, err := s.TeamSync(ctx, account, opt.Team)
		if sum.Off || ctx.Err() != nil {
			continue
		}
		if opt.AfterTeam != nil {
			opt.AfterTeam(sum, err)
		}
	}
}

// withTeam starts the team loop of one Run and returns the reporter that
// kicks it and a stop function that waits for the loop to end.
func (s *Service) withTeam(ctx context.Context, account string, opt SyncOptions) (sync.Reporter, func()) {
	return onIdle(ctx, opt.Reporter, func(ctx context.Context, kick <-chan struct{}) {
		s.teamLoop(ctx, account, kick, opt)
	})
}
