package sync

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	gosync "sync"
	"time"

	imapx "github.com/sealdesk/sealdesk/mail/imap"
)

// ErrNoSuchFolder means a configured extra folder is not on the server.
var ErrNoSuchFolder = errors.New("sync: no such folder on the server")

// Options tunes an [Engine]. The zero value is usable.
type Options struct {
	// Mailboxes are folders to mirror besides INBOX and Sent.
	Mailboxes []string
	// SkipInbox and SkipSent leave INBOX or the Sent folder out. IDLE
	// watches INBOX, or the first folder mirrored when INBOX is skipped.
	SkipInbox, SkipSent bool
	// BatchSize is the most messages per UID FETCH and per SaveBatch;
	// 0 means 100.
	BatchSize int
	// BatchBytes bounds a batch's total RFC822.SIZE (a bigger message
	// goes alone); 0 means 32 MiB, negative means no bound.
	BatchBytes int64
	// Workers is the number of Processor goroutines; 0 means two more
	// than the CPUs (at least 4): processing is mostly CPU, and a worker
	// waiting on SQLite's write lock should not leave a core idle.
	Workers int
	// Processor runs over each new message after it is saved; nil means
	// none.
	Processor Processor
	// Reporter receives progress; nil means none.
	Reporter Reporter
	// PollInterval is how often every folder is checked again (and INBOX
	// too on servers without IDLE); 0 means 5 minutes.
	PollInterval time.Duration
	// MinBackoff and MaxBackoff bound the wait before reconnecting after a
	// failure, which doubles from MinBackoff (with jitter) up to
	// MaxBackoff; 0 means 1 s and 2 min.
	MinBackoff, MaxBackoff time.Duration
	// Now is the clock for rates and durations; nil means time.Now.
	Now func() time.Time
}

// Engine mirrors one account's mailboxes into a Store.
type Engine struct {
	cfg   imapx.Config
	store Store
	opt   Options

	mu     gosync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
	err    error

	// Refresh (refresh.go): rmu guards live (a session is up) and the
	// waiters not yet taken by a pass; kick (capacity 1) wakes the
	// session's wait.
	rmu     gosync.Mutex
	live    bool
	waiters []chan error
	kick    chan struct{}
}

// New returns an engine for the account cfg. Its Unilateral handler is
// replaced by the engine's own.
func New(cfg imapx.Config, store Store, opt Options) *Engine {
	if opt.BatchSize <= 0 {
		opt.BatchSize = 100
	}
	if opt.BatchBytes == 0 {
		opt.BatchBytes = 32 << 20
	}
	if opt.Workers <= 0 {
		opt.Workers = max(4, runtime.GOMAXPROCS(0)+2)
	}
	if opt.Reporter == nil {
		opt.Reporter = nopReporter{}
	}
	if opt.PollInterval <= 0 {
		opt.PollInterval = 5 * time.Minute
	}
	if opt.MinBackoff <= 0 {
		opt.MinBackoff = time.Second
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = 2 * time.Minute
	}
	if opt.MaxBackoff < opt.MinBackoff {
		opt.MaxBackoff = opt.MinBackoff
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Engine{cfg: cfg, store: store, opt: opt, kick: make(chan struct{}, 1)}
}

func (e *Engine) now() time.Time  { return e.opt.Now() }
func (e *Engine) report(ev Event) { e.opt.Reporter.Report(ev) }

// SyncOnce connects, runs one pass over every folder, waits for the
// Processor to finish with the new messages, and logs out. Cancelling ctx
// stops it at once; what was committed stays, and the next call resumes.
func (e *Engine) SyncOnce(ctx context.Context) ([]Stats, error) {
	p := newPool(ctx, e.opt.Processor, e.opt.Workers, e.opt.BatchSize, e.opt.Reporter)
	defer p.close()
	s, err := e.connect(ctx, p)
	if err != nil {
		return nil, err
	}
	defer func() { _ = s.c.Logout() }()
	boxes, err := s.mailboxes(ctx)
	if err != nil {
		return nil, err
	}
	var all []Stats
	for _, mb := range boxes {
		st, err := s.syncMailbox(ctx, mb)
		if err != nil {
			return all, err
		}
		all = append(all, st)
	}
	return all, nil
}

// Run keeps the mirror current until ctx ends: a full pass, then IDLE on
// INBOX, a pass over INBOX for each push and over everything every
// PollInterval. Lost connections are re-established with backoff. Run
// returns nil when ctx ends, and an error only for failures retrying
// cannot fix (wrong password, untrusted certificate, missing folder).
func (e *Engine) Run(ctx context.Context) error {
	p := newPool(ctx, e.opt.Processor, e.opt.Workers, e.opt.BatchSize, e.opt.Reporter)
	defer p.close()
	attempt := 0
	for {
		err := e.session(ctx, p, func() { attempt = 0 })
		if ctx.Err() != nil {
			return nil
		}
		if permanent(err) {
			return err
		}
		attempt++
		d := e.backoff(attempt)
		e.report(Disconnected{Err: err, Attempt: attempt, RetryIn: d})
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// session runs one connection until it fails or ctx ends. Each full pass
// answers the Refresh calls made before it began.
func (e *Engine) session(ctx context.Context, p *pool, synced func()) (err error) {
	s, err := e.connect(ctx, p)
	if err != nil {
		return err
	}
	defer func() { _ = s.c.Logout() }()
	var taken []chan error
	e.goLive()
	defer func() { e.endSession(taken, err) }()
	boxes, err := s.mailboxes(ctx)
	if err != nil {
		return err
	}
	inbox := boxes[0] // the folder IDLE watches
	full := true
	for {
		todo := []string{inbox}
		if full {
			todo = boxes
			taken = e.takeWaiters()
		}
		for _, mb := range todo {
			if _, err := s.syncMailbox(ctx, mb); err != nil {
				return err
			}
		}
		if todo[len(todo)-1] != inbox {
			// IDLE watches the selected mailbox: select INBOX, catching up
			// with whatever arrived while the other folders were synced.
			if _, err := s.syncMailbox(ctx, inbox); err != nil {
				return err
			}
		}
		synced()
		answer(taken, nil)
		taken = nil
		if full, err = s.wait(ctx, inbox); err != nil {
			return err
		}
	}
}

// backoff returns the wait before attempt n (1-based): MinBackoff doubled
// n-1 times, capped at MaxBackoff, with "equal jitter" (half fixed, half
// random) so that many clients do not reconnect in step.
func (e *Engine) backoff(n int) time.Duration {
	d := e.opt.MinBackoff
	for i := 1; i < n && d < e.opt.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, e.opt.MaxBackoff)
	return d/2 + rand.N(d/2+1)
}

// permanent reports whether retrying cannot help.
func permanent(err error) bool {
	var certErr *imapx.CertificateError
	return errors.Is(err, imapx.ErrAuthFailed) || errors.Is(err, imapx.ErrInsecure) ||
		errors.Is(err, imapx.ErrConfig) || errors.Is(err, ErrNoSuchFolder) || errors.As(err, &certErr)
}

// Start runs [Engine.Run] in the background until [Engine.Close].
func (e *Engine) Start(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.done != nil {
		return errors.New("sync: engine already started")
	}
	ctx, e.cancel = context.WithCancel(ctx)
	e.done = make(chan struct{})
	go func() {
		defer close(e.done)
		err := e.Run(ctx)
		e.mu.Lock()
		e.err = err
		e.mu.Unlock()
	}()
	return nil
}

// Close stops what Start started and waits until every goroutine of the
// engine has ended. It returns Run's error, if any.
func (e *Engine) Close() error {
	e.mu.Lock()
	cancel, done := e.cancel, e.done
	e.mu.Unlock()
	if done == nil {
		return nil
	}
	cancel()
	<-done
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
}

// Done is closed when the engine started by Start has stopped (after
// Close, or on a permanent error); nil before Start.
func (e *Engine) Done() <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.done
}
