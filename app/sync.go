package app

import (
	"context"
	"errors"
	"log/slog"
	gosync "sync"
	"time"

	"github.com/sealdesk/sealdesk/mail/sync"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/store"
)

// Sync states, as sync:state and Status report them.
const (
	SyncStopped    = "stopped"
	SyncConnecting = "connecting"
	SyncSyncing    = "syncing"
	SyncIdle       = "idle"
	SyncOffline    = "offline" // lost the connection, retrying
	SyncError      = "error"   // stopped on what retrying cannot fix
)

// SyncProgress is the sync:progress payload: new messages of one folder
// saved so far in the current pass.
type SyncProgress struct {
	Account string  `json:"account"`
	Mailbox string  `json:"mailbox"`
	Done    int     `json:"done"`
	Total   int     `json:"total"`
	Rate    float64 `json:"rate"` // messages per second
	// RemainingSeconds is the estimate to finish the pass; 0 if unknown.
	RemainingSeconds float64 `json:"remaining_seconds"`
}

// SyncStatus is the sync:state payload and what Status returns.
type SyncStatus struct {
	Running bool   `json:"running"`
	State   string `json:"state"`
	// Account is the account synced; empty means all.
	Account string `json:"account"`
	// Message says what went wrong and how to fix it (offline, error).
	Message string `json:"message"`
	// Seq grows with every change. Events may reach the UI out of order
	// (Wails' dev bridge writes each one from its own goroutine) and a
	// Status answer may cross an event, so the UI keeps the highest Seq.
	Seq uint64 `json:"seq"`
}

// StartSyncRequest starts the background sync; empty Account means all.
type StartSyncRequest struct {
	Account string `json:"account"`
}

// StopSyncRequest stops it.
type StopSyncRequest struct{}

// Sync is the bound service that runs the mailbox sync in the background
// and publishes throttled sync:progress and sync:state events.
type Sync struct {
	mb   *mailbox.Service
	emit Emitter
	// st words the team's conflict notices; nil: none are told.
	st *store.Store

	// lifecycle serialises Start, Stop and restarts: without it two
	// restarts that overlap (two account saves in a row) could each start
	// an engine and one would run on, orphaned, beside the other.
	lifecycle gosync.Mutex

	mu     gosync.Mutex
	status SyncStatus
	cancel context.CancelFunc
	done   chan struct{}
}

// Start begins syncing (a no-op when already running for the same
// account; a different account restarts it).
func (s *Sync) Start(req StartSyncRequest) (SyncStatus, error) {
	s.lifecycle.Lock()
	defer s.lifecycle.Unlock()
	return s.start(req)
}

func (s *Sync) start(req StartSyncRequest) (SyncStatus, error) {
	s.mu.Lock()
	if s.done != nil && s.status.Account == req.Account {
		defer s.mu.Unlock()
		return s.status, nil
	}
	s.mu.Unlock()
	s.stop()
	accounts, err := s.mb.Accounts(context.Background())
	if err != nil {
		return SyncStatus{}, err
	}
	if len(accounts) == 0 {
		return SyncStatus{}, invalid(mailbox.ErrNoAccount)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.mu.Lock()
	s.cancel, s.done = cancel, done
	s.mu.Unlock()
	s.set(SyncStatus{Running: true, State: SyncConnecting, Account: req.Account})
	rep := &syncReporter{s: s, account: req.Account}
	go func() {
		defer close(done)
		// A flush after a pass that sent queued mail adds its articles.
		opt := mailbox.SyncOptions{Reporter: rep, AfterFlush: func(sum mailbox.FlushSummary, _ error) {
			if len(sum.Results) > 0 {
				s.emit.Emit(EventTicketsChanged, struct{}{})
			}
		}, AfterTeam: s.afterTeam}
		var err error
		if req.Account != "" {
			err = s.mb.Run(ctx, req.Account, opt)
		} else {
			err = s.mb.RunAll(ctx, opt)
		}
		st := SyncStatus{State: SyncStopped, Account: req.Account}
		if err != nil && !errors.Is(err, context.Canceled) {
			st.State, st.Message = SyncError, Classify(err).Message
		}
		s.mu.Lock()
		if s.done == done { // ended by itself (a permanent error), not by stop
			s.cancel, s.done = nil, nil
		}
		s.mu.Unlock()
		cancel()
		s.set(st)
	}()
	return s.Status()
}

// afterTeam tells the UI what a team pass of the running sync brought.
func (s *Sync) afterTeam(sum mailbox.TeamSummary, _ error) { tellTeamPass(s.emit, s.st, sum) }

// tellTeamPass tells the UI what a team pass brought: other agents'
// records (the list reloads), keys the team published or removed (Found
// in mail and the key lists reload: offered, accepted by the laptop's
// setting, withdrawn, or noted beside a key held here), and our changes
// that lost (st nil: none are told).
func tellTeamPass(emit Emitter, st *store.Store, sum mailbox.TeamSummary) {
	if sum.Read > 0 || sum.Reset {
		emit.Emit(EventTicketsChanged, struct{}{})
	}
	if sum.Keys != nil {
		for _, ev := range []EventName{EventPendingChanged, EventCertificatesChanged, EventPGPKeysChanged} {
			emit.Emit(ev, struct{}{})
		}
	}
	if len(sum.Conflicts) == 0 || st == nil {
		return
	}
	notices, err := conflictNotices(context.Background(), st, time.Now())
	if err == nil && len(notices) > 0 {
		emit.Emit(EventTeamConflicts, TeamConflicts{Notices: notices})
	}
}

// accountsChanged restarts the sync of all accounts in the background so
// that it picks up an added, edited or removed account (a restart resumes
// from the checkpoints), and starts it when the first account arrives. A
// sync of one named account (the demo's) is left alone.
func (s *Sync) accountsChanged() {
	go func() {
		s.lifecycle.Lock()
		defer s.lifecycle.Unlock()
		if st, _ := s.Status(); st.Running && st.Account != "" {
			return
		}
		s.stop()
		_, _ = s.start(StartSyncRequest{})
	}()
}

// Stop ends the sync and waits for it; what was saved stays, and the next
// Start resumes.
func (s *Sync) Stop(StopSyncRequest) (SyncStatus, error) {
	s.lifecycle.Lock()
	defer s.lifecycle.Unlock()
	s.stop()
	return s.Status()
}

// Status returns the current state.
func (s *Sync) Status() (SyncStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status, nil
}

// stop cancels a running sync and waits until it has ended.
func (s *Sync) stop() {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.cancel, s.done = nil, nil
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

func (s *Sync) set(st SyncStatus) {
	s.mu.Lock()
	st.Seq = s.status.Seq
	if s.status == st {
		s.mu.Unlock()
		return
	}
	st.Seq++
	s.status = st
	s.mu.Unlock()
	// State changes go to the process log too (stderr): the account name
	// and a classified message, never mail content or credentials.
	slog.Info("sync state", "state", st.State, "account", st.Account, "message", st.Message)
	s.emit.Emit(EventSyncState, st)
}

// syncReporter turns the engine's events into UI events; the Throttle
// behind emit coalesces bursts.
type syncReporter struct {
	s       *Sync
	account string
}

func (r *syncReporter) Report(ev sync.Event) {
	st := SyncStatus{Running: true, Account: r.account}
	switch ev := ev.(type) {
	case sync.Connected:
		st.State = SyncSyncing
	case sync.Progress:
		r.s.emit.Emit(EventSyncProgress, SyncProgress{Account: r.account, Mailbox: ev.Mailbox, Done: ev.Done, Total: ev.Total,
			Rate: ev.Rate, RemainingSeconds: ev.Remaining.Round(time.Second).Seconds()})
		st.State = SyncSyncing
	case sync.MailboxSynced:
		if ev.Stats.New+ev.Stats.Expunged > 0 {
			r.s.emit.Emit(EventTicketsChanged, struct{}{})
		}
		return
	case sync.Idle:
		st.State = SyncIdle
	case sync.Disconnected:
		st.State, st.Message = SyncOffline, Classify(ev.Err).Message
	default:
		return
	}
	r.s.set(st)
}
