package mailbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/sealdesk/sealdesk/mail/sync"
	"github.com/sealdesk/sealdesk/store"
)

// SyncOptions tunes a sync. The zero value is what the app and sealctl use.
type SyncOptions struct {
	// Engine tunes mail/sync's engine (batch size, extra folders,
	// backoff); its Processor is always the security engines and its
	// Reporter is Reporter below.
	Engine sync.Options
	// Reporter receives the engine's events; nil means none. It must be
	// safe for concurrent use and must not block.
	Reporter sync.Reporter
	// Team tunes the team pass that follows the mailbox sync.
	Team TeamOptions
	// AfterFlush, in Run, receives the outcome of each outbox flush that
	// follows a completed sync pass; nil means none. It runs on the flush
	// goroutine and may block it.
	AfterFlush func(FlushSummary, error)
	// TeamPoll, in Run, is how often the team folder is read between
	// mailbox passes (teamloop.go); 0 means DefaultTeamPoll, negative
	// means only after each mailbox pass.
	TeamPoll time.Duration
	// NoTeamWatch, in Run, leaves the team folder unwatched (no IDLE
	// connection of its own, teamwatch.go): the team loop polls only.
	NoTeamWatch bool
	// AfterTeam, in Run, receives the outcome of each team pass of an
	// account with team records on; nil means none. It runs on the team
	// loop's goroutine and may block it.
	AfterTeam func(TeamSummary, error)
}

// Summary sums up a sync of one account.
type Summary struct {
	Account string       `json:"account"`
	Stats   []sync.Stats `json:"stats"`
	// Processed articles went through the security engines (pending ones
	// from an earlier run included); Failed could not be processed and
	// stay pending for the next run.
	Processed int `json:"processed"`
	Failed    int `json:"failed"`
	// Team is the team pass that followed the mailbox sync (team.go);
	// TeamError says why it did not complete (it runs again next sync,
	// nothing queued is lost). Not fatal to the mail sync.
	Team      *TeamSummary `json:"team,omitempty"`
	TeamError string       `json:"team_error,omitempty"`
}

// New is the number of messages saved across the mailboxes.
func (s Summary) New() (n int) {
	for _, st := range s.Stats {
		n += st.New
	}
	return n
}

// counter counts the processing outcomes of one sync.
type counter struct{ ok, failed atomic.Int64 }

// processor runs the security engines over saved messages: the article
// SaveBatch reported for each (mail/sync's SavedMessage.ID) goes through
// security.Processing.ProcessSaved with the raw message in hand, so nothing
// is looked up or read back. Further places of an article saved before
// (store/copies.go) never get here: the engine skips them.
type processor struct {
	s *Service
	n *counter
}

func (p processor) Process(ctx context.Context, m sync.SavedMessage) error {
	return p.ProcessBatch(ctx, []sync.SavedMessage{m})[0]
}

var _ sync.BatchProcessor = processor{}

// ProcessBatch implements sync.BatchProcessor: one ProcessSaved call, the
// results written in one transaction.
func (p processor) ProcessBatch(ctx context.Context, msgs []sync.SavedMessage) []error {
	arts := make([]store.RawArticle, len(msgs))
	for i, m := range msgs {
		arts[i] = store.RawArticle{ID: m.ID, MessageID: m.MessageID, Raw: m.Raw}
	}
	errs := p.s.sec.Processing.ProcessSaved(ctx, arts)
	for _, err := range errs {
		if err != nil {
			p.n.failed.Add(1)
		} else {
			p.n.ok.Add(1)
		}
	}
	return errs
}

// engine builds the engine of one account.
func (s *Service) engine(ctx context.Context, name string, opt SyncOptions, n *counter) (*sync.Engine, store.Account, error) {
	a, err := s.p.Store.AccountByName(ctx, name)
	if err != nil {
		return nil, a, err
	}
	cfg, err := s.IMAPConfig(a)
	if err != nil {
		return nil, a, err
	}
	eo := opt.Engine
	eo.Mailboxes = append(slices.Clip(eo.Mailboxes), a.Folders...)
	eo.Processor = processor{s: s, n: n}
	eo.Reporter = opt.Reporter
	return sync.New(cfg, NewMirror(s.p.Store, a.ID), eo), a, nil
}

// SyncOnce brings one account's mirror up to date: first the articles an
// earlier run left security_pending are processed, then one pass over the
// mailboxes saves, threads and processes what is new.
func (s *Service) SyncOnce(ctx context.Context, name string, opt SyncOptions) (Summary, error) {
	sum := Summary{Account: name}
	n := &counter{}
	e, _, err := s.engine(ctx, name, opt, n)
	if err != nil {
		return sum, err
	}
	s.processPending(ctx, n)
	sum.Stats, err = e.SyncOnce(ctx)
	sum.Processed, sum.Failed = int(n.ok.Load()), int(n.failed.Load())
	if err == nil {
		s.afterSync(ctx, name, opt, &sum)
	}
	return sum, err
}

// Run keeps one account in sync (IDLE, reconnecting with backoff) until
// ctx ends; see sync.Engine.Run. It returns nil when ctx ends and an error
// only for what retrying cannot fix (wrong password, untrusted
// certificate). After every completed pass the outbox is flushed (see
// flush.go), so mail queued while offline goes out once the server is
// back, and the team folder is read (teamloop.go) so other agents'
// changes arrive within seconds.
func (s *Service) Run(ctx context.Context, name string, opt SyncOptions) error {
	rep, stopFlush := s.withFlush(ctx, opt)
	defer stopFlush()
	opt.Reporter = rep
	rep, stopTeam := s.withTeam(ctx, name, opt)
	defer stopTeam()
	opt.Reporter = rep
	e, _, err := s.engine(ctx, name, opt, &counter{})
	if err != nil {
		return err
	}
	s.running.Store(name, e)
	defer s.running.CompareAndDelete(name, e)
	s.processPending(ctx, &counter{})
	return e.Run(ctx)
}

// RunAll runs every account (see Run) until ctx ends, and returns the
// first account's permanent error, if any, after all have stopped.
func (s *Service) RunAll(ctx context.Context, opt SyncOptions) error {
	accounts, err := s.p.Store.Accounts(ctx)
	if err != nil {
		return err
	}
	if len(accounts) == 0 {
		return ErrNoAccount
	}
	var wg gosync.WaitGroup
	errs := make([]error, len(accounts))
	for i, a := range accounts {
		wg.Go(func() {
			if err := s.Run(ctx, a.Name, opt); err != nil {
				errs[i] = fmt.Errorf("account %q: %w", a.Name, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// ErrNoAccount: there is nothing to sync.
var ErrNoAccount = errors.New("mailbox: no account configured: add one first (sealctl account add, or Settings → Accounts)")

// ProcessPending runs the security engines over every article left
// security_pending, and returns how many were processed and how many
// failed (they stay pending).
func (s *Service) ProcessPending(ctx context.Context) (processed, failed int) {
	n := &counter{}
	s.processPending(ctx, n)
	return int(n.ok.Load()), int(n.failed.Load())
}

func (s *Service) processPending(ctx context.Context, n *counter) {
	ids, err := s.p.Store.PendingArticles(ctx)
	if err != nil {
		return // the next run tries again
	}
	for chunk := range slices.Chunk(ids, pendingBatch) {
		if ctx.Err() != nil {
			return
		}
		for _, err := range s.sec.Processing.ProcessStoredBatch(ctx, chunk) {
			if err != nil {
				n.failed.Add(1)
			} else {
				n.ok.Add(1)
			}
		}
	}
}

// pendingBatch is how many pending articles are processed per transaction.
const pendingBatch = 32
