package mailbox

import (
	"context"
	"errors"

	"github.com/sealdesk/sealdesk/mail/sync"
)

// Refresh brings one account up to date now, for a decision that must
// not rest on the last look: the composer's no-double-answers check before
// Send (compose.CheckSend, issue 13). Another agent's answer lands in the
// shared Sent folder, which IDLE does not watch (the running engine looks
// at it every few minutes), and their change of state or owner in the team
// folder, which the team loop polls every DefaultTeamPoll. So the account's
// running sync (Run) makes a pass over every folder (sync.Engine.Refresh),
// then the team folder is read (TeamSync).
//
// Without a running sync of the account only the team folder is read and
// the error says sync.ErrNotConnected: a second engine would race the
// first over the same folders' checkpoints, so the mail waits for the
// sync. What was saved stays whatever the error; the summary is the team
// pass's. ctx bounds the wait (a first sync of a big mailbox may take long).
func (s *Service) Refresh(ctx context.Context, account string) (TeamSummary, error) {
	mailErr := sync.ErrNotConnected
	if e, ok := s.running.Load(account); ok {
		mailErr = e.(*sync.Engine).Refresh(ctx)
	}
	sum, err := s.TeamSync(ctx, account, TeamOptions{})
	return sum, errors.Join(mailErr, err)
}
