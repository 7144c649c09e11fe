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
// outbox flush does), whenever the watch of the team folder (IDLE on a
// connection of its own, teamwatch.go) sees a record arrive, so another
// laptop's change shows within a second or two without new mail, and
// every TeamPoll in between: the poll is the floor on servers without
// IDLE and after a watch that missed something (one login and one SELECT,
// see docs/team.md "Incremental reading and cost").

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

// teamLoop runs a team pass of account on every kick, every poll interval
// and every change the team folder's watch reports (teamwatch.go) until
// ctx ends, and hands each outcome to after (nil: none). The watch starts
// with the first pass of an account with team records on and stops when a
// pass finds them turned off. An account with team records off costs a
// store lookup per round.
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
	news := make(chan struct{}, 1)
	var watch teamWatch
	defer watch.stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-kick:
		case <-tick:
		case <-news:
		}
		sum, err := s.TeamSync(ctx, account, opt.Team)
		if sum.Off {
			watch.stop()
		} else if err == nil && !opt.NoTeamWatch {
			watch.start(ctx, func(ctx context.Context) { s.watchTeam(ctx, account, opt.Team, news) })
		}
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

// teamWatch is the team loop's handle on its folder watch: at most one
// runs, and stop returns once it has logged out.
type teamWatch struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func (w *teamWatch) start(ctx context.Context, run func(context.Context)) {
	if w.cancel != nil {
		return
	}
	ctx, w.cancel = context.WithCancel(ctx)
	w.done = make(chan struct{})
	go func() {
		defer close(w.done)
		run(ctx)
	}()
}

func (w *teamWatch) stop() {
	if w.cancel != nil {
		w.cancel()
		<-w.done
		w.cancel, w.done = nil, nil
	}
}
